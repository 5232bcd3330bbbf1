//! Every JSON file of the plan corpora: detection, parsing without a panic, pinned counts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use passgraph_model::{AttachedPolicy, Level};
use passgraph_tfplan::{Options, looks_like_plan};

use crate::load_text;

const CORPORA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora");
const FOLDERS: &[&str] = &[
    "terraform-show-json",
    "checkov",
    "terraform-compliance",
    "regula",
    "tf-iam-policy-validator",
    "trivy-tfplan",
    "conftest",
];

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

#[derive(Default, Debug)]
struct Tally {
    files: usize,
    detected: usize,
    not_utf8: usize,
    by_folder: BTreeMap<String, usize>,
    /// Kind by an independent reading (serde_json) of the detected files.
    kinds: BTreeMap<&'static str, usize>,
    /// Kinds of the files that were not detected.
    missed: BTreeMap<&'static str, usize>,
    diags: BTreeMap<String, usize>,
    entities: BTreeMap<&'static str, usize>,
    role_uses: BTreeMap<String, usize>,
}

/// The kind of a JSON text, read with serde_json: the oracle for detection.
fn kind(text: &str) -> &'static str {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}'))
    else {
        return "unparseable";
    };
    let Some(o) = v.as_object() else {
        return "not-an-object";
    };
    let has = |k: &str| o.contains_key(k);
    if has("plan_format_version") {
        "tfc-redacted-plan"
    } else if has("format_version") && (has("planned_values") || has("resource_changes")) {
        "plan"
    } else if has("planned_values") || has("resource_changes") {
        "plan-without-format-version"
    } else if has("format_version") && has("values") {
        "state"
    } else if has("format_version") && o.len() <= 2 {
        "empty-state"
    } else if o.is_empty() {
        "empty-object"
    } else {
        "other"
    }
}

fn run() -> Tally {
    let mut t = Tally::default();
    for folder in FOLDERS {
        let mut files = Vec::new();
        json_files(&Path::new(CORPORA).join(folder), &mut files);
        for path in files {
            t.files += 1;
            let bytes = std::fs::read(&path).unwrap();
            let Some(text) = passgraph_json::decode(&bytes) else {
                t.not_utf8 += 1;
                continue;
            };
            let k = kind(&text);
            if !looks_like_plan(&text) {
                *t.missed.entry(k).or_default() += 1;
                continue;
            }
            *t.kinds.entry(k).or_default() += 1;
            t.detected += 1;
            *t.by_folder.entry((*folder).to_owned()).or_default() += 1;
            let name = path.strip_prefix(CORPORA).unwrap().display().to_string();
            let l = load_text(&name, &text, &Options::default());
            for d in &l.parsed.diagnostics {
                let level = match d.level {
                    Level::Note => "note",
                    Level::Warning => "warning",
                    Level::Error => "error",
                };
                *t.diags
                    .entry(format!("{} {level}", d.code.id()))
                    .or_default() += 1;
            }
            let a = l.account();
            for (k, n) in [
                ("users", a.users.len()),
                ("groups", a.groups.len()),
                ("roles", a.roles.len()),
                ("policies", a.policies.len()),
                ("instance_profiles", a.instance_profiles.len()),
                ("memberships", a.memberships.len()),
                ("removals", a.removals.len()),
                ("role_inline", a.roles.iter().map(|r| r.inline.len()).sum()),
                (
                    "role_managed_arns",
                    a.roles.iter().map(|r| r.attached.len()).sum(),
                ),
                (
                    "attach_managed",
                    a.attachments
                        .iter()
                        .filter(|x| matches!(x.policy, AttachedPolicy::Managed(_)))
                        .count(),
                ),
                (
                    "attach_inline",
                    a.attachments
                        .iter()
                        .filter(|x| matches!(x.policy, AttachedPolicy::Inline(_)))
                        .count(),
                ),
            ] {
                *t.entities.entry(k).or_default() += n;
            }
            for u in &a.role_uses {
                *t.role_uses
                    .entry(format!("{}.{}", u.resource_type, u.attribute))
                    .or_default() += 1;
            }
        }
    }
    t
}

