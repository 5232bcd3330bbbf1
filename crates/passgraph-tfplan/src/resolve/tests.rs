use super::*;

fn refs(text: &str) -> (Vec<String>, bool) {
    let v = crate::json::validate(text, 0).unwrap();
    leaves(v)
}

#[test]
fn leaves_drop_prefixes_and_context() {
    let (l, each) =
        refs(r#"{"references": ["aws_iam_role.r[0].arn", "aws_iam_role.r[0]", "aws_iam_role.r"]}"#);
    assert_eq!(l, vec!["aws_iam_role.r[0].arn".to_owned()]);
    assert!(!each);
    let (l, each) = refs(r#"{"references": ["aws_iam_role.r", "each.key", "var.x"]}"#);
    assert_eq!(l, vec!["aws_iam_role.r".to_owned(), "var.x".to_owned()]);
    assert!(each);
    let (l, _) = refs(r#"{"references": ["module.m.out", "module.m", "module.mm"]}"#);
    assert_eq!(l, vec!["module.m.out".to_owned(), "module.mm".to_owned()]);
}

#[test]
fn split_module_instances() {
    assert_eq!(
        split_module("module.a"),
        Some((String::new(), "a".to_owned(), None))
    );
    assert_eq!(
        split_module(r#"module.a["x"].module.b[1]"#),
        Some((
            r#"module.a["x"]"#.to_owned(),
            "b".to_owned(),
            Some(InstKey::Int(1))
        ))
    );
    assert_eq!(split_module(""), None);
}
