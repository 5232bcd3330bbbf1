//! IAM wildcard matching, in one place.
//!
//! `*` matches any run of characters (including `:` and `/`), `?` exactly one character; there are
//! no character classes. Actions match case-insensitively, ARNs case-sensitively: the caller says
//! which when it compiles a [`Glob`]. Both the pattern and the subject may contain holes (values
//! unknown offline), so a match is three-valued:
//!
//! * `Yes` when the pattern matches whatever the holes turn out to be (a hole in the pattern lines
//!   up with the same hole in the subject, or is swallowed by a `*`);
//! * `Maybe` when some values of the holes make it match;
//! * `No` when no values do.
//!
//! Policy variables (`${aws:username}`) are resolved while compiling, through [`VarValue`].

use std::sync::Arc;

use crate::tri::Tri;
use crate::value::{Part, Str};

/// A token of a compiled pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Char(char),
    Star,
    Quest,
    Hole(Arc<str>),
}

/// A token of a subject.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Sub {
    Char(char),
    Hole(Arc<str>),
}

/// What a policy variable resolves to for the principal being evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarValue {
    /// The request fixes this value.
    Known(String),
    /// The request has the key, but its value is not known offline.
    Unknown,
    /// The request has no such key: a pattern that uses it matches nothing.
    Absent,
}

/// Upper bound on `pattern × subject` cells for the exact intersection check; above it the
/// answer is `Maybe` (sound, and bounded on hostile input).
const MAX_CELLS: usize = 1 << 22;

/// A compiled IAM wildcard pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    toks: Vec<Tok>,
    case_insensitive: bool,
    /// Set when a policy variable is absent from the request: the pattern matches nothing.
    never: bool,
    has_holes: bool,
}

impl Glob {
    /// Compiles a value to be compared for equality: `*` and `?` are ordinary characters. Holes
    /// still match three-valued.
    #[must_use]
    pub fn exact(value: &Str, case_insensitive: bool) -> Glob {
        let mut g = Glob {
            toks: Vec::new(),
            case_insensitive,
            never: false,
            has_holes: false,
        };
        for part in value.parts() {
            match part {
                Part::Hole(k) => {
                    g.has_holes = true;
                    g.toks.push(Tok::Hole(k.clone()));
                }
                Part::Lit(text) => text.chars().for_each(|c| g.push_char(c)),
            }
        }
        g
    }

    /// Compiles a pattern whose wildcards are interpreted in its literal parts; no policy variables.
    #[must_use]
    pub fn new(pattern: &Str, case_insensitive: bool) -> Glob {
        Glob::with_vars(pattern, case_insensitive, None)
    }

    /// Compiles a pattern, resolving `${key}` policy variables with `vars` when it is given
    /// (policies of version `2012-10-17`); without `vars`, `${...}` is literal text.
    #[must_use]
    pub fn with_vars(
        pattern: &Str,
        case_insensitive: bool,
        vars: Option<&dyn Fn(&str) -> VarValue>,
    ) -> Glob {
        Glob::build(pattern, case_insensitive, vars, true)
    }

    /// Compiles a value compared for equality (`StringEquals`) in which policy variables are
    /// resolved: `*` and `?` are ordinary characters.
    #[must_use]
    pub fn exact_with_vars(
        value: &Str,
        case_insensitive: bool,
        vars: &dyn Fn(&str) -> VarValue,
    ) -> Glob {
        Glob::build(value, case_insensitive, Some(vars), false)
    }

    fn build(
        pattern: &Str,
        case_insensitive: bool,
        vars: Option<&dyn Fn(&str) -> VarValue>,
        wildcards: bool,
    ) -> Glob {
        let mut g = Glob {
            toks: Vec::new(),
            case_insensitive,
            never: false,
            has_holes: false,
        };
        for part in pattern.parts() {
            match part {
                Part::Hole(k) => {
                    g.has_holes = true;
                    g.toks.push(Tok::Hole(k.clone()));
                }
                Part::Lit(text) => g.push_literal(text, vars, wildcards),
            }
        }
        g
    }

    fn push_char(&mut self, c: char) {
        if self.case_insensitive {
            for l in c.to_lowercase() {
                self.toks.push(Tok::Char(l));
            }
        } else {
            self.toks.push(Tok::Char(c));
        }
    }

