//! Terraform plan JSON (`terraform show -json plan.out`) → the passgraph account model.
//!
//! What the plan says exists after apply becomes entities and relations: `resource_changes`
//! (create, update, replace, no-op; a delete becomes a [`passgraph_model::Removal`] so that an
//! overlay on a snapshot removes the entity, and what deleted or changed attachments, inline
//! policies and memberships held, and what exclusive resources manage, becomes a
//! [`passgraph_model::RelationRemoval`]: the `delta` module), `planned_values` for instances without a change
//! entry, and `prior_state` for data sources read at plan time (`aws_iam_policy_document` →
//! its `json`, `aws_caller_identity` → the account id). Values unknown until apply are
//! reconstructed from `configuration` references where that is sound (an attachment's
//! `policy_arn` referencing `aws_iam_policy.x.arn` gets the policy's synthesised ARN), and stay
//! holes with a diagnostic otherwise. State-form documents (`show -json` of a state) are read
//! as "everything in it exists".
//!
//! Every origin carries the full resource address (`module.app.aws_iam_role.web["a"]`) and the
//! byte range of the value in the plan file; the CLI maps addresses to `.tf` spans when it has
//! the configuration. Policy documents are JSON strings in plans, so all nodes of a document
//! share the range of the string.
//!
//! Large plans: the text is validated once and then read through byte ranges
//! (the `json` module) instead of a tree, and instances are indexed by address in
//! a `HashMap`; memory stays close to the size of the text.
//!
//! The crate does no I/O and never panics on input: malformed JSON gives a `Syntax`
//! diagnostic with the byte offset, wrong shapes give `Shape` diagnostics, other schemas
//! (Terraform Cloud redacted plans, `{}`, unsupported format versions) a `NotAnInput` error.
//! It deliberately does not evaluate HCL: `jsonencode(...)` documents that are unknown until
//! apply stay unknown here (the HCL reader can do better with `--config`).

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod address;
mod build;
mod delta;
mod detect;
mod doc;
mod json;
mod plan;
mod resolve;

use passgraph_model::arn::Arn;
use passgraph_model::{Code, Diagnostic, FileId, Origin, Parsed, Str, TextRange};

pub use detect::looks_like_plan;

use crate::json::Kind;
use crate::plan::{Reader, Sections};
use crate::resolve::{Cursor, State, arn_kind};

/// Options of the plan reader.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The account id of the plan, when the user knows it (`--account-id`). Wins over what
    /// the plan implies.
    pub account_id: Option<String>,
    /// The partition (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, ...), when known; otherwise
    /// what the plan implies (see `passgraph_terraform::partition`).
    pub partition: Option<String>,
}

