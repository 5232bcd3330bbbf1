use super::*;

#[test]
fn parses_module_instances_and_keys() {
    let a = parse_address(r#"module.app["a.b"].module.x[0].aws_iam_role.web["k]"]"#).unwrap();
    assert_eq!(a.module, r#"module.app["a.b"].module.x[0]"#);
    assert_eq!(a.module_path, "module.app.module.x");
    assert_eq!(a.resource, "aws_iam_role.web");
    assert_eq!(a.key, Some(InstKey::Str("k]".into())));
    let d = parse_address("data.aws_iam_policy_document.p").unwrap();
    assert_eq!(d.module, "");
    assert_eq!(d.resource, "data.aws_iam_policy_document.p");
    assert_eq!(d.key, None);
    // A resource whose type is literally "module" cannot exist, but a module named like a
    // type must still be read as a module.
    let m = parse_address("module.aws_iam_role.aws_iam_role.x").unwrap();
    assert_eq!(m.module, "module.aws_iam_role");
    assert!(parse_address("aws_iam_role").is_none());
    assert!(parse_address("aws_iam_role.x.y").is_none());
    assert!(parse_address("aws_iam_role.x[").is_none());
}

#[test]
fn keys_round_trip() {
    let k = InstKey::Str("a\"b".into());
    let s = format!("x.y{k}");
    assert_eq!(parse_address(&s).unwrap().key, Some(k));
    assert_eq!(
        module_path(r#"module.a["x"].module.b[2]"#),
        "module.a.module.b"
    );
}
