//! Every Terraform folder of the corpora loads without a panic, as its own root module; the
//! counts of what was read are pinned (computed by running, checked by reasoning: see the
//! comments).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{FsSource, corpora};

const CORPORA: [&str; 8] = [
    "iam-vulnerable",
    "cloudgoat",
    "terraform-aws-iam",
    "terraform-aws-iam-v5",
    "checkov",
    "terraform-compliance",
    "regula",
    "tf-iam-policy-validator",
];

/// Every folder that holds a `.tf` file, in sorted order.
fn folders() -> Vec<PathBuf> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        let mut entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        if entries
            .iter()
            .any(|p| p.is_file() && passgraph_hcl::is_root_module(std::slice::from_ref(p)))
        {
            out.push(d.to_path_buf());
        }
        for e in entries {
            if e.is_dir() {
                walk(&e, out);
            }
        }
    }
    let mut out = Vec::new();
    for c in CORPORA {
        walk(&corpora().join(c), &mut out);
    }
    out
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Totals {
    folders: usize,
    files: usize,
    module_instances: usize,
    resources: usize,
    iam_resources: BTreeMap<String, usize>,
    role_uses: usize,
    users: usize,
    roles: usize,
    policies: usize,
    statements: usize,
    diagnostics: BTreeMap<String, usize>,
}

#[test]
fn every_terraform_folder_loads() {
    let mut t = Totals::default();
    for d in folders() {
        let mut src = FsSource::new(&corpora());
        let (p, stats) =
            passgraph_hcl::load_with_stats(&d, &mut src, &passgraph_hcl::Options::default());
        t.folders += 1;
        t.files += stats.files;
        t.module_instances += stats.modules.len();
        for (ty, n) in stats.resources {
            t.resources += n;
            if ty.starts_with("aws_iam_") {
                *t.iam_resources.entry(ty).or_default() += n;
            }
        }
        t.role_uses += p.account.role_uses.len();
        t.users += p.account.users.len();
        t.roles += p.account.roles.len();
        t.policies += p.account.policies.len();
        t.statements += p
            .account
            .policies
            .iter()
            .map(|x| x.document.statements.len())
            .sum::<usize>();
        for dg in &p.diagnostics {
            *t.diagnostics
                .entry(dg.code.id().to_owned() + " " + dg.code.slug())
                .or_default() += 1;
            // Every position lies inside its file.
            if let Some(o) = &dg.origin {
                let f = src.map.get(o.file).unwrap();
                assert!(o.range.end as usize <= f.len(), "{}", dg.message);
            }
        }
    }
    let map = |v: &[(&str, usize)]| {
        v.iter()
            .map(|(k, n)| ((*k).to_owned(), *n))
            .collect::<BTreeMap<_, _>>()
    };
    // 335 folders hold the 863 `.tf` files; 1166 reads = those plus the files of the local
    // modules they call (re-read per caller, e.g. every terraform-aws-iam example reads its
    // `../../modules/*`). The IAM resource counts equal the entities built (users, roles,
    // policies); the diagnostics are the corpora's own defects: 5 files hcl-edit rejects
    // (duplicate attributes, a block inside an object), checkov fixtures that reference
    // undeclared resources or define one twice, cloudgoat variables without defaults, remote
    // registry modules, checkov heredocs with trailing commas.
    let expected = Totals {
        folders: 335,
        files: 1166,
        module_instances: 497,
        // Resource instances expanded: those that concern IAM and those they refer to (the
        // other 1146 of the corpora's 2871 are not read, and say nothing).
        resources: 1792, // the role-use table grew (passgraph-terraform)
        iam_resources: map(&[
            ("aws_iam_access_key", 138),
            ("aws_iam_account_alias", 4),
            ("aws_iam_account_password_policy", 5),
            ("aws_iam_group", 36),
            ("aws_iam_group_membership", 22),
            ("aws_iam_group_policy", 9),
            ("aws_iam_group_policy_attachment", 33),
            ("aws_iam_instance_profile", 31),
            ("aws_iam_openid_connect_provider", 4),
            ("aws_iam_policy", 250),
            ("aws_iam_policy_attachment", 17),
            ("aws_iam_role", 328),
            ("aws_iam_role_policy", 35),
            ("aws_iam_role_policy_attachment", 215),
            ("aws_iam_role_policy_attachments_exclusive", 2),
            ("aws_iam_saml_provider", 5),
            ("aws_iam_user", 167),
            ("aws_iam_user_login_profile", 5),
            ("aws_iam_user_policy", 35),
            ("aws_iam_user_policy_attachment", 124),
            ("aws_iam_user_ssh_key", 2),
        ]),
        // 36 read through role-taking attributes the provider's table gained (Bedrock agents,
        // API Gateway integration credentials, DLM, Kendra, MWAA, SageMaker domains), each
        // checked in the corpus file.
        role_uses: 230,
        users: 167,
        roles: 328,
        policies: 250,
        statements: 536,
        diagnostics: map(&[
            ("IAM001 syntax-error", 5),
            ("IAM002 unexpected-shape", 2),
            // Policy strings that are not JSON (14) are unknown documents, not empty ones.
            ("IAM003 policy-grammar", 5),
            ("IAM004 unknown-value", 55),
            ("IAM005 unknown-policy", 19),
            // 14 of them (checkov fixtures) in those attributes, naming roles never declared.
            ("IAM006 unresolved-reference", 127),
            ("IAM011 remote-module-not-fetched", 9),
            ("IAM015 duplicate-key", 70),
        ]),
    };
    assert_eq!(t, expected);
}

/// Every Terraform folder analysed as the CLI does (built-in AWS managed policies added): no
/// finding is possible only because an AWS managed policy is missing from the built-in table.
/// The names the table lacks are pinned, each one a name AWS does not have (checked against
/// every AWS managed policy of shared/data).
#[test]
fn every_aws_managed_policy_the_terraform_corpora_attach_is_built_in() {
    let data = std::fs::read_to_string(corpora().join("../data/aws-managed-policies.json"))
        .expect("shared/data");
    let listed = |name: &str| data.contains(&format!("\"PolicyName\":\"{name}\""));
    assert!(listed("AdministratorAccess"));
    let mut unknown: Vec<String> = Vec::new();
    let (mut definite, mut possible) = (0usize, 0usize);
    for d in folders() {
        let mut src = FsSource::new(&corpora());
        let (p, _) =
            passgraph_hcl::load_with_stats(&d, &mut src, &passgraph_hcl::Options::default());
        let mut account = p.account;
        passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| src.map.add(p, t));
        let a = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
        for f in &a.findings {
            if f.certainty == passgraph_model::Tri::Yes {
                definite += 1;
            } else {
                possible += 1;
            }
        }
        let rel = d
            .strip_prefix(corpora())
            .unwrap_or(&d)
            .display()
            .to_string();
        for dg in &a.diagnostics {
            if dg.code == passgraph_model::Code::UnknownPolicy
                && let Some(rest) = dg.message.strip_prefix("AWS managed policy ")
            {
                let arn = rest.split(' ').next().unwrap_or(rest);
                let name = arn.rsplit('/').next().unwrap_or(arn);
                assert!(!listed(name), "{rel}: {name} is an AWS managed policy");
                unknown.push(format!("{rel}: {name}"));
            }
        }
    }
    if std::env::var_os("HCL_CORPUS_VERBOSE").is_some() {
        eprintln!("findings: {definite} definite, {possible} possible");
    }
    unknown.sort();
    unknown.dedup();
    assert_eq!(unknown, Vec::<String>::new());
}