    fn push_literal(
        &mut self,
        text: &str,
        vars: Option<&dyn Fn(&str) -> VarValue>,
        wildcards: bool,
    ) {
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if let Some(vars) = vars
                && rest.starts_with("${")
                && let Some(end) = rest.find('}')
            {
                let inner = &rest[2..end];
                rest = &rest[end + 1..];
                self.push_variable(inner, vars);
                continue;
            }
            rest = &rest[c.len_utf8()..];
            match c {
                '*' if wildcards => self.toks.push(Tok::Star),
                '?' if wildcards => self.toks.push(Tok::Quest),
                c => self.push_char(c),
            }
        }
    }

    fn push_variable(&mut self, inner: &str, vars: &dyn Fn(&str) -> VarValue) {
        match inner {
            "*" | "?" | "$" => {
                for c in inner.chars() {
                    self.push_char(c);
                }
                return;
            }
            _ => {}
        }
        // `${key, 'default'}` gives the default when the key is absent.
        let (key, default) = match inner.split_once(',') {
            Some((k, d)) => {
                let d = d.trim();
                let d = d
                    .strip_prefix('\'')
                    .and_then(|d| d.strip_suffix('\''))
                    .unwrap_or(d);
                (k.trim(), Some(d))
            }
            None => (inner.trim(), None),
        };
        match (vars(&key.to_ascii_lowercase()), default) {
            (VarValue::Known(v), _) => {
                for c in v.chars() {
                    self.push_char(c);
                }
            }
            (VarValue::Unknown, _) => {
                self.has_holes = true;
                self.toks.push(Tok::Hole(format!("var:{key}").into()));
            }
            (VarValue::Absent, Some(d)) => {
                for c in d.chars() {
                    self.push_char(c);
                }
            }
            (VarValue::Absent, None) => self.never = true,
        }
    }

    /// The literal text before the first wildcard or hole (already lowercased when the pattern is
    /// case-insensitive). Every subject the pattern can match starts with it.
    #[must_use]
    pub fn literal_prefix(&self) -> String {
        self.toks
            .iter()
            .map_while(|t| match t {
                Tok::Char(c) => Some(*c),
                _ => None,
            })
            .collect()
    }

    /// The literal text right after the `n`th literal `sep` of a case-sensitive pattern, up to
    /// the first wildcard or hole; `None` when the pattern is case-insensitive or has fewer
    /// than `n` literal `sep`. For an ARN pattern (`sep` `:`, `n` 5) it is the prefix of the
    /// resource part that every matching ARN whose five `:` are its only ones starts with:
    /// a pattern's literal `:` can match only a `:` of the subject, in order.
    #[must_use]
    pub fn literal_after(&self, sep: char, n: usize) -> Option<String> {
        if self.case_insensitive {
            return None;
        }
        let mut seen = 0;
        let mut it = self.toks.iter();
        if n > 0 {
            for t in it.by_ref() {
                if *t == Tok::Char(sep) {
                    seen += 1;
                    if seen == n {
                        break;
                    }
                }
            }
            if seen < n {
                return None;
            }
        }
        Some(
            it.map_while(|t| match t {
                Tok::Char(c) => Some(*c),
                _ => None,
            })
            .collect(),
        )
    }

    /// True for a pattern that is a lone `*`.
    #[must_use]
    pub fn is_match_all(&self) -> bool {
        !self.never && self.toks.iter().all(|t| *t == Tok::Star) && !self.toks.is_empty()
    }

    /// Matches a subject, three-valued.
    #[must_use]
    pub fn matches(&self, subject: &Str) -> Tri {
        if self.never {
            return Tri::No;
        }
        if !self.has_holes
            && let Some(text) = subject.as_known()
            && let Some(t) = self.matches_ascii(text)
        {
            return t;
        }
        let sub = self.subject_tokens(subject);
        let subject_has_holes = sub.iter().any(|t| matches!(t, Sub::Hole(_)));
        if definite(&self.toks, &sub) {
            return Tri::Yes;
        }
        if !self.has_holes && !subject_has_holes {
            return Tri::No;
        }
        if resource_prefix_excludes(&self.toks, &sub) {
            return Tri::No;
        }
        intersects(&self.toks, &sub)
    }

    /// Matches a fully known subject.
    #[must_use]
    pub fn matches_str(&self, subject: &str) -> Tri {
        if self.never {
            return Tri::No;
        }
        if !self.has_holes
            && let Some(t) = self.matches_ascii(subject)
        {
            return t;
        }
        self.matches(&Str::lit(subject))
    }

    /// The hot path: a pattern without holes against an ASCII subject, on bytes, without
    /// allocating. `None` when the subject is not ASCII.
    fn matches_ascii(&self, subject: &str) -> Option<Tri> {
        if !subject.is_ascii() {
            return None;
        }
        let s = subject.as_bytes();
        let ci = self.case_insensitive;
        let eq = |t: &Tok, b: u8| match t {
            Tok::Char(c) => {
                let b = if ci { b.to_ascii_lowercase() } else { b };
                u32::from(*c) == u32::from(b)
            }
            Tok::Quest => true,
            Tok::Star | Tok::Hole(_) => false,
        };
        let p = &self.toks;
        let (mut pi, mut si) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while si < s.len() {
            if pi < p.len() && p[pi] != Tok::Star && eq(&p[pi], s[si]) {
                pi += 1;
                si += 1;
            } else if pi < p.len() && p[pi] == Tok::Star {
                star = Some((pi, si));
                pi += 1;
            } else if let Some((sp, ss)) = star {
                pi = sp + 1;
                si = ss + 1;
                star = Some((sp, ss + 1));
            } else {
                return Some(Tri::No);
            }
        }
        Some(Tri::from_bool(p[pi..].iter().all(|t| *t == Tok::Star)))
    }

    fn subject_tokens(&self, subject: &Str) -> Vec<Sub> {
        let mut out = Vec::new();
        for p in subject.parts() {
            match p {
                Part::Hole(k) => out.push(Sub::Hole(k.clone())),
                Part::Lit(t) => {
                    for c in t.chars() {
                        if self.case_insensitive {
                            out.extend(c.to_lowercase().map(Sub::Char));
                        } else {
                            out.push(Sub::Char(c));
                        }
                    }
                }
            }
        }
        out
    }
}

