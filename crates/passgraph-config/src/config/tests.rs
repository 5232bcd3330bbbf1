use passgraph_model::{FileId, SourceMap};

use super::parse;
use crate::Date;

fn errors(text: &str) -> Vec<String> {
    let mut map = SourceMap::default();
    let file = map.add(".passgraph.yaml", text);
    match parse(file, text) {
        Ok(_) => Vec::new(),
        Err(ds) => ds
            .iter()
            .map(|d| {
                let o = d.origin.as_ref().expect("an error has a position");
                let loc = map.locate(o);
                format!("{}:{}: {}", loc.line, loc.column, d.message)
            })
            .collect(),
    }
}

#[test]
fn the_contract_example_reads() {
    let text = "\
accept:                        # exposures the team has decided to live with
  - principal: group/deployers # a name, kind/name, or ARN; * and ? allowed
    role: app-*
    service: ec2
    reason: deployers launch the app's instances
    expires: 2027-06-30
exclude:
  - examples/**
accounts:
  - path: prod/**
    account_id: '111122223333'
parameters:
  Env: prod
  Port: 8080
variables:
  name: app
var_files: [prod.tfvars]
defaults:
  fail_on: high
  certainty: definite
  service: [ec2, lambda]
  one_account: true
";
    let c = parse(FileId(0), text).expect("valid");
    assert_eq!(c.accept.len(), 1);
    let a = &c.accept[0];
    assert_eq!(a.principal.as_deref(), Some("group/deployers"));
    assert_eq!(a.role.as_deref(), Some("app-*"));
    assert_eq!(a.service.as_deref(), Some("ec2"));
    assert_eq!(a.reason, "deployers launch the app's instances");
    assert_eq!(a.expires, Date::parse("2027-06-30"));
    assert_eq!(c.exclude, ["examples/**"]);
    assert_eq!(c.accounts[0].path, "prod/**");
    assert_eq!(c.accounts[0].account_id, "111122223333");
    assert_eq!(
        c.parameters,
        [
            ("Env".into(), "prod".into()),
            ("Port".into(), "8080".into())
        ]
    );
    assert_eq!(c.variables, [("name".into(), "app".into())]);
    assert_eq!(c.var_files, ["prod.tfvars"]);
    assert_eq!(c.defaults.fail_on.as_deref(), Some("high"));
    assert_eq!(c.defaults.certainty.as_deref(), Some("definite"));
    assert_eq!(c.defaults.services, ["ec2", "lambda"]);
    assert_eq!(c.defaults.one_account, Some(true));
}

#[test]
fn an_empty_file_is_an_empty_configuration() {
    assert!(parse(FileId(0), "").expect("empty").accept.is_empty());
    assert!(
        parse(FileId(0), "# nothing yet\n")
            .expect("comment")
            .accept
            .is_empty()
    );
}

#[test]
fn unknown_keys_and_bad_values_are_errors_with_positions() {
    assert_eq!(
        errors("accept:\n  - role: app-*\n    reason: ok\n    servce: ec2\n"),
        [
            "4:5: unknown key \"servce\" (a key of an accepted exposure is one of principal, role, service, reason, expires)"
        ]
    );
    assert_eq!(
        errors("acept: []\n"),
        [
            "1:1: unknown key \"acept\" (a top-level key is one of accept, exclude, accounts, parameters, variables, var_files, defaults)"
        ]
    );
    assert_eq!(
        errors("accept:\n  - role: app-*\n    service: ec2\n"),
        ["2:5: an accepted exposure needs a reason: say why the team lives with it"]
    );
    assert_eq!(
        errors("accept:\n  - role: app-*\n    reason: ok\n    expires: next year\n"),
        ["4:14: expires must be a date YYYY-MM-DD, not \"next year\""]
    );
    assert_eq!(
        errors("accept:\n  - reason: everything\n"),
        ["2:5: an accepted exposure names at least one of principal, role or service"]
    );
    assert_eq!(
        errors("defaults:\n  fail_on: sometimes\n"),
        ["2:12: fail_on must be one of low, medium, high, critical, none, not \"sometimes\""]
    );
    assert_eq!(
        errors("accounts:\n  - path: prod/**\n    account_id: '1234'\n"),
        [
            "3:17: account_id must be 12 digits, not \"1234\"",
            "2:5: an account entry needs path and account_id"
        ]
    );
    assert_eq!(errors("accept: yes\n"), ["1:9: accept must be a list"]);
    assert_eq!(
        errors("- 1\n"),
        ["1:1: the configuration must be a mapping"]
    );
    let syntax = errors("accept: [\n");
    assert_eq!(syntax.len(), 1);
    assert!(
        syntax[0].starts_with("2:1:") || syntax[0].starts_with("1:"),
        "{syntax:?}"
    );
}
