//! Strings that may be partly unknown until apply.
//!
//! A [`Str`] is a sequence of literal text and *holes*. A hole stands for a value that is not known
//! offline (an account id, a generated role name, an ARN known after apply). Holes are identified
//! by a key that names their origin (`aws:account`, `aws_iam_role.web.unique_id`): two holes with
//! the same key are the same value, so `arn:aws:iam::<account>:role/RDS-*` definitely matches
//! `arn:aws:iam::<account>:role/RDS-Monitoring-Role`.
//!
//! Every hole also has a [`HoleClass`]: what kind of value it stands for (an account id is twelve
//! digits, a partition `aws`, `aws-cn`, ..., a generated role name only the characters its service
//! allows). The reader that makes a hole gives it its class; matching uses it, so
//! `arn:aws:iam:::role/x` (an empty account field) matches no ARN whose account is a hole.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// The key of the hole that stands for the account id of the input.
pub const ACCOUNT_HOLE: &str = "aws:account";
/// The key of the hole that stands for the partition of the input.
pub const PARTITION_HOLE: &str = "aws:partition";
/// The key of the hole that stands for the region of the input.
pub const REGION_HOLE: &str = "aws:region";
/// The key of the hole that stands for the DNS suffix of the input's partition
/// (`aws_partition.dns_suffix`): bound with the partition (`amazonaws.com` for `aws`).
pub const DNS_SUFFIX_HOLE: &str = "aws:dns_suffix";

/// The characters a hole of class [`HoleClass::Name`] may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Charset {
    /// `[A-Za-z0-9+=,.@_-]`: what IAM allows in user, group, role, policy and instance profile
    /// names (Terraform's generated names, `terraform-<digits>`, are a subset).
    IamName,
    /// `[A-Za-z0-9-]`: names CloudFormation generates (`<stack>-<LogicalId>-<suffix>`).
    AlphanumericDash,
    /// `[a-z0-9-]`: lower-case identifiers (`ami-0abc`, `sg-12`, availability zones).
    LowerId,
    /// Anything but `:` and `/`: one segment of an ARN or a path.
    Segment,
}

impl Charset {
    /// True when `c` may occur in a value of this set.
    #[must_use]
    pub fn admits(self, c: char) -> bool {
        match self {
            Charset::IamName => c.is_ascii_alphanumeric() || "+=,.@_-".contains(c),
            Charset::AlphanumericDash => c.is_ascii_alphanumeric() || c == '-',
            Charset::LowerId => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
            Charset::Segment => c != ':' && c != '/',
        }
    }
}

/// What a hole stands for. The reader that makes a hole knows; matching relies on it, never on
/// the key's spelling.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HoleClass {
    /// Any text, possibly empty, possibly with `*`, `:` or `/` (a parameter, an attribute known
    /// after apply, a whole ARN).
    #[default]
    Free,
    /// A 12-digit AWS account id: never empty, never `aws`.
    Account,
    /// A partition (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, ...): `[a-z-]`, at least 3.
    Partition,
    /// A region (`us-east-1`, `cn-north-1`): `[a-z0-9-]`, never empty.
    Region,
    /// A name a service generates or a user gives: at least one character of `charset`, at most
    /// `max_len` characters.
    Name {
        /// The characters it may hold.
        charset: Charset,
        /// Its greatest length.
        max_len: u16,
    },
    /// A number (a CloudFormation `Number` parameter): `[0-9.eE+-]`, never empty.
    Number,
}

impl HoleClass {
    /// An IAM role or user name: `[\w+=,.@-]`, 1 to 64 characters.
    pub const IAM_ROLE_NAME: HoleClass = HoleClass::Name {
        charset: Charset::IamName,
        max_len: 64,
    };
    /// An IAM group, managed policy or instance profile name: 1 to 128 characters.
    pub const IAM_NAME_128: HoleClass = HoleClass::Name {
        charset: Charset::IamName,
        max_len: 128,
    };

    /// True when `c` may occur in a value of this class.
    #[must_use]
    pub fn admits(self, c: char) -> bool {
        match self {
            HoleClass::Free => true,
            HoleClass::Account => c.is_ascii_digit(),
            HoleClass::Partition => c.is_ascii_lowercase() || c == '-',
            HoleClass::Region => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
            HoleClass::Name { charset, .. } => charset.admits(c),
            HoleClass::Number => c.is_ascii_digit() || "+-.eE".contains(c),
        }
    }

    /// The least and, when bounded, the greatest number of characters.
    #[must_use]
    pub fn length(self) -> (usize, Option<usize>) {
        match self {
            HoleClass::Free => (0, None),
            HoleClass::Account => (12, Some(12)),
            HoleClass::Partition => (3, Some(16)),
            HoleClass::Region => (1, Some(32)),
            HoleClass::Name { max_len, .. } => (1, Some(usize::from(max_len))),
            HoleClass::Number => (1, None),
        }
    }

    /// True when a known text could be a value of this class.
    #[must_use]
    pub fn admits_str(self, text: &str) -> bool {
        let n = text.chars().count();
        let (min, max) = self.length();
        n >= min && max.is_none_or(|m| n <= m) && text.chars().all(|c| self.admits(c))
    }

    /// A short word for messages: `account id`, `partition`, `generated name`, ...
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            HoleClass::Free => "value",
            HoleClass::Account => "account id",
            HoleClass::Partition => "partition",
            HoleClass::Region => "region",
            HoleClass::Name { .. } => "name",
            HoleClass::Number => "number",
        }
    }
}

