//! Tests of relation identities and of what an overlay takes away.

use super::*;
use crate::account::{
    Account, AttachedPolicy, Attachment, Group, InlinePolicy, Membership, PolicyRef, User,
};
use crate::policy::PolicyDocument;
use crate::span::{FileId, TextRange};

fn at(address: &str) -> Origin {
    Origin::new(FileId(0), TextRange::new(0, 0)).with_address(address)
}

fn doc(why: &str) -> PolicyDocument {
    PolicyDocument::unknown(why, at("doc"))
}

fn arn(kind: &str, name: &str) -> Str {
    Str::lit(format!("arn:aws:iam::123456789012:{kind}/{name}"))
}

fn user(name: &str, groups: &[&str], inline: &[&str], attached: &[&str]) -> User {
    User {
        name: Str::lit(name),
        path: Str::lit("/"),
        arn: arn("user", name),
        inline: inline
            .iter()
            .map(|n| InlinePolicy {
                name: Str::lit(*n),
                document: doc(n),
                origin: at("snapshot"),
            })
            .collect(),
        attached: attached
            .iter()
            .map(|p| PolicyRef {
                arn: arn("policy", p),
                origin: at("snapshot"),
            })
            .collect(),
        groups: groups.iter().map(|g| Str::lit(*g)).collect(),
        boundary: None,
        tags: Vec::new(),
        uncertain: false,
        origin: at("snapshot"),
    }
}

fn group(name: &str) -> Group {
    Group {
        name: Str::lit(name),
        path: Str::lit("/"),
        arn: arn("group", name),
        inline: Vec::new(),
        attached: Vec::new(),
        uncertain: false,
        origin: at("snapshot"),
    }
}

/// A snapshot-like account: alice in ops and dev, with inline `a` and `b` and PassEc2
/// attached; bob in ops.
fn below() -> Account {
    Account {
        account_id: Some("123456789012".into()),
        users: vec![
            user("alice", &["ops", "dev"], &["a", "b"], &["PassEc2"]),
            user("bob", &["ops"], &[], &[]),
        ],
        groups: vec![group("ops"), group("dev")],
        ..Account::default()
    }
}

fn take(scope: RelationScope) -> Account {
    Account {
        relation_removals: vec![RelationRemoval::new(scope, at("plan.r"))],
        ..Account::default()
    }
}

fn names(v: &[Str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

#[test]
fn removals_reach_relations_stored_inside_entities() {
    // By ARN where the snapshot stores names, and by name where it stores ARNs.
    let mut a = below();
    let d = a.overlay(take(RelationScope::One(Relation::Membership {
        user: arn("user", "alice"),
        group: Str::lit("ops"),
    })));
    assert!(d.is_empty());
    assert_eq!(names(&a.users[0].groups), ["dev"]);
    assert_eq!(names(&a.users[1].groups), ["ops"]);
    let d = a.overlay(take(RelationScope::One(Relation::Managed {
        target: PrincipalTarget::User(Str::lit("alice")),
        arn: arn("policy", "PassEc2"),
    })));
    assert!(d.is_empty());
    assert!(a.users[0].attached.is_empty());
    // A group's members, whoever they are.
    let mut a = below();
    a.memberships.push(Membership {
        user: Str::lit("carol"),
        group: arn("group", "ops"),
        uncertain: false,
        origin: at("tf"),
    });
    a.overlay(take(RelationScope::GroupMembers {
        group: Str::lit("ops"),
    }));
    assert_eq!(names(&a.users[0].groups), ["dev"]);
    assert!(a.users[1].groups.is_empty());
    assert!(a.memberships.is_empty());
    // Every inline policy of alice but `b`.
    let mut a = below();
    a.overlay(take(RelationScope::InlinePolicies {
        target: PrincipalTarget::User(Str::lit("alice")),
        keep: vec![Str::lit("b")],
    }));
    let kept: Vec<Str> = a.users[0].inline.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names(&kept), ["b"]);
}

#[test]
fn undecided_removals_keep_and_say_so() {
    let mut a = below();
    let d = a.overlay(take(RelationScope::One(Relation::Inline {
        target: PrincipalTarget::User(Str::lit("alice")),
        name: Str::hole("aws_iam_user_policy.p.name"),
    })));
    assert_eq!(a.users[0].inline.len(), 2);
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].message,
        "plan.r may or may not take away 2 relation(s) of the inputs below it (inline policy a of user alice, inline policy b of user alice): this cannot be decided offline, so they are kept"
    );
    assert_eq!(d[0].origin, Some(at("plan.r")));
}