#[test]
fn corpora_load_without_panic_and_counts_are_pinned() {
    let t = run();
    assert_eq!((t.files, t.detected, t.not_utf8), (280, 255, 0));
    let map = |pairs: &[(&'static str, usize)]| {
        pairs
            .iter()
            .copied()
            .collect::<BTreeMap<&'static str, usize>>()
    };
    let owned = |pairs: &[(&str, usize)]| {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v))
            .collect::<BTreeMap<String, usize>>()
    };
    assert_eq!(
        t.by_folder,
        owned(&[
            ("checkov", 59),
            ("conftest", 1),
            ("regula", 43),
            ("terraform-compliance", 99),
            ("terraform-show-json", 41),
            ("tf-iam-policy-validator", 7),
            ("trivy-tfplan", 5),
        ])
    );
    // Detection agrees with an independent reading: every plan, state and Terraform Cloud plan
    // is claimed (the latter to be refused with a clear message), nothing else is.
    assert_eq!(
        t.kinds,
        map(&[
            ("empty-state", 2),
            ("plan", 238),
            ("plan-without-format-version", 1),
            ("state", 5),
            ("tfc-redacted-plan", 9)
        ])
    );
    assert_eq!(
        t.missed,
        map(&[("empty-object", 2), ("other", 22), ("unparseable", 1)])
    );
    // IAM004: role and policy names generated or computed at apply (5), unknown arguments of
    // the two plans that have no configuration section (3 each), and the principal of a
    // policy document read during apply, an OIDC provider's ARN (1); IAM005: an inline policy that is an empty string; IAM012: the 9 Terraform
    // Cloud plans (errors) and the 2 empty states (notes).
    assert_eq!(
        t.diags,
        owned(&[
            ("IAM004 warning", 12),
            ("IAM005 warning", 1),
            ("IAM012 error", 9),
            ("IAM012 note", 2)
        ])
    );
    // The same numbers as the resource types in resource_changes (read independently):
    // 62 aws_iam_role, 17 aws_iam_policy, 16 aws_iam_user, 6 aws_iam_group, 7 profiles,
    // 29 inline = 14 role + 11 user + 4 group policies; 19 managed = 15 role + 1 user policy
    // attachments + 5 targets of aws_iam_policy_attachment - 2 attachments with an empty
    // policy_arn (test_issue_522).
    assert_eq!(
        t.entities,
        map(&[
            ("attach_inline", 29),
            ("attach_managed", 19),
            ("groups", 6),
            ("instance_profiles", 7),
            ("memberships", 3),
            ("policies", 17),
            ("removals", 0),
            ("role_inline", 7),
            ("role_managed_arns", 0),
            ("roles", 62),
            ("users", 16),
        ])
    );
    assert_eq!(
        t.role_uses,
        owned(&[
            ("aws_api_gateway_account.cloudwatch_role_arn", 1),
            ("aws_codebuild_project.service_role", 2),
            ("aws_eks_cluster.role_arn", 16),
            ("aws_eks_node_group.node_role_arn", 1),
            // regula flow_log_infra.json: `iam_role_arn = aws_iam_role.example.arn`, a role
            // handed to VPC Flow Logs that the plan reader's old table did not know.
            ("aws_flow_log.iam_role_arn", 1),
            ("aws_instance.iam_instance_profile", 7),
            ("aws_lambda_function.role", 27),
            ("aws_launch_configuration.iam_instance_profile", 1),
            ("aws_sagemaker_notebook_instance.role_arn", 1),
        ])
    );
}

/// Every plan of the corpora analysed as the CLI does (built-in AWS managed policies added): no
/// finding is possible only because an AWS managed policy is missing from the built-in table.
#[test]
fn every_aws_managed_policy_the_plan_corpora_attach_is_built_in() {
    let mut unknown: Vec<String> = Vec::new();
    let (mut definite, mut possible) = (0usize, 0usize);
    for folder in FOLDERS {
        let mut files = Vec::new();
        json_files(&Path::new(CORPORA).join(folder), &mut files);
        for path in files {
            let bytes = std::fs::read(&path).unwrap();
            let Some(text) = passgraph_json::decode(&bytes) else {
                continue;
            };
            if !looks_like_plan(&text) {
                continue;
            }
            let name = path.strip_prefix(CORPORA).unwrap().display().to_string();
            let mut l = load_text(&name, &text, &Options::default());
            let mut account = l.parsed.account.clone();
            passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| l.sm.add(p, t));
            let a = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
            for f in &a.findings {
                if f.certainty == passgraph_model::Tri::Yes {
                    definite += 1;
                } else {
                    possible += 1;
                }
            }
            for d in &a.diagnostics {
                if d.code == passgraph_model::Code::UnknownPolicy
                    && let Some(rest) = d.message.strip_prefix("AWS managed policy ")
                {
                    unknown.push(format!(
                        "{name}: {}",
                        rest.split(' ').next().unwrap_or(rest)
                    ));
                }
            }
        }
    }
    if std::env::var_os("TFPLAN_CORPUS_VERBOSE").is_some() {
        eprintln!("findings: {definite} definite, {possible} possible");
    }
    assert_eq!(unknown, Vec::<String>::new());
}