/// One pattern token against one subject token, for a definite match.
fn tok_eq(p: &Tok, s: &Sub) -> bool {
    match (p, s) {
        (Tok::Char(a), Sub::Char(b)) => a == b,
        (Tok::Quest, Sub::Char(_)) => true,
        (Tok::Hole(a), Sub::Hole(b)) => a == b,
        _ => false,
    }
}

/// True for the canonical holes that stand for one ARN segment (account, partition, region),
/// which hold no `:` or `/`.
fn is_segment_hole(k: &str) -> bool {
    matches!(
        k,
        crate::value::ACCOUNT_HOLE | crate::value::PARTITION_HOLE | crate::value::REGION_HOLE
    )
}

/// True for the holes the CloudFormation reader names for generated names
/// (`cfn#<file>:<LogicalId>.RoleName`): CloudFormation builds them as
/// `<stack>-<LogicalId>-<suffix>`, of `[A-Za-z0-9-]` only.
fn is_cfn_generated_name(k: &str) -> bool {
    let Some(rest) = k.strip_prefix("cfn#") else {
        return false;
    };
    let Some((_, id_prop)) = rest.split_once(':') else {
        return false;
    };
    let Some((id, prop)) = id_prop.split_once('.') else {
        return false;
    };
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
        && matches!(
            prop,
            "RoleName" | "UserName" | "GroupName" | "InstanceProfileName" | "ManagedPolicyName"
        )
}

