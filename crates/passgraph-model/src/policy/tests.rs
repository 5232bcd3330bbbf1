use super::*;
use crate::span::{FileId, TextRange};

fn o() -> Origin {
    Origin::new(FileId(0), TextRange::default())
}
fn s(v: &str) -> Node {
    Node::new(NodeKind::String(Str::lit(v)), o())
}
fn obj(entries: Vec<(&str, Node)>) -> Node {
    Node::new(
        NodeKind::Object(
            entries
                .into_iter()
                .map(|(k, v)| (Str::lit(k), o(), v))
                .collect(),
        ),
        o(),
    )
}
fn arr(items: Vec<Node>) -> Node {
    Node::new(NodeKind::Array(items), o())
}

#[test]
fn statement_as_object_and_single_strings() {
    let doc = obj(vec![
        ("Version", s("2012-10-17")),
        (
            "Statement",
            obj(vec![
                ("Effect", s("Allow")),
                ("Action", s("iam:PassRole")),
                ("Resource", s("*")),
            ]),
        ),
    ]);
    let (d, diags) = PolicyDocument::from_node(&doc);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(d.statements.len(), 1);
    assert_eq!(
        d.statements[0].actions,
        ActionSpec::Action(vec![Str::lit("iam:PassRole")])
    );
    assert!(d.substitutes_variables());
}

#[test]
fn conditions_flatten_with_lowercase_keys_and_scalar_values() {
    let doc = obj(vec![(
        "Statement",
        arr(vec![obj(vec![
            ("Effect", s("Deny")),
            ("NotAction", arr(vec![s("iam:*")])),
            ("NotResource", s("arn:aws:iam::1:role/x")),
            (
                "Condition",
                obj(vec![(
                    "Bool",
                    obj(vec![(
                        "aws:MultiFactorAuthPresent",
                        Node::new(NodeKind::Bool(false), o()),
                    )]),
                )]),
            ),
        ])]),
    )]);
    let (d, _) = PolicyDocument::from_node(&doc);
    let st = &d.statements[0];
    assert_eq!(st.effect, Effect::Deny);
    assert!(matches!(st.actions, ActionSpec::NotAction(_)));
    assert!(matches!(st.resources, ResourceSpec::NotResource(_)));
    assert_eq!(st.conditions[0].key, "aws:multifactorauthpresent");
    assert_eq!(st.conditions[0].values, vec![Str::lit("false")]);
}

#[test]
fn broken_statements_give_diagnostics() {
    let doc = obj(vec![(
        "Statement",
        arr(vec![obj(vec![("Action", s("*"))]), s("nope")]),
    )]);
    let (d, diags) = PolicyDocument::from_node(&doc);
    assert!(d.statements.is_empty());
    assert_eq!(diags.len(), 2);
    assert!(diags.iter().all(|d| d.code == Code::PolicyGrammar));
}

#[test]
fn unknown_and_choice_stay_symbolic() {
    let unknown = Node::new(NodeKind::Unknown("var.policy".into()), o());
    let (d, diags) = PolicyDocument::from_node(&unknown);
    assert!(d.unknown.is_some());
    assert_eq!(diags[0].code, Code::UnknownPolicy);

    let choice = Node::new(
        NodeKind::Choice(vec![s("arn:aws:iam::1:role/a"), s("arn:aws:iam::1:role/b")]),
        o(),
    );
    let doc = obj(vec![(
        "Statement",
        obj(vec![
            ("Effect", s("Allow")),
            ("Action", s("iam:PassRole")),
            ("Resource", choice),
        ]),
    )]);
    let (d, _) = PolicyDocument::from_node(&doc);
    assert!(d.statements[0].uncertain);
    assert_eq!(
        d.statements[0].resources,
        ResourceSpec::Resource(vec![
            Str::lit("arn:aws:iam::1:role/a"),
            Str::lit("arn:aws:iam::1:role/b")
        ])
    );
}

#[test]
fn principals() {
    let doc = obj(vec![(
        "Statement",
        obj(vec![
            ("Effect", s("Allow")),
            (
                "Principal",
                obj(vec![
                    (
                        "Service",
                        arr(vec![s("ec2.amazonaws.com"), s("lambda.amazonaws.com")]),
                    ),
                    ("AWS", s("*")),
                ]),
            ),
            ("Action", s("sts:AssumeRole")),
        ]),
    )]);
    let (d, _) = PolicyDocument::from_node(&doc);
    let p = d.statements[0].principals.as_ref().unwrap();
    assert!(p.everyone);
    assert_eq!(p.entries.len(), 3);
    assert_eq!(d.statements[0].resources, ResourceSpec::Absent);
}