/// Reads one plan (or state) JSON text. Never fails: problems become diagnostics.
#[must_use]
pub fn parse(file: FileId, text: &str, options: &Options) -> Parsed {
    let mut parsed = Parsed::default();
    let at = |offset: usize| Some(Origin::new(file, TextRange::new(offset, offset)));
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let root = match json::validate(text, start) {
        Ok(v) => v,
        Err(e) => {
            parsed.diagnostics.push(Diagnostic::error(
                Code::Syntax,
                format!("plan is not valid JSON: {}", e.message),
                at(e.offset),
            ));
            return parsed;
        }
    };
    let whole = Some(Origin::new(file, root.range()));
    if root.kind() != Kind::Object {
        let msg = format!(
            "a terraform plan must be a JSON object, found {}",
            root.kind_name()
        );
        parsed
            .diagnostics
            .push(Diagnostic::error(Code::Shape, msg, whole));
        return parsed;
    }
    let [
        format_version,
        plan_format_version,
        planned_values,
        resource_changes,
        prior_state,
        configuration,
        values,
        variables,
    ] = root.fields([
        "format_version",
        "plan_format_version",
        "planned_values",
        "resource_changes",
        "prior_state",
        "configuration",
        "values",
        "variables",
    ]);
    if plan_format_version.is_some() {
        parsed.diagnostics.push(Diagnostic::error(
            Code::NotAnInput,
            "this is a Terraform Cloud redacted plan (plan_format_version), which is not supported; use the output of `terraform show -json <planfile>`",
            whole,
        ));
        return parsed;
    }
    if root.entries().next().is_none() {
        parsed.diagnostics.push(Diagnostic::error(
            Code::NotAnInput,
            "an empty JSON object is not a terraform plan",
            whole,
        ));
        return parsed;
    }
    match format_version {
        Some(fv) => match fv.as_str() {
            Some(v) if v.starts_with("0.") || v.starts_with("1.") || v == "0" || v == "1" => {}
            Some(v) => {
                parsed.diagnostics.push(Diagnostic::error(
                    Code::NotAnInput,
                    format!("unsupported plan format_version {v:?}; versions 0.x and 1.x are read"),
                    Some(Origin::new(file, fv.range())),
                ));
                return parsed;
            }
            None => {
                parsed.diagnostics.push(Diagnostic::error(
                    Code::Shape,
                    format!("format_version must be a string, found {}", fv.kind_name()),
                    Some(Origin::new(file, fv.range())),
                ));
                return parsed;
            }
        },
        None if planned_values.is_some() || resource_changes.is_some() => {
            parsed.diagnostics.push(Diagnostic::note(
                Code::Shape,
                "the plan has no format_version; it is read as a terraform plan",
                whole.clone(),
            ));
        }
        None => {
            parsed.diagnostics.push(Diagnostic::error(
                Code::NotAnInput,
                "not a terraform plan: no format_version, planned_values or resource_changes",
                whole,
            ));
            return parsed;
        }
    }
    let plan_form = planned_values.is_some() || resource_changes.is_some();
    let mut reader = Reader::new(file);
    for (name, v, want) in [
        ("planned_values", planned_values, Kind::Object),
        ("resource_changes", resource_changes, Kind::Array),
        ("prior_state", prior_state, Kind::Object),
        ("configuration", configuration, Kind::Object),
        ("values", values, Kind::Object),
        ("variables", variables, Kind::Object),
    ] {
        if let Some(v) = v.filter(|v| !v.is_null() && v.kind() != want) {
            reader.shape(
                format!(
                    "{name} must be {}, found {}",
                    if want == Kind::Array {
                        "a list"
                    } else {
                        "an object"
                    },
                    v.kind_name()
                ),
                v.range(),
            );
        }
    }
    fn ok(v: Option<json::Val<'_>>) -> Option<json::Val<'_>> {
        v.filter(|v| v.kind() == Kind::Object)
    }
    let sections = Sections {
        planned_values: ok(planned_values),
        resource_changes: resource_changes.filter(|v| v.kind() == Kind::Array),
        prior_state: ok(prior_state),
        configuration: ok(configuration),
        values: if plan_form { None } else { ok(values) },
        variables: ok(variables),
    };
    if !plan_form && sections.values.is_none() {
        parsed.diagnostics.push(Diagnostic::note(
            Code::NotAnInput,
            "the state holds no resources",
            whole,
        ));
        return parsed;
    }
    reader.read(&sections);
    if let Some(d) = root
        .get("deferred_changes")
        .filter(|d| d.items().next().is_some())
    {
        let n = d.items().count();
        reader.diags.push(Diagnostic::warning(
            Code::UnknownValue,
            format!(
                "the plan defers {n} resource change(s) to a later plan; they are not analysed"
            ),
            Some(Origin::new(file, d.range())),
        ));
    }
    settle_account(&mut reader, options, sections.configuration);
    let mut account = reader.build();
    account.account_id = reader
        .account
        .as_ref()
        .and_then(Str::as_known)
        .map(str::to_owned);
    parsed.account = account;
    parsed.diagnostics = reader.diags;
    parsed
}

/// Fixes the account id and partition used in synthesised ARNs: the options, else what the
/// plan's data sources read (`aws_caller_identity`, `aws_partition`), else what the known ARNs
/// of the plan's IAM entities agree on.
fn settle_account(
    reader: &mut Reader<'_>,
    options: &Options,
    configuration: Option<json::Val<'_>>,
) {
    let mut accounts: Vec<String> = Vec::new();
    let mut partitions: Vec<String> = Vec::new();
    let mut arn_accounts: Vec<String> = Vec::new();
    let mut arn_partitions: Vec<String> = Vec::new();
    // Live instances, their values before the plan, and deleted instances: all one account.
    let befores = reader
        .insts
        .iter()
        .filter(|i| i.before.is_some() && arn_kind(&i.rtype).is_some())
        .map(|i| {
            let mut b = i.clone();
            b.values = i.before;
            b.unknown = None;
            b
        });
    let relevant = |i: &&plan::Instance<'_>| {
        arn_kind(&i.rtype).is_some()
            || (i.data && matches!(i.rtype.as_str(), "aws_caller_identity" | "aws_partition"))
    };
    let all: Vec<plan::Instance<'_>> = reader
        .insts
        .iter()
        .filter(relevant)
        .cloned()
        .chain(befores)
        .chain(reader.deleted.iter().filter(relevant).cloned())
        .collect();
    for inst in &all {
        let cur = Cursor::of(inst);
        let known = |attr: &str| match cur.field(attr).state() {
            State::Known(v) => v.as_str().map(|s| s.into_owned()),
            _ => None,
        };
        match (inst.data, inst.rtype.as_str()) {
            (true, "aws_caller_identity") => accounts.extend(known("account_id")),
            (true, "aws_partition") => partitions.extend(known("partition")),
            (false, t) if arn_kind(t).is_some() => {
                if let Some(arn) = known("arn").and_then(|a| a.parse::<Arn>().ok()) {
                    if arn.account != "aws" && !arn.account.is_empty() {
                        arn_accounts.push(arn.account);
                    }
                    arn_partitions.push(arn.partition);
                }
            }
            _ => {}
        }
    }
    let single = |mut v: Vec<String>| {
        v.sort_unstable();
        v.dedup();
        if v.len() == 1 { v.pop() } else { None }
    };
    reader.account = options
        .account_id
        .clone()
        .or_else(|| single(accounts))
        .or_else(|| single(arn_accounts))
        .map(Str::lit);
    let regions = provider_regions(reader, configuration);
    reader.partition = options
        .partition
        .clone()
        .or_else(|| single(partitions))
        .or_else(|| single(arn_partitions))
        .or_else(|| {
            single(
                regions
                    .iter()
                    .map(|r| passgraph_terraform::partition::partition_of_region(r).to_owned())
                    .collect(),
            )
        })
        .map(Str::lit);
}