/// A value unknown offline: its key (which names its origin: `aws_iam_role.web.name`,
/// `template.yaml:MyRole.RoleName`) and its class. Holes with the same key are the same value;
/// equality, order and hashing look at the key only. The canonical keys ([`ACCOUNT_HOLE`],
/// [`PARTITION_HOLE`], [`REGION_HOLE`]) always carry their class, however they are made.
/// `Debug` shows the key only, as equality sees it.
#[derive(Clone)]
pub struct Hole {
    key: Arc<str>,
    class: HoleClass,
}

impl Hole {
    /// A hole of a given class.
    #[must_use]
    pub fn new(key: impl Into<Arc<str>>, class: HoleClass) -> Hole {
        let key = key.into();
        let class = canonical_class(&key).unwrap_or(class);
        Hole { key, class }
    }

    /// A hole of free text (or of its canonical class for the canonical keys).
    #[must_use]
    pub fn free(key: impl Into<Arc<str>>) -> Hole {
        Hole::new(key, HoleClass::Free)
    }

    /// The key.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The key, shared.
    #[must_use]
    pub fn key_arc(&self) -> &Arc<str> {
        &self.key
    }

    /// The class.
    #[must_use]
    pub fn class(&self) -> HoleClass {
        self.class
    }
}

fn canonical_class(key: &str) -> Option<HoleClass> {
    match key {
        ACCOUNT_HOLE => Some(HoleClass::Account),
        PARTITION_HOLE => Some(HoleClass::Partition),
        REGION_HOLE => Some(HoleClass::Region),
        _ => None,
    }
}

impl PartialEq for Hole {
    fn eq(&self, other: &Hole) -> bool {
        self.key == other.key
    }
}

impl Eq for Hole {}

impl PartialOrd for Hole {
    fn partial_cmp(&self, other: &Hole) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Hole {
    fn cmp(&self, other: &Hole) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

impl Hash for Hole {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl fmt::Debug for Hole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.key, f)
    }
}

impl Deref for Hole {
    type Target = str;
    fn deref(&self) -> &str {
        &self.key
    }
}

impl fmt::Display for Hole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

impl From<&str> for Hole {
    fn from(k: &str) -> Hole {
        Hole::free(k)
    }
}

impl From<String> for Hole {
    fn from(k: String) -> Hole {
        Hole::free(k)
    }
}

impl From<Arc<str>> for Hole {
    fn from(k: Arc<str>) -> Hole {
        Hole::free(k)
    }
}

impl From<&Arc<str>> for Hole {
    fn from(k: &Arc<str>) -> Hole {
        Hole::free(k.clone())
    }
}

/// One piece of a [`Str`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// Known text.
    Lit(String),
    /// A value unknown offline, named by its origin, with its class.
    Hole(Hole),
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

    /// A wholly unknown value named by `key`, of free text (the canonical keys keep their
    /// class).
    #[must_use]
    pub fn hole(key: impl Into<Arc<str>>) -> Str {
        Str::hole_of(key, HoleClass::Free)
    }

    /// A wholly unknown value named by `key`, of class `class`.
    #[must_use]
    pub fn hole_of(key: impl Into<Arc<str>>, class: HoleClass) -> Str {
        Str {
            parts: vec![Part::Hole(Hole::new(key, class))],
        }
    }

    /// The account id of the input, unknown.
    #[must_use]
    pub fn account() -> Str {
        Str::hole_of(ACCOUNT_HOLE, HoleClass::Account)
    }

    /// The partition of the input, unknown.
    #[must_use]
    pub fn partition() -> Str {
        Str::hole_of(PARTITION_HOLE, HoleClass::Partition)
    }

    /// The region of the input, unknown.
    #[must_use]
    pub fn region() -> Str {
        Str::hole_of(REGION_HOLE, HoleClass::Region)
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
        if s.is_empty() {
            return;
        }
        match self.parts.last_mut() {
            Some(Part::Lit(last)) => last.push_str(s),
            _ => self.parts.push(Part::Lit(s.to_owned())),
        }
    }

    /// Appends another value.
    pub fn append(&mut self, other: &Str) {
        for p in &other.parts {
            match p {
                Part::Lit(t) => self.push_str(t),
                Part::Hole(h) => self.parts.push(Part::Hole(h.clone())),
            }
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

    /// The keys of the holes with their classes, in order.
    pub fn holes_with_class(&self) -> impl Iterator<Item = (&str, HoleClass)> {
        self.parts.iter().filter_map(|p| match p {
            Part::Hole(h) => Some((h.key(), h.class())),
            Part::Lit(_) => None,
        })
    }

    /// The hole when the value is one hole and nothing else.
    #[must_use]
    pub fn sole_hole(&self) -> Option<&Hole> {
        match self.parts.as_slice() {
            [Part::Hole(h)] => Some(h),
            _ => None,
        }
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

    /// Replaces, in place, every hole `key` by `value`.
    pub fn substitute_in_place(&mut self, key: &str, value: &Str) {
        if !self.holes().any(|h| h == key) {
            return;
        }
        for p in std::mem::take(&mut self.parts) {
            match p {
                Part::Hole(k) if k.key() == key => self.append(value),
                other => self.push(other),
            }
        }
    }

    /// Replaces every hole named `key` by `value`.
    #[must_use]
    pub fn substitute(&self, key: &str, value: &Str) -> Str {
        let mut out = self.clone();
        out.substitute_in_place(key, value);
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
