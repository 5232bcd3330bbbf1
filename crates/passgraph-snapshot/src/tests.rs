use super::*;

fn check(text: &str) -> Parsed {
    parse(FileId(0), text)
}

#[test]
fn reads_entities_and_documents_in_every_form() {
    let p = check(
        r#"{
  "UserDetailList": [{"UserName": "alice", "Path": "/", "Arn": "arn:aws:iam::123456789012:user/alice", "GroupList": ["devs"],
    "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": "%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3APassRole%22%2C%22Resource%22%3A%22%2A%22%7D%7D"}],
    "AttachedManagedPolicies": {"PolicyName": "x", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}],
  "GroupDetailList": [{"GroupName": "devs", "Arn": "arn:aws:iam::123456789012:group/devs", "GroupPolicyList": [{"PolicyName": "g", "PolicyDocument": "{\"Statement\":[]}"}]}],
  "RoleDetailList": [{"RoleName": "web", "Path": "/app/", "Arn": "arn:aws:iam::123456789012:role/app/web",
    "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
    "InstanceProfileList": [{"InstanceProfileName": "web", "Arn": "arn:aws:iam::123456789012:instance-profile/web", "Roles": [{"RoleName": "web", "Arn": "arn:aws:iam::123456789012:role/app/web"}]}]}],
  "Policies": [{"PolicyName": "pol", "Arn": "arn:aws:iam::123456789012:policy/pol", "DefaultVersionId": "v2",
    "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Statement": []}},
                          {"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}}]}],
  "IsTruncated": false
}"#,
    );
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let a = &p.account;
    assert_eq!(a.account_id.as_deref(), Some("123456789012"));
    assert_eq!(a.users[0].inline[0].document.statements.len(), 1);
    assert_eq!(
        a.users[0].attached.len(),
        1,
        "an object where a list belongs is one item"
    );
    assert_eq!(a.groups[0].inline[0].document.statements.len(), 0);
    assert_eq!(a.roles[0].path.as_known(), Some("/app/"));
    assert_eq!(a.instance_profiles.len(), 1);
    assert_eq!(
        a.policies[0].document.statements[0].effect,
        passgraph_model::Effect::Deny,
        "the default version applies"
    );
}

#[test]
fn a_single_object_where_a_top_level_list_belongs_is_one_entity() {
    let p = check(
        r#"{"UserDetailList": {"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice"},
            "RoleDetailList": null,
            "Policies": [{"PolicyName": "a", "Arn": "arn:aws:iam::123456789012:policy/a"},
                         {"PolicyName": "b", "Arn": "arn:aws:iam::123456789012:policy/b"}]}"#,
    );
    let names = |v: Vec<&Str>| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        names(p.account.users.iter().map(|u| &u.name).collect()),
        ["alice"]
    );
    assert!(p.account.roles.is_empty());
    assert_eq!(
        names(p.account.policies.iter().map(|x| &x.name).collect()),
        ["a", "b"]
    );
    assert!(
        p.diagnostics.iter().all(|d| d.code != Code::Shape),
        "{:?}",
        p.diagnostics
    );
}

#[test]
fn bad_input_gives_diagnostics_not_panics() {
    let p = check("{\"RoleDetailList\": [ }");
    assert_eq!(p.diagnostics[0].code, Code::Syntax);
    assert_eq!(
        p.diagnostics[0].origin.as_ref().map(|o| o.range.start),
        Some(21)
    );
    let p =
        check(r#"{"RoleDetailList": 5, "UserDetailList": [{"Path": "/"}], "IsTruncated": true}"#);
    let codes: Vec<Code> = p.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        vec![Code::TruncatedSnapshot, Code::Shape, Code::Shape]
    );
    let p = check(
        r#"{"Policies": [{"PolicyName": "x", "Arn": "arn:aws:iam::1:policy/x", "PolicyVersionList": []}]}"#,
    );
    assert_eq!(p.diagnostics[0].code, Code::UnknownPolicy);
    assert!(p.account.policies[0].document.unknown.is_some());
    let p = check(
        r#"{"RoleDetailList": [{"RoleName": "r", "AssumeRolePolicyDocument": "%ZZnot json"}]}"#,
    );
    assert!(p.diagnostics.iter().any(|d| d.code == Code::PolicyGrammar));
    assert!(p.account.roles[0].trust.unknown.is_some());
}

#[test]
fn unknown_fields_give_one_note_each() {
    let p = check(
        r#"{"UserDetailList": [{"UserName": "a", "Colour": 1}, {"UserName": "b", "Colour": 2}], "Extra": true}"#,
    );
    let notes: Vec<&str> = p.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        notes,
        [
            "unknown field \"Extra\" in the snapshot is ignored",
            "unknown field \"Colour\" in a user is ignored"
        ]
    );
    assert_eq!(p.account.users.len(), 2);
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,80}") {
        let _ = check(&s);
        let wrapped = format!("{{\"RoleDetailList\": [{s}]}}");
        let _ = check(&wrapped);
    }
}
