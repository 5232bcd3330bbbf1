//! Content-based detection: is a text (or the first part of it) Terraform plan or state JSON?

use crate::json::{decode_string, skip_string, skip_value, ws};

/// What the top-level keys of a (possibly truncated) JSON object are.
struct TopKeys {
    keys: Vec<String>,
}

/// Reads the top-level keys of a JSON object, skipping the values, tolerating a text that
/// ends early. `None` when the text does not start an object.
fn top_keys(text: &str) -> Option<TopKeys> {
    let b = text.as_bytes();
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut p = ws(b, start);
    if b.get(p) != Some(&b'{') {
        return None;
    }
    p += 1;
    let mut keys = Vec::new();
    loop {
        p = ws(b, p);
        match b.get(p) {
            None => return Some(TopKeys { keys }),
            Some(b'}') => return Some(TopKeys { keys }),
            Some(b'"') => {}
            Some(_) => return None,
        }
        let Some(kend) = skip_string(b, p) else {
            return Some(TopKeys { keys });
        };
        let key = text
            .get(p..kend)
            .and_then(decode_string)
            .map(|k| k.into_owned())
            .unwrap_or_default();
        keys.push(key);
        p = ws(b, kend);
        match b.get(p) {
            None => return Some(TopKeys { keys }),
            Some(b':') => {}
            Some(_) => return None,
        }
        p = ws(b, p + 1);
        if p >= b.len() {
            return Some(TopKeys { keys });
        }
        match skip_value(b, p) {
            Some(end) if end <= b.len() => p = end,
            _ => return Some(TopKeys { keys }),
        }
        p = ws(b, p);
        match b.get(p) {
            None => return Some(TopKeys { keys }),
            Some(b',') => p += 1,
            Some(b'}') => return Some(TopKeys { keys }),
            Some(_) => return None,
        }
    }
}

/// True when a text, judged by its beginning, is Terraform JSON this crate reads or refuses
/// knowingly: a plan (`format_version` with `planned_values` / `resource_changes`), a state
/// (`format_version` with `values`, or alone), a plan without `format_version`, or a Terraform
/// Cloud redacted plan (`plan_format_version`, refused by [`crate::parse`] with a diagnostic).
///
/// `text_prefix` may be cut anywhere; give at least the first 64 KiB (the whole text works).
/// A prefix that ends inside the value after `format_version` counts as a plan.
#[must_use]
pub fn looks_like_plan(text_prefix: &str) -> bool {
    let Some(top) = top_keys(text_prefix) else {
        return false;
    };
    let has = |k: &str| top.keys.iter().any(|x| x == k);
    if has("plan_format_version") || has("planned_values") || has("resource_changes") {
        return true;
    }
    if !has("format_version") {
        return false;
    }
    if has("values") || has("prior_state") || has("configuration") {
        return true;
    }
    // Other Terraform JSON with a format_version (provider schemas, validate output) has its
    // own keys; a state of an empty workspace has only these.
    let others = top.keys.iter().any(|k| {
        !matches!(
            k.as_str(),
            "format_version" | "terraform_version" | "variables"
        )
    });
    !others
}
