//! The conformance suite at its small size: one generated account, five input formats, one
//! set of findings.

use std::collections::BTreeSet;

use passgraph_testkit::conform::{self, Format, Size};

const SEEDS: [u64; 4] = [1, 2, 7, 42];

#[test]
fn five_formats_give_the_same_findings() {
    for seed in SEEDS {
        let account = conform::generate(Size::small(), seed);
        let c = conform::compare(&account);
        assert_eq!(c.outcomes.len(), Format::ALL.len());
        assert!(
            c.disagreements().is_empty(),
            "seed {seed}:\n{}",
            c.explain(20)
        );
        for o in &c.outcomes {
            assert!(
                o.errors.is_empty(),
                "seed {seed} {}: {:?}",
                o.format,
                o.errors
            );
        }
    }
}

/// The agreement means something: the generated accounts give definite and possible findings,
/// for every service the generator trusts, exploitable through an instance profile, and
/// through chains of assumed roles.
#[test]
fn the_findings_cover_what_the_generator_writes() {
    let mut services = BTreeSet::new();
    let mut certainties = BTreeSet::new();
    let mut role_holders = 0;
    let mut ec2_exploitable = 0;
    for seed in SEEDS {
        let account = conform::generate(Size::small(), seed);
        let inputs = conform::render(&account);
        let snapshot = conform::check::run(Format::Snapshot, &inputs, &account.id);
        for r in &snapshot.rows {
            services.insert(r.service.clone());
            certainties.insert(r.certainty.clone());
            role_holders += usize::from(r.principal.contains(":role/"));
            ec2_exploitable +=
                usize::from(r.service == "ec2.amazonaws.com" && r.exploitable == "yes");
            assert!(r.principal.contains(&account.id) && r.role.contains(&account.id));
        }
    }
    for s in [
        "ec2.amazonaws.com",
        "lambda.amazonaws.com",
        "ecs-tasks.amazonaws.com",
        "monitoring.rds.amazonaws.com",
        "glue.amazonaws.com",
    ] {
        assert!(services.contains(s), "{s}: {services:?}");
    }
    assert!(
        certainties.contains("yes") && certainties.contains("maybe"),
        "{certainties:?}"
    );
    assert!(role_holders > 0 && ec2_exploitable > 0);
}

/// Without the account id, the formats that cannot carry it do not agree by accident: their
/// roles' ARNs keep the account hole.
#[test]
fn the_account_binding_is_what_makes_them_agree() {
    let account = conform::generate(Size::small(), 3);
    let inputs = conform::render(&account);
    let bound = conform::check::run(Format::CfnYaml, &inputs, &account.id);
    let other = conform::check::run(Format::CfnYaml, &inputs, "999999999999");
    assert!(!bound.rows.is_empty());
    assert_ne!(bound.rows, other.rows);
}

#[test]
fn the_same_seed_gives_the_same_inputs() {
    let a = conform::render(&conform::generate(Size::small(), 9));
    let b = conform::render(&conform::generate(Size::small(), 9));
    let c = conform::render(&conform::generate(Size::small(), 10));
    assert_eq!(
        (&a.snapshot, &a.cfn_yaml, &a.tf, &a.plan),
        (&b.snapshot, &b.cfn_yaml, &b.tf, &b.plan)
    );
    assert_ne!(a.snapshot, c.snapshot);
}

/// Runs the suite with one construct turned on that a reader does not yet read as the others.
fn agree_with(extra: conform::Constructs) {
    for seed in SEEDS {
        let account = conform::generate(Size::small(), seed);
        let c = conform::compare_with(&account, &extra);
        assert!(
            c.disagreements().is_empty(),
            "seed {seed}:\n{}",
            c.explain(10)
        );
    }
}

/// `permissions_boundary = ""` is the provider's "no boundary": .tf and plan agree with the
/// snapshot, which has none (issue 8 part 4; on by default, kept as its own test).
#[test]
fn an_empty_permissions_boundary_is_none() {
    agree_with(conform::Constructs {
        empty_boundary: true,
        ..conform::Constructs::default()
    });
}

