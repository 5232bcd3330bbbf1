//! Derives the built-in table of AWS managed policies (`src/aws_managed_policies.tsv`) from the
//! full set of default documents (`shared/data/aws-managed-policies.json`, a mirror of the AWS
//! managed policy reference).
//!
//! Shared by the `gen-managed-policies` example (which writes the table) and a unit test (which
//! checks that regenerating gives the same bytes).
//!
//! The reduction keeps every answer passgraph can ask, and nothing else:
//! - every statement that is not a plain `Allow` with an `Action` list is kept verbatim (every
//!   `Deny`, every `NotAction`, anything odd);
//! - an `Allow` statement keeps only the action patterns that may match one of the actions the
//!   analysis evaluates (`asked`: `iam:PassRole`, `sts:AssumeRole*`, the catalogue's launch
//!   actions, instance-profile actions, the admin-equivalent IAM writes), compared the way the
//!   engine compares (case-insensitive IAM globs, `passgraph_model::Glob`); `*` and `iam:*`
//!   stay; a statement left with no action is dropped;
//! - the severity rule asks whether a policy allows anything at all on every resource: when
//!   the statements dropped held such an allow and the kept ones do not, the first of them is
//!   kept with its first action only (a true, smaller statement of the same policy);
//! - a statement without `Sid` gets `#<index>`, its position in AWS's document, so that proofs
//!   name the statement as AWS numbers it.

use passgraph_model::{Glob, Str};
use serde_json::{Map, Value};

/// The table's text: header lines starting with `#`, then one line per policy,
/// `<path><name>` TAB `<reduced document as compact JSON>`, sorted by name.
///
/// # Errors
/// When the input is not the expected shape.
pub(crate) fn generate(input: &str, asked: &[&str]) -> Result<String, String> {
    let data: Value = serde_json::from_str(input).map_err(|e| format!("input: {e}"))?;
    let meta = data.get("meta").ok_or("input has no meta")?;
    let source = meta
        .get("source")
        .and_then(Value::as_str)
        .ok_or("meta has no source")?;
    let date = source
        .split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .find(|w| w.len() == 10 && w.as_bytes()[4] == b'-' && w.as_bytes()[7] == b'-')
        .ok_or("meta.source names no date")?;
    let policies = data
        .get("Policies")
        .and_then(Value::as_array)
        .ok_or("input has no Policies")?;
    let globs: Vec<&str> = asked.to_vec();
    let mut lines: Vec<(String, String)> = Vec::new();
    for p in policies {
        let name = p
            .get("PolicyName")
            .and_then(Value::as_str)
            .ok_or("a policy has no PolicyName")?;
        let arn = p
            .get("Arn")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{name} has no Arn"))?;
        let path_name = arn
            .strip_prefix("arn:aws:iam::aws:policy")
            .ok_or_else(|| format!("{name}: unexpected ARN {arn}"))?;
        if !path_name.ends_with(&format!("/{name}")) || name.contains(['\t', '\n']) {
            return Err(format!("{name}: ARN {arn} does not end with the name"));
        }
        let doc = p
            .get("Document")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{name} has no Document"))?;
        let reduced = reduce(doc, &globs);
        let text = serde_json::to_string(&Value::Object(reduced)).map_err(|e| e.to_string())?;
        lines.push((name.to_owned(), format!("{path_name}\t{text}")));
    }
    lines.sort();
    let mut out = String::new();
    out.push_str("# passgraph: AWS managed policies (default versions), reduced to what the analysis asks.\n");
    out.push_str("# Generated; do not edit. Regenerate with:\n");
    out.push_str("#   cargo run -p passgraph-eval --example gen-managed-policies -- ../shared/data/aws-managed-policies.json\n");
    out.push_str(&format!("# source: {source}\n"));
    out.push_str(&format!("# date: {date}\n"));
    out.push_str(&format!("# count: {}\n", lines.len()));
    for (_, l) in lines {
        out.push_str(&l);
        out.push('\n');
    }
    Ok(out)
}

fn asks(pattern: &str, asked: &[&str]) -> bool {
    let g = Glob::new(&Str::lit(pattern), true);
    asked.iter().any(|a| g.matches_str(a).possible())
}

/// Whether the statement allows on every resource as the severity rule sees it (a `*` resource,
/// `NotResource`, a policy variable, or no resource element).
fn broad(s: &Map<String, Value>) -> bool {
    match s.get("Resource") {
        Some(Value::String(r)) => r == "*" || r.contains("${"),
        Some(Value::Array(v)) => v
            .iter()
            .any(|r| r.as_str().is_none_or(|r| r == "*" || r.contains("${"))),
        Some(_) => true,
        None => true,
    }
}

fn reduce(doc: &Map<String, Value>, asked: &[&str]) -> Map<String, Value> {
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(v)) => v.iter().collect(),
        Some(other) => vec![other],
        None => Vec::new(),
    };
    let mut kept: Vec<Value> = Vec::new();
    let mut kept_broad = false;
    let mut dropped_broad: Option<Map<String, Value>> = None;
    for (i, st) in statements.into_iter().enumerate() {
        let Some(s) = st.as_object() else {
            kept.push(st.clone());
            continue;
        };
        let mut s = s.clone();
        if s.get("Sid")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            s.insert("Sid".to_owned(), Value::String(format!("#{i}")));
        }
        let allow = s.get("Effect").and_then(Value::as_str) == Some("Allow");
        let actions: Option<Vec<Value>> = match s.get("Action") {
            Some(Value::String(a)) => Some(vec![Value::String(a.clone())]),
            Some(Value::Array(v)) => Some(v.clone()),
            _ => None,
        };
        let (true, Some(actions), false) = (allow, actions, s.contains_key("NotAction")) else {
            kept_broad |= allow && broad(&s);
            kept.push(Value::Object(s));
            continue;
        };
        let wanted: Vec<Value> = actions
            .iter()
            .filter(|a| a.as_str().is_none_or(|a| asks(a, asked)))
            .cloned()
            .collect();
        if wanted.is_empty() {
            if dropped_broad.is_none() && broad(&s) {
                let mut m = s.clone();
                m.insert(
                    "Action".to_owned(),
                    actions[..1.min(actions.len())].to_vec().into(),
                );
                dropped_broad = Some(m);
            }
            continue;
        }
        kept_broad |= broad(&s);
        let value = if wanted.len() == 1 && matches!(s.get("Action"), Some(Value::String(_))) {
            wanted[0].clone()
        } else {
            Value::Array(wanted)
        };
        s.insert("Action".to_owned(), value);
        kept.push(Value::Object(s));
    }
    if let (false, Some(m)) = (kept_broad, dropped_broad) {
        kept.push(Value::Object(m));
    }
    let mut out = Map::new();
    if let Some(v) = doc.get("Version") {
        out.insert("Version".to_owned(), v.clone());
    }
    out.insert("Statement".to_owned(), Value::Array(kept));
    out
}
