//! The renderer against the provider documentation's `aws_iam_policy_document` examples.

use passgraph_model::{FileId, Node, NodeKind, Origin, PolicyDocument, Str, TextRange};

use super::*;

fn o() -> Origin {
    Origin::new(FileId(0), TextRange::new(0, 0))
}

fn s(t: &str) -> Node {
    Node::new(NodeKind::String(Str::lit(t)), o())
}

fn statement(sets: &[(SetArg, &[&str])]) -> StatementInput {
    StatementInput {
        origin: o(),
        uncertain: false,
        sid: None,
        effect: None,
        sets: sets
            .iter()
            .map(|(a, items)| (*a, o(), items.iter().map(|t| s(t)).collect()))
            .collect(),
        principals: Vec::new(),
        not_principals: Vec::new(),
        conditions: Vec::new(),
    }
}

fn doc(statements: Vec<StatementInput>) -> DocumentInput {
    DocumentInput {
        origin: o(),
        version: None,
        policy_id: None,
        sources: Vec::new(),
        statements,
        overrides: Vec::new(),
    }
}

/// The rendered document as compact JSON-like text (holes as `${key}`).
fn text(n: &Node) -> String {
    match &n.kind {
        NodeKind::Null => "null".into(),
        NodeKind::Bool(b) => b.to_string(),
        NodeKind::Number(x) => x.clone(),
        NodeKind::String(v) => format!("{:?}", v.to_string()),
        NodeKind::Array(items) => {
            format!("[{}]", items.iter().map(text).collect::<Vec<_>>().join(","))
        }
        NodeKind::Object(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, _, v)| format!("{:?}:{}", k.to_string(), text(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        NodeKind::Unknown(why) => format!("unknown({why})"),
        NodeKind::Choice(alts) => {
            format!(
                "choice({})",
                alts.iter().map(text).collect::<Vec<_>>().join("|")
            )
        }
    }
}

#[test]
fn sets_are_sorted_in_reverse_single_items_bare_and_effect_defaults_to_allow() {
    // Provider docs, "Basic Example": actions ["s3:ListAllMyBuckets", "s3:GetBucketLocation"],
    // resources ["arn:aws:s3:::*"].
    let n = render(doc(vec![statement(&[
        (
            SetArg::Actions,
            &[
                "s3:GetBucketLocation",
                "s3:ListAllMyBuckets",
                "s3:GetBucketLocation",
            ],
        ),
        (SetArg::Resources, &["arn:aws:s3:::*"]),
    ])]));
    assert_eq!(
        text(&n),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetBucketLocation"],"Resource":"arn:aws:s3:::*"}]}"#
    );
}

#[test]
fn policy_variables_are_written_with_an_ampersand() {
    // Provider docs: "`&{aws:username}` ... will be rendered as `${aws:username}`" in
    // resources, principals and condition values, not in actions; with version 2008-10-17
    // they stay as written.
    let mut st = statement(&[
        (SetArg::Actions, &["s3:&{x}"]),
        (SetArg::Resources, &["arn:aws:s3:::home/&{aws:username}/*"]),
        (SetArg::NotResources, &["arn:aws:s3:::&{aws:userid}"]),
    ]);
    st.principals.push(PrincipalInput {
        origin: o(),
        kind: Str::lit("AWS"),
        identifiers: vec![s("arn:aws:iam::111122223333:user/&{aws:username}")],
    });
    st.conditions.push(ConditionInput {
        origin: o(),
        test: Str::lit("StringLike"),
        variable: Str::lit("s3:prefix"),
        values: vec![s("home/&{aws:username}/")],
    });
    let n = render(doc(vec![st.clone()]));
    assert_eq!(
        text(&n),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:&{x}","Resource":"arn:aws:s3:::home/${aws:username}/*","NotResource":"arn:aws:s3:::${aws:userid}","Principal":{"AWS":"arn:aws:iam::111122223333:user/${aws:username}"},"Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/"}}}]}"#
    );
    let mut old = doc(vec![st]);
    old.version = Some(Str::lit("2008-10-17"));
    let t = text(&render(old));
    assert!(!t.contains("${"), "{t}");
    // The renderer's output reads as a policy whose resource is the variable.
    let plain = render(doc(vec![statement(&[
        (SetArg::Actions, &["s3:GetObject"]),
        (SetArg::Resources, &["arn:aws:s3:::home/&{aws:username}/*"]),
    ])]));
    let (d, diags) = PolicyDocument::from_node(&plain);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        d.statements[0].resources,
        passgraph_model::ResourceSpec::Resource(vec!["arn:aws:s3:::home/${aws:username}/*".into()])
    );
}

#[test]
fn principals_group_by_type_and_everyone_is_a_star() {
    let star = PrincipalInput {
        origin: o(),
        kind: Str::lit("*"),
        identifiers: vec![s("*")],
    };
    let mut st = statement(&[(SetArg::Actions, &["sts:AssumeRole"])]);
    st.principals.push(star.clone());
    assert_eq!(
        text(&render(doc(vec![st.clone()]))),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*"}]}"#
    );
    // Beside other principals everyone is kept, as `"AWS": "*"` (never dropped).
    st.principals.push(PrincipalInput {
        origin: o(),
        kind: Str::lit("Service"),
        identifiers: vec![s("ec2.amazonaws.com")],
    });
    st.principals.push(PrincipalInput {
        origin: o(),
        kind: Str::lit("Service"),
        identifiers: vec![s("lambda.amazonaws.com")],
    });
    assert_eq!(
        text(&render(doc(vec![st]))),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":["lambda.amazonaws.com","ec2.amazonaws.com"],"AWS":"*"}}]}"#
    );
}

#[test]
fn sources_and_overrides_merge_by_sid() {
    // Provider docs, "Example Using Sources and Overrides": a statement with the Sid of a
    // source statement replaces it; an override replaces both; the rest are appended.
    let src = |sid: &str, action: &str| {
        let st = Node::new(
            NodeKind::Object(vec![
                (Str::lit("Sid"), o(), s(sid)),
                (Str::lit("Effect"), o(), s("Allow")),
                (Str::lit("Action"), o(), s(action)),
            ]),
            o(),
        );
        Node::new(
            NodeKind::Object(vec![(
                Str::lit("Statement"),
                o(),
                Node::new(NodeKind::Array(vec![st]), o()),
            )]),
            o(),
        )
    };
    let mut own = statement(&[(SetArg::Actions, &["ec2:*"])]);
    own.sid = Some((o(), s("SidToOverride")));
    let mut input = doc(vec![own, statement(&[(SetArg::Actions, &["s3:*"])])]);
    input.sources = vec![src("SidToOverride", "iam:*"), src("Other", "sns:*")];
    input.overrides = vec![
        src("Other", "sqs:*"),
        Node::new(NodeKind::Unknown("override known after apply".into()), o()),
    ];
    assert_eq!(
        text(&render(input)),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"SidToOverride","Effect":"Allow","Action":"ec2:*"},{"Sid":"Other","Effect":"Allow","Action":"sqs:*"},{"Effect":"Allow","Action":"s3:*"},unknown(override known after apply)]}"#
    );
}

#[test]
fn a_statement_that_may_not_exist_is_a_choice() {
    let mut st = statement(&[(SetArg::Actions, &["iam:PassRole"])]);
    st.uncertain = true;
    let t = text(&render(doc(vec![st])));
    assert!(
        t.contains(r#"choice({"Effect":"Allow","Action":"iam:PassRole"})"#),
        "{t}"
    );
}
