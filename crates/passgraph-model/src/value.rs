//! Strings that may be partly unknown until apply.
//!
//! A [`Str`] is a sequence of literal text and *holes*. A hole stands for a value that is not known
//! offline (an account id, a generated role name, an ARN known after apply). Holes are identified
//! by a key that names their origin (`aws:account`, `aws_iam_role.web.unique_id`): two holes with
//! the same key are the same value, so `arn:aws:iam::<account>:role/RDS-*` definitely matches
//! `arn:aws:iam::<account>:role/RDS-Monitoring-Role`.

use std::fmt;
use std::sync::Arc;

/// The key of the hole that stands for the account id of the input.
pub const ACCOUNT_HOLE: &str = "aws:account";
/// The key of the hole that stands for the partition of the input.
pub const PARTITION_HOLE: &str = "aws:partition";
/// The key of the hole that stands for the region of the input.
pub const REGION_HOLE: &str = "aws:region";

/// One piece of a [`Str`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// Known text.
    Lit(String),
    /// A value unknown offline, named by its origin.
    Hole(Arc<str>),
}

/// A string value that may contain unknown parts. Adjacent literals are always merged, and no
/// literal part is empty, so structural equality is value equality.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Str {
    parts: Vec<Part>,
}

impl Str {
    /// A known string.
    #[must_use]
    pub fn lit(s: impl Into<String>) -> Str {
        let s = s.into();
        if s.is_empty() {
            Str::default()
        } else {
            Str {
                parts: vec![Part::Lit(s)],
            }
        }
    }

    /// A wholly unknown value named by `key`.
    #[must_use]
    pub fn hole(key: impl Into<Arc<str>>) -> Str {
        Str {
            parts: vec![Part::Hole(key.into())],
        }
    }

    /// Builds a value from parts, normalising adjacent literals.
    #[must_use]
    pub fn from_parts(parts: impl IntoIterator<Item = Part>) -> Str {
        let mut s = Str::default();
        for p in parts {
            s.push(p);
        }
        s
    }

    /// Appends a part.
    pub fn push(&mut self, part: Part) {
        match part {
            Part::Lit(t) if t.is_empty() => {}
            Part::Lit(t) => {
                if let Some(Part::Lit(last)) = self.parts.last_mut() {
                    last.push_str(&t);
                } else {
                    self.parts.push(Part::Lit(t));
                }
            }
            Part::Hole(k) => self.parts.push(Part::Hole(k)),
        }
    }

    /// Appends literal text.
    pub fn push_str(&mut self, s: &str) {
        self.push(Part::Lit(s.to_owned()));
    }

    /// Appends another value.
    pub fn append(&mut self, other: &Str) {
        for p in &other.parts {
            self.push(p.clone());
        }
    }

    /// The concatenation of values.
    #[must_use]
    pub fn concat<'a>(items: impl IntoIterator<Item = &'a Str>) -> Str {
        let mut s = Str::default();
        for i in items {
            s.append(i);
        }
        s
    }

    /// The parts.
    #[must_use]
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The text if the value is wholly known.
    #[must_use]
    pub fn as_known(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }

    /// True when the value has no hole.
    #[must_use]
    pub fn is_known(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Lit(_)))
    }

    /// The keys of the holes, in order.
    pub fn holes(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Hole(k) => Some(&**k),
            Part::Lit(_) => None,
        })
    }

    /// True when the value is the empty known string.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The known literal prefix (everything before the first hole).
    #[must_use]
    pub fn known_prefix(&self) -> &str {
        match self.parts.first() {
            Some(Part::Lit(s)) => s,
            _ => "",
        }
    }

    /// Replaces every hole named `key` by `value`.
    #[must_use]
    pub fn substitute(&self, key: &str, value: &Str) -> Str {
        let mut out = Str::default();
        for p in &self.parts {
            match p {
                Part::Hole(k) if &**k == key => out.append(value),
                other => out.push(other.clone()),
            }
        }
        out
    }

    /// Splits the value at every occurrence of `sep` in its literal parts.
    #[must_use]
    pub fn split(&self, sep: &str) -> Vec<Str> {
        let mut out = vec![Str::default()];
        for p in &self.parts {
            match p {
                Part::Lit(t) if !sep.is_empty() => {
                    let mut pieces = t.split(sep);
                    if let (Some(first), Some(cur)) = (pieces.next(), out.last_mut()) {
                        cur.push_str(first);
                    }
                    for piece in pieces {
                        out.push(Str::lit(piece));
                    }
                }
                other => {
                    if let Some(cur) = out.last_mut() {
                        cur.push(other.clone());
                    }
                }
            }
        }
        out
    }

    /// The last segment after `sep` when that segment is known to lie in a literal part:
    /// `role/app/web` → `web`. Returns the whole value when `sep` does not occur.
    #[must_use]
    pub fn last_segment(&self, sep: &str) -> Str {
        self.split(sep).pop().unwrap_or_default()
    }

    /// True when the literal text starts with `prefix` (holes count as not matching).
    #[must_use]
    pub fn starts_with(&self, prefix: &str) -> bool {
        self.known_prefix().starts_with(prefix)
            || self.as_known().is_some_and(|s| s.starts_with(prefix))
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str::lit(s)
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str::lit(s)
    }
}

impl fmt::Display for Str {
    /// Known text as it is; holes as `${key}`, the form Terraform and CloudFormation users read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.parts {
            match p {
                Part::Lit(s) => f.write_str(s)?,
                Part::Hole(k) => write!(f, "${{{k}}}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_merge_and_display_holes() {
        let mut s = Str::lit("arn:aws:iam::");
        s.push(Part::Hole(ACCOUNT_HOLE.into()));
        s.push_str(":role/");
        s.push_str("web");
        assert_eq!(s.parts().len(), 3);
        assert_eq!(s.to_string(), "arn:aws:iam::${aws:account}:role/web");
        assert!(!s.is_known());
        assert_eq!(
            s.substitute(ACCOUNT_HOLE, &Str::lit("123")).as_known(),
            Some("arn:aws:iam::123:role/web")
        );
    }

    #[test]
    fn split_keeps_holes_in_place() {
        let s = Str::from_parts([
            Part::Lit("a/".into()),
            Part::Hole("h".into()),
            Part::Lit("/c".into()),
        ]);
        let parts = s.split("/");
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[1], Str::hole("h"));
        assert_eq!(s.last_segment("/").as_known(), Some("c"));
    }
}