#[test]
fn an_inline_policy_replaces_the_one_of_its_name() {
    let mut a = below();
    // Declared apart (a plan's aws_iam_user_policy) and certain: replaces `a`.
    let mut top = Account::default();
    top.attachments.push(Attachment {
        target: PrincipalTarget::User(Str::lit("alice")),
        policy: AttachedPolicy::Inline(InlinePolicy {
            name: Str::lit("a"),
            document: doc("new"),
            origin: at("plan"),
        }),
        uncertain: false,
        origin: at("plan"),
    });
    // Under a condition (it may not exist): `b` stays beside it.
    top.attachments.push(Attachment {
        target: PrincipalTarget::User(Str::lit("alice")),
        policy: AttachedPolicy::Inline(InlinePolicy {
            name: Str::lit("b"),
            document: doc("maybe"),
            origin: at("plan"),
        }),
        uncertain: true,
        origin: at("plan"),
    });
    a.overlay(top);
    let kept: Vec<Str> = a.users[0].inline.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names(&kept), ["b"]);
    assert_eq!(a.attachments.len(), 2);
    // Inside an entity (a later snapshot): its own `b` replaces the one below.
    let mut a = below();
    let mut later = user("alice", &[], &["b"], &[]);
    later.inline[0].document = doc("b, later");
    a.users[0].boundary = Some(PolicyRef {
        arn: arn("policy", "Boundary"),
        origin: at("snapshot"),
    });
    a.overlay(Account {
        users: vec![later],
        ..Account::default()
    });
    let alice = a
        .users
        .iter()
        .find(|u| u.name == Str::lit("alice"))
        .unwrap();
    let inline: Vec<(String, PolicyDocument)> = alice
        .inline
        .iter()
        .map(|p| (p.name.to_string(), p.document.clone()))
        .collect();
    assert_eq!(
        inline,
        [
            ("b".to_owned(), doc("b, later")),
            ("a".to_owned(), doc("a"))
        ]
    );
    // The boundary is the later input's: none.
    assert_eq!(alice.boundary, None);
    assert_eq!(names(&alice.groups), ["ops", "dev"]);
}

#[test]
fn norm_names_what_is_known() {
    assert_eq!(norm(&Str::lit("Ops")).as_deref(), Some("ops"));
    let arn = Str::from_parts([
        Part::Lit("arn:aws:iam::".into()),
        Part::Hole(ACCOUNT_HOLE.into()),
        Part::Lit(":role/app/Web".into()),
    ]);
    assert_eq!(norm(&arn).as_deref(), Some("web"));
    let generated = Str::from_parts([
        Part::Lit("app-".into()),
        Part::Hole("aws_iam_role.r.name_suffix".into()),
    ]);
    assert_eq!(norm(&generated), None);
}

#[test]
fn same_is_three_valued() {
    let lit = Str::lit;
    assert_eq!(same(&lit("ops"), &lit("ops"), Fold::Case, None), Tri::Yes);
    assert_eq!(same(&lit("Ops"), &lit("ops"), Fold::Case, None), Tri::Yes);
    assert_eq!(
        same(&lit("Ops"), &lit("ops"), Fold::Exact, None),
        Tri::Maybe
    );
    assert_eq!(same(&lit("ops"), &lit("dev"), Fold::Case, None), Tri::No);
    let h = Str::hole("aws_iam_group.g.name");
    assert_eq!(same(&h, &lit("ops"), Fold::Case, None), Tri::Maybe);
    assert_eq!(same(&h, &h.clone(), Fold::Exact, None), Tri::Yes);
    // The account hole of the input on top is the account below.
    let arn = Str::from_parts([
        Part::Lit("arn:aws:iam::".into()),
        Part::Hole(ACCOUNT_HOLE.into()),
        Part::Lit(":policy/p".into()),
    ]);
    let known = lit("arn:aws:iam::123456789012:policy/p");
    assert_eq!(same(&arn, &known, Fold::Case, None), Tri::Maybe);
    assert_eq!(
        same(&arn, &known, Fold::Case, Some("123456789012")),
        Tri::Yes
    );
    assert_eq!(
        same(&arn, &known, Fold::Case, Some("210987654321")),
        Tri::No
    );
}
