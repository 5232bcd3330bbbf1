//! Every CloudFormation template of the third-party corpora (see each folder's MANIFEST.md):
//! no panic, bounded time, a model or a diagnostic with a position for each file, and pinned
//! counts of what was read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use passgraph_cfn::{Options, looks_like_template, parse};
use passgraph_model::{Account, Code, SourceMap};

const CORPORA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora");

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("json" | "yaml" | "yml" | "template")
        ) {
            out.push(p);
        }
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    files: usize,
    templates: usize,
    by_code: BTreeMap<&'static str, usize>,
    roles: usize,
    users: usize,
    groups: usize,
    policies: usize,
    instance_profiles: usize,
    attachments: usize,
    memberships: usize,
    role_uses: usize,
    /// Statements of identity policies (inline and managed).
    statements: usize,
    /// Templates that give neither an entity nor a diagnostic (no IAM content at all).
    silent: Vec<String>,
    /// Files refused as a whole: (path below the folder, code, line).
    refused: Vec<(String, &'static str, u32)>,
}

/// Diagnostics of the analysis saying that an AWS managed policy is not in the built-in table
/// (so that findings resting on it are only possible): file and policy, pinned at none.
fn unknown_aws_managed(analysis: &passgraph_graph::Analysis, rel: &str, out: &mut Vec<String>) {
    for d in &analysis.diagnostics {
        if d.code == Code::UnknownPolicy
            && let Some(rest) = d.message.strip_prefix("AWS managed policy ")
        {
            let arn = rest.split(' ').next().unwrap_or(rest);
            let name = arn.rsplit('/').next().unwrap_or(arn);
            out.push(format!("{rel}: {name}"));
        }
    }
}

fn count_with_unknown(folder: &str) -> (Counts, Vec<String>) {
    let mut unknown = Vec::new();
    let root = Path::new(CORPORA).join(folder);
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut c = Counts::default();
    // The CLI's defaults: partition `aws`, account and region unknown.
    let options = Options {
        partition: Some("aws".into()),
        ..Options::default()
    };
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let text = passgraph_json::decode(&bytes)
            .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
        let mut sm = SourceMap::default();
        let id = sm.add(rel.clone(), text.as_str());
        let is_template = looks_like_template(&text);
        let parsed = parse(id, &text, &options);
        c.files += 1;
        c.templates += usize::from(is_template);
        for d in &parsed.diagnostics {
            let o = d
                .origin
                .as_ref()
                .unwrap_or_else(|| panic!("{rel}: a diagnostic without a position: {d:?}"));
            assert_eq!(o.file, id);
            let (s, e) = (o.range.start as usize, o.range.end as usize);
            assert!(
                s <= e && e <= text.len() && text.is_char_boundary(s),
                "{rel}: {d:?}"
            );
            assert!(
                !d.message.is_empty() && !d.message.ends_with('.'),
                "{rel}: {d:?}"
            );
            *c.by_code.entry(d.code.id()).or_default() += 1;
        }
        let refused = parsed
            .diagnostics
            .iter()
            .find(|d| matches!(d.code, Code::Syntax | Code::Limit | Code::NotAnInput));
        // Detection and parsing agree: a template parses (perhaps with diagnostics), a file that
        // is not one is refused as such, and a broken template is detected and refused with a
        // syntax error.
        match refused.map(|d| d.code) {
            None => assert!(is_template, "{rel}: parsed but not detected"),
            Some(Code::NotAnInput) => assert!(!is_template, "{rel}: detected but not a template"),
            Some(_) => {}
        }
        if let Some(d) = refused {
            assert!(
                parsed.account == Account::default(),
                "{rel}: a refused file gives no model"
            );
            c.refused.push((
                rel.clone(),
                d.code.id(),
                d.origin.as_ref().map_or(0, |o| sm.locate(o).line),
            ));
        }
        let a = &parsed.account;
        if refused.is_none() && parsed.diagnostics.is_empty() && *a == Account::default() {
            c.silent.push(rel.clone());
        }
        // As the CLI does: the AWS managed policies the template attaches come from the
        // built-in table.
        let mut account = a.clone();
        passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
        // The graph takes every model (its findings are pinned elsewhere, on purpose-made
        // templates: here only that it copes).
        let analysis = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
        unknown_aws_managed(&analysis, &rel, &mut unknown);
        assert!(
            analysis
                .findings
                .iter()
                .all(|f| f.principal < analysis.principals.len()),
            "{rel}"
        );
        c.roles += a.roles.len();
        c.users += a.users.len();
        c.groups += a.groups.len();
        c.policies += a.policies.len();
        c.instance_profiles += a.instance_profiles.len();
        c.attachments += a.attachments.len();
        c.memberships += a.memberships.len();
        c.role_uses += a.role_uses.len();
        let inline = |v: &[passgraph_model::InlinePolicy]| {
            v.iter().map(|p| p.document.statements.len()).sum::<usize>()
        };
        c.statements += a.roles.iter().map(|r| inline(&r.inline)).sum::<usize>()
            + a.users.iter().map(|u| inline(&u.inline)).sum::<usize>()
            + a.groups.iter().map(|g| inline(&g.inline)).sum::<usize>()
            + a.policies
                .iter()
                .map(|p| p.document.statements.len())
                .sum::<usize>();
        if std::env::var_os("CFN_CORPUS_VERBOSE").is_some() {
            for d in &parsed.diagnostics {
                let l = d.origin.as_ref().map(|o| sm.locate(o));
                let (line, col) = l.as_ref().map_or((0, 0), |l| (l.line, l.column));
                eprintln!(
                    "{folder}/{rel}:{line}:{col}: {} {} {}",
                    d.level,
                    d.code.id(),
                    d.message
                );
            }
        }
    }
    (c, unknown)
}