/// The regions of the plan's AWS provider configurations, when they are constants or root
/// variables; empty when any of them is not known.
fn provider_regions(reader: &Reader<'_>, configuration: Option<json::Val<'_>>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(providers) = configuration.and_then(|c| c.get("provider_config")) else {
        return out;
    };
    for (_, p) in providers.entries() {
        let [name, full, expressions] = p.fields(["name", "full_name", "expressions"]);
        let is_aws = name.and_then(|n| n.as_str()).is_some_and(|n| n == "aws")
            || full
                .and_then(|n| n.as_str())
                .is_some_and(|n| n.ends_with("/aws"));
        if !is_aws {
            continue;
        }
        let Some(region) = expressions.and_then(|e| e.get("region")) else {
            return Vec::new();
        };
        let value = match region.get("constant_value") {
            Some(v) => v.as_str().map(|s| s.into_owned()),
            None => {
                let (leaves, _) = resolve::leaves(region);
                match leaves.as_slice() {
                    [one] if p.get("module_address").is_none() => one
                        .strip_prefix("var.")
                        .and_then(|v| reader.variables.and_then(|vars| vars.get(v)))
                        .and_then(|v| v.get("value"))
                        .and_then(|v| v.as_str().map(|s| s.into_owned())),
                    _ => None,
                }
            }
        };
        match value {
            Some(v) => out.push(v),
            None => return Vec::new(),
        }
    }
    out
}

#[cfg(test)]
mod tests;
