use passgraph_model::{FileId, Ignore, Origin, PrincipalTarget, Str, TextRange};

use super::{Acceptance, Exposure, SuppressionKind, Suppressor};
use crate::baseline::{Baseline, Entry};
use crate::date::Date;

fn origin() -> Origin {
    Origin::new(FileId(0), TextRange::new(0, 0))
}

fn accept(principal: Option<&str>, role: Option<&str>, service: Option<&str>) -> Acceptance {
    Acceptance {
        principal: principal.map(str::to_owned),
        role: role.map(str::to_owned),
        service: service.map(str::to_owned),
        reason: "reviewed".to_owned(),
        expires: None,
        origin: origin(),
    }
}

struct Owned {
    kind: &'static str,
    name: Str,
    arn: Str,
    role_name: Str,
    role_arn: Str,
    service: &'static str,
    groups: Vec<Str>,
}

fn finding(kind: &'static str, name: &str, role: &str, service: &'static str) -> Owned {
    Owned {
        kind,
        name: Str::lit(name),
        arn: Str::lit(format!("arn:aws:iam::111122223333:{kind}/{name}")),
        role_name: Str::lit(role),
        role_arn: Str::lit(format!("arn:aws:iam::111122223333:role/{role}")),
        service,
        groups: Vec::new(),
    }
}

impl Owned {
    fn exposure(&self) -> Exposure<'_> {
        Exposure {
            principal_kind: self.kind,
            principal_name: &self.name,
            principal_arn: &self.arn,
            role_name: &self.role_name,
            role_arn: &self.role_arn,
            service: self.service,
            groups: &self.groups,
            fingerprint: "fp-1",
        }
    }
}

fn today() -> Date {
    Date::parse("2026-12-07").expect("date")
}

fn kind(accepts: &[Acceptance], f: &Owned) -> Option<SuppressionKind> {
    Suppressor::new(accepts, &[], None, today())
        .check(&f.exposure())
        .map(|s| s.kind)
}

#[test]
fn principal_role_and_service_patterns() {
    let alice = finding("user", "alice", "app-web", "ec2.amazonaws.com");
    let yes = [
        accept(Some("alice"), None, None),
        accept(Some("user/alice"), None, None),
        accept(Some("user/al*"), Some("app-*"), Some("ec2")),
        accept(Some("arn:aws:iam::111122223333:user/*"), None, None),
        accept(None, Some("arn:aws:iam::*:role/app-???"), None),
        accept(None, None, Some("ec2.amazonaws.com")),
    ];
    for a in &yes {
        assert_eq!(
            kind(std::slice::from_ref(a), &alice),
            Some(SuppressionKind::Accepted),
            "{a:?}"
        );
    }
    let no = [
        accept(Some("role/alice"), None, None),
        accept(Some("bob"), None, None),
        accept(Some("Alice"), None, None),
        accept(None, Some("app-db"), None),
        accept(None, None, Some("lambda")),
        accept(Some("group/devs"), None, None),
    ];
    for a in &no {
        assert_eq!(kind(std::slice::from_ref(a), &alice), None, "{a:?}");
    }
}

#[test]
fn a_group_accepts_what_comes_through_it() {
    let mut f = finding("user", "carol", "app-web", "ec2.amazonaws.com");
    let a = [accept(Some("group/deployers"), Some("app-*"), Some("ec2"))];
    assert_eq!(kind(&a, &f), None, "carol's own grant is not the group's");
    f.groups = vec![Str::lit("deployers")];
    assert_eq!(kind(&a, &f), Some(SuppressionKind::Accepted));
}

#[test]
fn unknown_names_are_accepted_only_by_patterns_that_hold_whatever_they_are() {
    let mut f = finding("user", "alice", "x", "ec2.amazonaws.com");
    f.role_name = Str::from_parts([
        passgraph_model::Part::Lit("app-".into()),
        passgraph_model::Part::Hole("template.yaml:Role.RoleName".into()),
    ]);
    assert_eq!(
        kind(&[accept(None, Some("app-*"), None)], &f),
        Some(SuppressionKind::Accepted)
    );
    assert_eq!(kind(&[accept(None, Some("app-web"), None)], &f), None);
}