fn codes(pairs: &[(&'static str, usize)]) -> BTreeMap<&'static str, usize> {
    pairs.iter().copied().collect()
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn refused(v: &[(&str, &'static str, u32)]) -> Vec<(String, &'static str, u32)> {
    v.iter()
        .map(|(p, c, l)| ((*p).to_owned(), *c, *l))
        .collect()
}

/// Compares a folder with its pinned counts. To update after a deliberate change, run with
/// `CFN_CORPUS_VERBOSE=1` to see every diagnostic, check the differences, then pin them.
fn check(folder: &str, expected: Counts) {
    let (got, unknown) = count_with_unknown(folder);
    assert_eq!(got, expected, "{folder}");
    // Every AWS managed policy the templates attach is in the built-in table: no finding is
    // possible only because one is missing. The names the table lacks are names AWS does not
    // have either (test fixtures made up: `AdministratorPolicy`, `AdministratorAccess1`, ...):
    // pinned here, and checked against every AWS managed policy of shared/data.
    let mut unknown = unknown;
    unknown.sort();
    unknown.dedup();
    let pinned: Vec<String> = NOT_AWS_MANAGED
        .iter()
        .filter(|(f, _)| *f == folder)
        .map(|(_, n)| (*n).to_owned())
        .collect();
    assert_eq!(unknown, pinned, "{folder}");
    let data = std::fs::read_to_string(format!("{CORPORA}/../data/aws-managed-policies.json"))
        .expect("shared/data");
    let listed = |name: &str| data.contains(&format!("\"PolicyName\":\"{name}\""));
    assert!(listed("AdministratorAccess"));
    for u in &unknown {
        let name = u.rsplit(' ').next().unwrap_or(u);
        assert!(
            !listed(name) && passgraph_eval::managed::lookup(name).is_none(),
            "{folder}: {u} is an AWS managed policy"
        );
    }
}

/// Attached as AWS managed policies by the corpora, and not AWS managed policies at all:
/// (folder, "file: name").
const NOT_AWS_MANAGED: &[(&str, &str)] = &[
    (
        "cfn-lint",
        "test/fixtures/templates/bad/resources/properties/list_duplicates.yaml: AdministratorPolicy",
    ),
    (
        "cfn-lint",
        "test/fixtures/templates/good/resources/properties/list_duplicates.yaml: AdministratorPolicy",
    ),
    (
        "cfn-lint",
        "test/fixtures/templates/good/resources/properties/list_duplicates.yaml: EC2FullAdmin",
    ),
    (
        "cfn-lint-v0",
        "test/fixtures/templates/bad/resources_iam_managedpolicyarns.yaml: AWSCloudFormationReadOnlyAccess1",
    ),
    (
        "cfn-lint-v0",
        "test/fixtures/templates/bad/resources_iam_managedpolicyarns.yaml: AWSCodeBuildReadOnlyAccess1",
    ),
    (
        "cfn-lint-v0",
        "test/fixtures/templates/bad/resources_iam_managedpolicyarns.yaml: AWSCodePipelineReadOnlyAccess1",
    ),
    (
        "cfn-lint-v0",
        "test/fixtures/templates/bad/resources_iam_managedpolicyarns.yaml: AdministratorAccess1",
    ),
    (
        "cfn-lint-v0",
        "test/fixtures/templates/bad/resources_iam_managedpolicyarns.yaml: AmazonEC2ReadOnlyAccess1",
    ),
    (
        "cfn-lint-v0",
        "test/fixtures/templates/bad/resources_iam_managedpolicyarns.yaml: AmazonElastiCacheReadOnlyAccess1",
    ),
    (
        "cfn-lint-v0",
        "test/fixtures/templates/bad/resources_iam_managedpolicyarns.yaml: AmazonKinesisReadOnlyAccess1",
    ),
    (
        "cfn-lint-v0",
        "test/fixtures/templates/bad/resources_iam_managedpolicyarns.yaml: AmazonRDSReadOnlyAccess1",
    ),
    (
        "cfn-lint-v0",
        "test/fixtures/templates/bad/resources_iam_managedpolicyarns.yaml: AmazonS3ReadOnlyAccess1",
    ),
    (
        "cfn-lint-v0",
        "test/fixtures/templates/bad/resources_iam_managedpolicyarns.yaml: AutoScalingConsoleReadOnlyAccess1",
    ),
    (
        "cfripper",
        "tests/test_templates/rules/IAMRolesOverprivilegedRule/valid_role_managed_policy.json: YadaYadaYada",
    ),
];

#[test]
fn aws_cfn_templates() {
    check(
        "aws-cfn-templates",
        Counts {
            files: 87,
            templates: 87,
            by_code: codes(&[("IAM002", 1), ("IAM004", 145), ("IAM007", 3), ("IAM015", 1)]), // conditions of resources unrelated to IAM are not evaluated, nor of a role-using type without the property (Neptune.yaml's SNS topic: 2 fewer)
            roles: 87,
            users: 2,
            groups: 2,
            policies: 5,
            instance_profiles: 16,
            attachments: 7,
            memberships: 2,
            role_uses: 112,
            statements: 171,
            silent: names(&[
                "aws/services/ECS/EC2LaunchType/services/private-service.yml",
                "aws/services/ECS/EC2LaunchType/services/public-service.yml",
                "aws/solutions/ManagedAD/templates/MANAGEDAD.cfn.yaml",
                "aws/solutions/VPCPeering/templates/VPCPeering-Requester-Setup.cfn.yaml",
            ]),
            // CreateHanaBackupSecureBackut.yaml closes two flow sequences left of their keys
            // (l. 383, 386), which PyYAML and CloudFormation accept: it loads (2 roles, 1 managed
            // policy attached to one, 6 functions, 7 statements, 7 IAM004 notes and warnings on
            // its generated names, parameters without defaults and run-time attributes).
            refused: refused(&[]),
        },
    );
}

#[test]
fn cfn_lint() {
    // bad/resources/primary_identifiers.yaml: RootRole5 and RootRole6 (`RoleName: !If
    // [IsUsEast1, ...]`, AWS::NoValue in one branch) are read as two roles each, the name given
    // and a generated one, each with its inline statement, and a note each. The role
    // "useast1" defined there four times (RootRole3 under IsUsEast1, RootRole4 under its
    // negation NotUsEast1, RootRole5 and RootRole6 by `!If` on IsUsEast1), and in
    // good/resources/primary_identifiers.yaml twice (RootRole3, RootRole4), exists in every
    // case with the same trust and policy: one certain role each (3 + 1 fewer roles; all
    // their statements kept).
    check(
        "cfn-lint",
        Counts {
            files: 97,
            templates: 95,
            by_code: codes(&[
                ("IAM001", 3),
                ("IAM002", 14),
                ("IAM003", 9),
                ("IAM004", 214), // conditions of resources unrelated to IAM are not evaluated
                // Documents that are not objects, or have no Statement, are unknown (IAM005).
                ("IAM005", 9),
                ("IAM006", 3),
                ("IAM007", 6),
                ("IAM012", 2),
                ("IAM015", 4),
            ]),
            roles: 111,
            users: 3,
            groups: 13,
            policies: 27,
            instance_profiles: 21,
            attachments: 49,
            memberships: 0,
            role_uses: 132,
            statements: 94,
            silent: names(&[
                "test/fixtures/templates/bad/modules/bad_has_tags.yaml",
                "test/fixtures/templates/good/functions/get_stack_output.yaml",
                "test/fixtures/templates/good/modules/minimal.yaml",
                "test/fixtures/templates/public/watchmaker.json",
            ]),
            refused: refused(&[
                (
                    "test/fixtures/templates/bad/core/config_invalid_json.json",
                    "IAM001",
                    8,
                ),
                (
                    "test/fixtures/templates/bad/core/config_invalid_yaml.yaml",
                    "IAM001",
                    8,
                ),
                ("test/fixtures/templates/bad/empty_file.yaml", "IAM012", 1),
                ("test/fixtures/templates/bad/json_parse.json", "IAM001", 5),
                (
                    "test/fixtures/templates/bad/not_cloudformation.yaml",
                    "IAM012",
                    2,
                ),
            ]),
        },
    );
}

#[test]
fn cfn_lint_v0() {
    check(
        "cfn-lint-v0",
        Counts {
            files: 43,
            templates: 43,
            by_code: codes(&[
                ("IAM002", 6),
                ("IAM003", 1),
                ("IAM004", 47),
                ("IAM005", 6),
                ("IAM006", 1),
                ("IAM007", 1),
            ]),
            roles: 24,
            users: 4,
            groups: 2,
            policies: 5,
            instance_profiles: 0,
            attachments: 45,
            memberships: 0,
            role_uses: 67,
            statements: 42,
            silent: names(&[]),
            refused: refused(&[]),
        },
    );
}

#[test]
fn cfn_policy_validator() {
    check(
        "cfn-policy-validator",
        Counts {
            files: 10,
            templates: 8,
            by_code: codes(&[("IAM001", 1), ("IAM002", 1), ("IAM004", 20), ("IAM012", 1)]),
            roles: 7,
            users: 2,
            groups: 2,
            policies: 5,
            instance_profiles: 0,
            attachments: 0,
            memberships: 0,
            role_uses: 4,
            statements: 39,
            silent: names(&[
                "skills/iam-policy-validator/evaluations/fixtures/public-bucket.yaml",
                "test_files/check_access_not_granted_test.yaml",
                "test_files/kms_resource.yml",
            ]),
            refused: refused(&[
                ("test_files/invalid_file.json", "IAM001", 3),
                ("test_files/invalid_file.yaml", "IAM012", 1),
            ]),
        },
    );
}

#[test]
fn cfn_nag() {
    check(
        "cfn_nag",
        Counts {
            files: 154,
            templates: 154,
            by_code: codes(&[("IAM003", 7), ("IAM004", 135), ("IAM005", 1)]),
            roles: 57,
            users: 23,
            groups: 15,
            policies: 16,
            instance_profiles: 1,
            attachments: 16,
            memberships: 2,
            role_uses: 187,
            statements: 76,
            silent: names(&[]),
            refused: refused(&[]),
        },
    );
}

#[test]
fn cfripper() {
    check(
        "cfripper",
        Counts {
            files: 57,
            templates: 57,
            by_code: codes(&[("IAM002", 3), ("IAM003", 6), ("IAM004", 53), ("IAM006", 6)]),
            roles: 26,
            users: 12,
            groups: 7,
            policies: 9,
            instance_profiles: 1,
            attachments: 27,
            memberships: 2,
            role_uses: 2,
            statements: 44,
            silent: names(&[]),
            refused: refused(&[]),
        },
    );
}

#[test]
fn checkov() {
    check(
        "checkov/tests/cloudformation",
        Counts {
            files: 65,
            templates: 64,
            by_code: codes(&[
                ("IAM001", 1),
                ("IAM002", 5),
                ("IAM003", 5),
                ("IAM004", 78),
                ("IAM005", 3),
                ("IAM006", 3),
                ("IAM007", 1),
                ("IAM012", 1),
            ]),
            roles: 43,
            users: 8,
            groups: 14,
            policies: 8,
            instance_profiles: 6,
            attachments: 45,
            memberships: 0,
            role_uses: 25,
            statements: 74,
            silent: names(&[]),
            refused: refused(&[
                ("parser/success_triple_quotes_string.json", "IAM001", 17),
                ("parser/tfplan.json", "IAM012", 1),
            ]),
        },
    );
}