/// `data.aws_service_principal.<x>.name` is the service principal itself, exactly: .tf and
/// plan agree with the snapshot (issue 8 part 4; on by default, kept as its own test).
#[test]
fn service_principals_from_the_data_source() {
    agree_with(conform::Constructs {
        service_principal_data: true,
        ..conform::Constructs::default()
    });
}

/// Every role written without the local module: the root module's own forms of roles.
#[test]
fn five_formats_agree_without_modules() {
    agree_with(conform::Constructs {
        modules: false,
        ..conform::Constructs::default()
    });
}

/// A plan carries its account (the caller identity read during planning, the ARNs of what
/// exists): it needs no `--account-id` to agree with the snapshot.
#[test]
fn a_plan_needs_no_account_id() {
    for seed in SEEDS {
        let account = conform::generate(Size::small(), seed);
        let inputs = conform::render(&account);
        let reference = conform::check::run(Format::Snapshot, &inputs, &account.id);
        let plan = conform::check::run_as(Format::Plan, &inputs, None);
        assert!(!reference.rows.is_empty());
        assert_eq!(plan.rows, reference.rows, "seed {seed}");
    }
}

/// A trust policy that names the account by its bare id (`"AWS": "123456789012"`,
/// `!Ref AWS::AccountId`, `data.aws_caller_identity.current.account_id`) trusts the account's
/// root, exactly like `arn:aws:iam::ID:root`, also when the input does not carry the account
/// (no `--account-id`): the same account written both ways gives the same findings.
/// CloudFormation and Terraform once gave no assume-role edge through a bare symbolic account
/// id (issue 8 part 3).
#[test]
fn a_bare_account_id_trusts_like_the_root_arn() {
    for seed in SEEDS {
        let bare = conform::generate(Size::small(), seed);
        let root = bare.with_root_arns_for_account_ids();
        let (bare_in, root_in) = (conform::render(&bare), conform::render(&root));
        for f in [
            Format::CfnJson,
            Format::CfnYaml,
            Format::Terraform,
            Format::Plan,
        ] {
            let b = conform::check::run_as(f, &bare_in, None);
            let r = conform::check::run_as(f, &root_in, None);
            assert!(!r.rows.is_empty());
            let missing: Vec<String> = r
                .rows
                .difference(&b.rows)
                .map(ToString::to_string)
                .collect();
            let extra: Vec<String> = b
                .rows
                .difference(&r.rows)
                .map(ToString::to_string)
                .collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "seed {seed} {f}: missing with the bare id {missing:#?}\nextra {extra:#?}"
            );
        }
    }
}

/// An ARN with an empty account field (`arn:aws:iam:::role/*`, as AWS's RDS monitoring example
/// writes it) matches no role: every format agrees with and without such grants.
#[test]
fn an_empty_account_field_matches_no_role() {
    for seed in SEEDS {
        let plain = conform::generate(Size::small(), seed);
        let empty = plain.with_empty_account_grants();
        let c = conform::compare(&empty);
        assert!(
            c.disagreements().is_empty(),
            "seed {seed}:\n{}",
            c.explain(10)
        );
        let (plain_in, empty_in) = (conform::render(&plain), conform::render(&empty));
        for f in Format::ALL {
            assert_eq!(
                conform::check::run(f, &plain_in, &plain.id).rows,
                conform::check::run(f, &empty_in, &plain.id).rows,
                "seed {seed} {f}"
            );
        }
    }
}

/// The same without `--account-id`: an account hole stands for twelve digits, never for
/// nothing, so `arn:aws:iam:::role/*` still matches no role (CloudFormation and Terraform roles
/// whose account is a hole once matched it possibly; issue 8 part 3).
#[test]
fn an_empty_account_field_matches_no_symbolic_account() {
    for seed in SEEDS {
        let plain = conform::generate(Size::small(), seed);
        let empty = plain.with_empty_account_grants();
        let (plain_in, empty_in) = (conform::render(&plain), conform::render(&empty));
        for f in Format::ALL {
            let before = conform::check::run_as(f, &plain_in, None).rows;
            let after = conform::check::run_as(f, &empty_in, None).rows;
            let extra: Vec<String> = after.difference(&before).map(ToString::to_string).collect();
            assert!(extra.is_empty(), "seed {seed} {f}: {extra:#?}");
            assert_eq!(before, after, "seed {seed} {f}");
        }
    }
}