#[test]
fn expired_acceptances_fail_again_and_say_so() {
    let f = finding("user", "alice", "app-web", "ec2.amazonaws.com");
    let mut old = accept(Some("alice"), None, None);
    old.expires = Date::parse("2026-12-06");
    let mut current = accept(Some("alice"), None, None);
    current.expires = Date::parse("2026-12-07");
    let s = Suppressor::new(std::slice::from_ref(&old), &[], None, today());
    assert_eq!(s.check(&f.exposure()), None);
    let d = s.diagnostics();
    assert_eq!(d.len(), 1);
    assert!(
        d[0].message.contains("expired on 2026-12-06"),
        "{}",
        d[0].message
    );
    let s = Suppressor::new(std::slice::from_ref(&current), &[], None, today());
    assert!(
        s.check(&f.exposure()).is_some(),
        "valid through its last day"
    );
    assert!(s.diagnostics().is_empty());
}

#[test]
fn unused_acceptances_are_noted() {
    let f = finding("user", "alice", "app-web", "ec2.amazonaws.com");
    let a = [accept(Some("bob"), None, None)];
    let s = Suppressor::new(&a, &[], None, today());
    assert_eq!(s.check(&f.exposure()), None);
    let d = s.diagnostics();
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("matches no finding"));
}

fn ignore(
    on: PrincipalTarget,
    principal: Option<&str>,
    role: Option<&str>,
    reason: Option<&str>,
) -> Ignore {
    Ignore {
        on,
        principal: principal.map(str::to_owned),
        role: role.map(str::to_owned),
        service: Some("ec2".to_owned()),
        reason: reason.map(str::to_owned),
        origin: origin(),
    }
}

#[test]
fn inline_suppressions_on_principals_and_roles() {
    let f = finding("user", "alice", "app-web", "ec2.amazonaws.com");
    let check = |ig: Ignore| {
        let list = [ig];
        let s = Suppressor::new(&[], &list, None, today());
        (
            s.check(&f.exposure()).map(|x| x.kind),
            s.diagnostics().len(),
        )
    };
    let on_user = PrincipalTarget::User(Str::lit("alice"));
    let on_role = PrincipalTarget::Role(Str::lit("app-web"));
    assert_eq!(
        check(ignore(on_user.clone(), None, Some("app-*"), Some("ok"))),
        (Some(SuppressionKind::Inline), 0)
    );
    assert_eq!(
        check(ignore(on_user.clone(), None, Some("db-*"), Some("ok"))),
        (None, 0)
    );
    assert_eq!(
        check(ignore(on_role.clone(), Some("alice"), None, Some("ok"))),
        (Some(SuppressionKind::Inline), 0)
    );
    assert_eq!(
        check(ignore(on_role.clone(), None, None, Some("ok"))),
        (Some(SuppressionKind::Inline), 0)
    );
    assert_eq!(
        check(ignore(on_role.clone(), Some("bob"), None, Some("ok"))),
        (None, 0)
    );
    // Without a reason it suppresses nothing and says so.
    assert_eq!(check(ignore(on_user, None, Some("app-*"), None)), (None, 1));
    assert_eq!(check(ignore(on_role, None, None, Some("  "))), (None, 1));
    // A role written on as a principal (`role:` given) is not the passed role.
    let on_other_role = PrincipalTarget::Role(Str::lit("app-web"));
    assert_eq!(
        check(ignore(on_other_role, None, Some("app-web"), Some("ok"))),
        (None, 0)
    );
}

#[test]
fn the_baseline_accepts_by_fingerprint() {
    let f = finding("user", "alice", "app-web", "ec2.amazonaws.com");
    let b = Baseline::new([Entry {
        fingerprint: "fp-1".to_owned(),
        principal: "user/alice".to_owned(),
        role: "app-web".to_owned(),
        service: "ec2.amazonaws.com".to_owned(),
    }]);
    let s = Suppressor::new(&[], &[], Some(&b), today());
    assert_eq!(
        s.check(&f.exposure()).map(|x| x.kind),
        Some(SuppressionKind::Baseline)
    );
    let other = Baseline::new([]);
    let s = Suppressor::new(&[], &[], Some(&other), today());
    assert_eq!(s.check(&f.exposure()), None);
}