/// True when an ARN pattern cannot match an ARN subject by their resource parts alone: the
/// subject's only `:` are its five separators (holes before them are segment holes, which hold
/// no `:`; its resource part is literal), the pattern has five literal `:`, and the literal
/// text right after the pattern's fifth is not a prefix of the subject's resource part. A
/// pattern's literal `:` can match only a subject `:`, in order, so the fifth meets the fifth.
/// This spares the quadratic intersection for the many roles a pattern does not name when the
/// account is a hole on both sides (templates, Terraform folders).
fn resource_prefix_excludes(p: &[Tok], s: &[Sub]) -> bool {
    let mut colons = 0;
    let mut si = 0;
    while si < s.len() && colons < 5 {
        match &s[si] {
            Sub::Char(':') => colons += 1,
            Sub::Char(_) => {}
            Sub::Hole(k) if is_segment_hole(k) => {}
            Sub::Hole(_) => return false,
        }
        si += 1;
    }
    let resource = &s[si..];
    if colons < 5
        || resource
            .iter()
            .any(|t| matches!(t, Sub::Hole(_) | Sub::Char(':')))
    {
        return false;
    }
    let Some(fifth) = p
        .iter()
        .enumerate()
        .filter(|(_, t)| **t == Tok::Char(':'))
        .nth(4)
        .map(|(i, _)| i)
    else {
        return false;
    };
    let mut rest = resource.iter();
    for t in &p[fifth + 1..] {
        let Tok::Char(c) = t else { break };
        match rest.next() {
            Some(Sub::Char(x)) if x == c => {}
            _ => return true,
        }
    }
    false
}

/// The classic linear-time wildcard match with one backtrack point: a definite match treats
/// every subject hole as one opaque token that only `*` or the same hole can cover.
fn definite(p: &[Tok], s: &[Sub]) -> bool {
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] != Tok::Star && tok_eq(&p[pi], &s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == Tok::Star {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|t| *t == Tok::Star)
}

/// Whether some string is matched by both sides.
///
/// First with every hole that occurs on both sides read as one value (an opaque symbol that
/// only itself or a `*` can cover); when that finds no match, again with such holes free,
/// because the same value may line up at different places. Free holes read as `*`, except the
/// canonical segment holes and, in an ARN subject, a hole that ends the subject after its last
/// `/` (the generated part of an IAM name, which holds no `:` or `/`): those read as a `*` that
/// spans no `:` or `/`.
fn intersects(p: &[Tok], s: &[Sub]) -> Tri {
    let shared = p.iter().any(
        |t| matches!(t, Tok::Hole(k) if s.iter().any(|x| matches!(x, Sub::Hole(j) if j == k))),
    );
    match intersects_with(p, s, true) {
        Tri::No if shared => intersects_with(p, s, false),
        t => t,
    }
}

