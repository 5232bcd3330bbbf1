//! The baseline file: today's findings, recorded so that only new ones fail.
//!
//! ```json
//! {"version": 1, "findings": [{"fingerprint": "52b2168e1bd386d8", "principal": "user/alice",
//!   "role": "web", "service": "ec2.amazonaws.com"}]}
//! ```
//!
//! Identity is the fingerprint alone (rule, principal, role and service: no file, line or
//! statement), so a baseline survives moved lines and reformatted files; the other fields are
//! there for the people who review the file.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// `kind/name` of the principal, for people.
    pub principal: String,
    /// The role's name, for people.
    pub role: String,
    /// The service.
    pub service: String,
}

/// A baseline: a set of fingerprints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeMap<String, Entry>,
}

impl Baseline {
    /// A baseline of these findings.
    pub fn new(entries: impl IntoIterator<Item = Entry>) -> Baseline {
        Baseline {
            entries: entries
                .into_iter()
                .map(|e| (e.fingerprint.clone(), e))
                .collect(),
        }
    }

    /// Whether a finding with this fingerprint is recorded.
    #[must_use]
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.entries.contains_key(fingerprint)
    }

    /// How many findings are recorded.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none is.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Reads a baseline file.
    ///
    /// # Errors
    /// A message (with line and column for invalid JSON) when the text is not a baseline.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let v: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("{}:{}: invalid JSON: {e}", e.line(), e.column()))?;
        if v.get("version").and_then(serde_json::Value::as_u64) != Some(1) {
            return Err("not a passgraph baseline (version 1 expected)".to_owned());
        }
        let list = v
            .get("findings")
            .and_then(serde_json::Value::as_array)
            .ok_or("a baseline has a findings list")?;
        let mut entries = Vec::with_capacity(list.len());
        for (i, f) in list.iter().enumerate() {
            let field = |k: &str| {
                f.get(k)
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
            };
            let fingerprint =
                field("fingerprint").ok_or_else(|| format!("findings[{i}] has no fingerprint"))?;
            entries.push(Entry {
                fingerprint,
                principal: field("principal").unwrap_or_default(),
                role: field("role").unwrap_or_default(),
                service: field("service").unwrap_or_default(),
            });
        }
        Ok(Baseline::new(entries))
    }

    /// The file's text: sorted by fingerprint, one finding a line, so that diffs of the file
    /// are readable.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::from("{\n  \"version\": 1,\n  \"findings\": [");
        for (i, e) in self.entries.values().enumerate() {
            let obj = serde_json::json!({
                "fingerprint": e.fingerprint,
                "principal": e.principal,
                "role": e.role,
                "service": e.service,
            });
            let _ = write!(out, "{}\n    {obj}", if i == 0 { "" } else { "," });
        }
        out.push_str(if self.entries.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{Baseline, Entry};

    fn entry(fp: &str) -> Entry {
        Entry {
            fingerprint: fp.to_owned(),
            principal: "user/alice".to_owned(),
            role: "web".to_owned(),
            service: "ec2.amazonaws.com".to_owned(),
        }
    }

    #[test]
    fn round_trips_sorted() {
        let b = Baseline::new([entry("b2"), entry("a1")]);
        let text = b.to_text();
        assert!(
            text.find("a1").unwrap() < text.find("b2").unwrap(),
            "{text}"
        );
        let back = Baseline::parse(&text).unwrap();
        assert_eq!(back, b);
        assert!(back.contains("a1") && back.contains("b2") && !back.contains("c3"));
        assert_eq!(
            Baseline::parse(&Baseline::default().to_text())
                .unwrap()
                .len(),
            0
        );
    }

    #[test]
    fn refuses_what_is_not_a_baseline() {
        let e = Baseline::parse("{").unwrap_err();
        assert!(e.starts_with("1:1: invalid JSON"), "{e}");
        assert!(Baseline::parse(r#"{"version": 2, "findings": []}"#).is_err());
        assert!(Baseline::parse(r#"{"version": 1}"#).is_err());
        assert!(
            Baseline::parse(r#"{"version": 1, "findings": [{"role": "x"}]}"#)
                .unwrap_err()
                .contains("findings[0]")
        );
    }
}
