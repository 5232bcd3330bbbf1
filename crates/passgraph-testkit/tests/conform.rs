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
            assert!(o.errors.is_empty(), "seed {seed} {}: {:?}", o.format, o.errors);
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
    assert!(certainties.contains("yes") && certainties.contains("maybe"), "{certainties:?}");
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
    assert_eq!((&a.snapshot, &a.cfn_yaml, &a.tf, &a.plan), (&b.snapshot, &b.cfn_yaml, &b.tf, &b.plan));
    assert_ne!(a.snapshot, c.snapshot);
}
