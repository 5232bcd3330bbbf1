//! The conformance suite: one generated account written in all five input formats, which must
//! all give the same findings.
//!
//! [`model::generate`] makes one format-neutral account from a seed (groups, managed and inline
//! policies, wildcards, `NotAction`/`NotResource`, conditions, denies, permissions boundaries,
//! assume-role chains, instance profiles, RDS monitoring roles). One renderer per format writes
//! it: [`snapshot`] (`get-account-authorization-details`), [`cfn`] (a template in JSON and in
//! YAML), [`terraform`] (a `.tf` folder and the plan JSON of `terraform show -json`).
//! [`check::compare`] reads each back through its reader, binds the account id where the format
//! cannot carry it (what `--account-id` does), runs the analysis and compares the
//! (principal, role, service, certainty, exploitable) sets with the snapshot's.

use serde_json::Value;

pub mod cfn;
pub mod check;
pub mod model;
pub mod snapshot;
pub mod terraform;

pub use check::{Comparison, Format, Row, compare};
pub use model::{Account, Size, generate};

/// Every string of `v` with [`model::ACCOUNT`] replaced by `id`.
#[must_use]
pub fn with_account(v: &Value, id: &str) -> Value {
    match v {
        Value::String(s) if s.contains(model::ACCOUNT) => Value::String(s.replace(model::ACCOUNT, id)),
        Value::Array(a) => Value::Array(a.iter().map(|x| with_account(x, id)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), with_account(x, id)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The account in every format.
#[derive(Clone, Debug)]
pub struct Inputs {
    /// `get-account-authorization-details` JSON.
    pub snapshot: String,
    /// CloudFormation template, JSON.
    pub cfn_json: String,
    /// CloudFormation template, YAML.
    pub cfn_yaml: String,
    /// Terraform configuration: (file name, text).
    pub tf: Vec<(String, String)>,
    /// Terraform plan JSON.
    pub plan: String,
}

/// Writes the account in every format.
#[must_use]
pub fn render(a: &Account) -> Inputs {
    Inputs {
        snapshot: snapshot::render(a),
        cfn_json: cfn::render_json(a),
        cfn_yaml: cfn::render_yaml(a),
        tf: terraform::render_tf(a),
        plan: terraform::render_plan(a),
    }
}