fn intersects_with(p: &[Tok], s: &[Sub], align: bool) -> Tri {
    #[derive(Clone, Copy, PartialEq)]
    enum G {
        C(char),
        Opaque(usize),
        Any,
        Star,
        Seg,
        Gen,
    }
    let free = |k: &Arc<str>| if is_segment_hole(k) { G::Seg } else { G::Star };
    let shared: Vec<&Arc<str>> = p
        .iter()
        .filter_map(|t| match t {
            Tok::Hole(k) if align && s.iter().any(|x| matches!(x, Sub::Hole(j) if j == k)) => {
                Some(k)
            }
            _ => None,
        })
        .collect();
    // In an ARN subject, a hole that ends it after its last `/` is part of an IAM name.
    let is_arn = s
        .iter()
        .take(4)
        .map(|t| match t {
            Sub::Char(c) => Some(*c),
            Sub::Hole(_) => None,
        })
        .eq("arn:".chars().map(Some));
    let last_slash = s.iter().rposition(|t| *t == Sub::Char('/'));
    let name_hole = |i: usize| is_arn && i + 1 == s.len() && last_slash.is_some_and(|l| l < i);
    let opaque = |k: &Arc<str>| shared.iter().position(|x| *x == k);
    let a: Vec<G> = p
        .iter()
        .map(|t| match t {
            Tok::Char(c) => G::C(*c),
            Tok::Quest => G::Any,
            Tok::Star => G::Star,
            Tok::Hole(k) => opaque(k).map_or_else(|| free(k), G::Opaque),
        })
        .collect();
    let b: Vec<G> = s
        .iter()
        .enumerate()
        .map(|(i, t)| match t {
            Sub::Char(c) => G::C(*c),
            Sub::Hole(k) => opaque(k).map_or_else(
                || match (name_hole(i), is_cfn_generated_name(k)) {
                    (true, true) => G::Gen,
                    (true, false) => G::Seg,
                    _ => free(k),
                },
                G::Opaque,
            ),
        })
        .collect();
    let (n, m) = (a.len(), b.len());
    if (n + 1).saturating_mul(m + 1) > MAX_CELLS {
        return Tri::Maybe;
    }
    let w = m + 1;
    let mut reach = vec![false; (n + 1) * w];
    reach[0] = true;
    for i in 0..=n {
        for j in 0..=m {
            if !reach[i * w + j] {
                continue;
            }
            let (pa, pb) = (a.get(i).copied(), b.get(j).copied());
            if pa == Some(G::Star) {
                reach[(i + 1) * w + j] = true;
                if pb.is_some() {
                    reach[i * w + j + 1] = true;
                }
            }
            if pb == Some(G::Star) {
                reach[i * w + j + 1] = true;
                if pa.is_some() {
                    reach[(i + 1) * w + j] = true;
                }
            }
            // What one character of a restricted hole may be: a segment holds no `:` or `/`;
            // a CloudFormation-generated name only `[A-Za-z0-9-]`.
            let eats = |hole: G, g: Option<G>| match (hole, g) {
                (_, Some(G::Any | G::Opaque(_))) => true,
                (G::Seg, Some(G::C(c))) => c != ':' && c != '/',
                (G::Gen, Some(G::C(c))) => c.is_ascii_alphanumeric() || c == '-',
                _ => false,
            };
            for hole in [G::Seg, G::Gen] {
                if pa == Some(hole) {
                    reach[(i + 1) * w + j] = true;
                    if eats(hole, pb) {
                        reach[i * w + j + 1] = true;
                    }
                }
                if pb == Some(hole) {
                    reach[i * w + j + 1] = true;
                    if eats(hole, pa) {
                        reach[(i + 1) * w + j] = true;
                    }
                }
            }
            if let (Some(x), Some(y)) = (pa, pb) {
                let ok = match (x, y) {
                    (G::C(c), G::C(d)) => c == d,
                    (G::Opaque(c), G::Opaque(d)) => c == d,
                    (G::Any, G::C(_) | G::Any | G::Opaque(_))
                    | (G::C(_) | G::Opaque(_), G::Any) => true,
                    _ => false,
                };
                if ok {
                    reach[(i + 1) * w + j + 1] = true;
                }
            }
        }
    }
    if reach[n * w + m] {
        Tri::Maybe
    } else {
        Tri::No
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod resource_prefix_tests {
    use super::*;

    /// The resource-part shortcut answers `No` only where the full intersection does.
    #[test]
    fn resource_prefix_shortcut_agrees_with_the_intersection() {
        let acct = Str::hole(crate::value::ACCOUNT_HOLE);
        let part = Str::hole(crate::value::PARTITION_HOLE);
        let arn = |name: &str| {
            Str::concat([
                &Str::lit("arn:"),
                &part,
                &Str::lit(":iam::"),
                &acct,
                &Str::lit(format!(":role/{name}")),
            ])
        };
        let subjects = [
            arn("team-1-ec2-1"),
            arn("team-10-x"),
            arn("path/team-1-y"),
            Str::lit("arn:aws:iam::123456789012:role/team-1-z"),
            Str::hole("var.role_arn"),
        ];
        let patterns = [
            "arn:aws:iam::*:role/team-1-*",
            "arn:*:iam::*:role/team-1*",
            "arn:aws:iam::123456789012:role/team-10-*",
            "arn:aws:iam::*:role/path/*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam:*:role/team-1-*",
            "*:role/team-1-*",
            "arn:aws:iam::???:role/x",
        ];
        let mut excluded = 0;
        for p in patterns {
            let g = Glob::new(&Str::lit(p), false);
            for s in &subjects {
                let sub = g.subject_tokens(s);
                if resource_prefix_excludes(&g.toks, &sub) {
                    excluded += 1;
                    assert_eq!(intersects(&g.toks, &sub), Tri::No, "{p} against {s}");
                    assert_eq!(g.matches(s), Tri::No);
                }
            }
        }
        assert!(excluded >= 6, "the shortcut was taken {excluded} times");
    }
}
