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

use crate::tri::Tri;
use crate::value::{Charset, Hole, HoleClass, Part, Str};

/// A token of a compiled pattern as stored: four bytes, a character each. A character is its
/// scalar value; `*`, `?` and a hole (an index into [`Glob`]'s holes, which are rare) are the
/// values above `char::MAX`. A large account's patterns hold about a million characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Code(u32);

impl Code {
    const STAR: Code = Code(0x11_0000);
    const QUEST: Code = Code(0x11_0001);
    const HOLE_0: u32 = 0x11_0002;

    fn char(c: char) -> Code {
        Code(u32::from(c))
    }
}

/// A token of a compiled pattern, as read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok<'a> {
    Char(char),
    Star,
    Quest,
    Hole(&'a Hole),
}

/// A compiled pattern's tokens, read through [`Toks::get`].
#[derive(Clone, Copy)]
struct Toks<'a> {
    codes: &'a [Code],
    holes: &'a [Hole],
}

impl<'a> Toks<'a> {
    fn len(self) -> usize {
        self.codes.len()
    }

    fn get(self, i: usize) -> Tok<'a> {
        match self.codes[i] {
            Code::STAR => Tok::Star,
            Code::QUEST => Tok::Quest,
            Code(c) => match char::from_u32(c) {
                Some(c) => Tok::Char(c),
                None => Tok::Hole(&self.holes[(c - Code::HOLE_0) as usize]),
            },
        }
    }

    fn is_star(self, i: usize) -> bool {
        self.codes[i] == Code::STAR
    }

    /// True when every token from `i` on is `*`.
    fn stars_from(self, i: usize) -> bool {
        self.codes[i..].iter().all(|c| *c == Code::STAR)
    }

    fn iter(self) -> impl Iterator<Item = Tok<'a>> {
        (0..self.len()).map(move |i| self.get(i))
    }
}

/// A token of a subject.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Sub {
    Char(char),
    Hole(Hole),
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
    toks: Vec<Code>,
    /// The holes the tokens refer to, in order.
    holes: Vec<Hole>,
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
        let mut g = Glob::empty(value, case_insensitive);
        for part in value.parts() {
            match part {
                Part::Hole(k) => g.push_hole(k.clone()),
                Part::Lit(text) => text.chars().for_each(|c| g.push_char(c)),
            }
        }
        g.toks.shrink_to_fit();
        g
    }

    /// No tokens yet, with room for one per byte of `value`'s text and one per hole.
    fn empty(value: &Str, case_insensitive: bool) -> Glob {
        let room = value
            .parts()
            .iter()
            .map(|p| match p {
                Part::Lit(text) => text.len(),
                Part::Hole(_) => 1,
            })
            .sum();
        Glob {
            toks: Vec::with_capacity(room),
            holes: Vec::new(),
            case_insensitive,
            never: false,
            has_holes: false,
        }
    }

    fn push_hole(&mut self, hole: Hole) {
        self.has_holes = true;
        let i =
            u32::try_from(self.holes.len()).map_or(u32::MAX, |i| i.saturating_add(Code::HOLE_0));
        self.toks.push(Code(i));
        self.holes.push(hole);
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
        let mut g = Glob::empty(pattern, case_insensitive);
        for part in pattern.parts() {
            match part {
                Part::Hole(k) => g.push_hole(k.clone()),
                Part::Lit(text) => g.push_literal(text, vars, wildcards),
            }
        }
        g.toks.shrink_to_fit();
        g
    }

    fn push_char(&mut self, c: char) {
        if self.case_insensitive {
            for l in c.to_lowercase() {
                self.toks.push(Code::char(l));
            }
        } else {
            self.toks.push(Code::char(c));
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
                '*' if wildcards => self.toks.push(Code::STAR),
                '?' if wildcards => self.toks.push(Code::QUEST),
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
                self.push_hole(Hole::free(format!("var:{key}")));
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
        self.tokens()
            .iter()
            .map_while(|t| match t {
                Tok::Char(c) => Some(c),
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
        let mut it = self.tokens().iter();
        if n > 0 {
            for t in it.by_ref() {
                if t == Tok::Char(sep) {
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
                Tok::Char(c) => Some(c),
                _ => None,
            })
            .collect(),
        )
    }

    /// True for a pattern that is a lone `*`.
    #[must_use]
    pub fn is_match_all(&self) -> bool {
        !self.never && self.tokens().stars_from(0) && !self.toks.is_empty()
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
        if definite(self.tokens(), &sub) {
            return Tri::Yes;
        }
        if !self.has_holes && !subject_has_holes {
            return Tri::No;
        }
        if resource_prefix_excludes(self.tokens(), &sub) {
            return Tri::No;
        }
        intersects(self.tokens(), &sub)
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
        // A pattern without holes: a code is a character, `*` or `?`.
        let eq = |t: Code, b: u8| {
            t == Code::QUEST || {
                let b = if ci { b.to_ascii_lowercase() } else { b };
                t.0 == u32::from(b)
            }
        };
        let p = &self.toks;
        let (mut pi, mut si) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while si < s.len() {
            if pi < p.len() && p[pi] != Code::STAR && eq(p[pi], s[si]) {
                pi += 1;
                si += 1;
            } else if pi < p.len() && p[pi] == Code::STAR {
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
        Some(Tri::from_bool(self.tokens().stars_from(pi)))
    }

    fn tokens(&self) -> Toks<'_> {
        Toks {
            codes: &self.toks,
            holes: &self.holes,
        }
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
fn tok_eq(p: Tok<'_>, s: &Sub) -> bool {
    match (p, s) {
        (Tok::Char(a), Sub::Char(b)) => a == *b,
        (Tok::Quest, Sub::Char(_)) => true,
        (Tok::Hole(a), Sub::Hole(b)) => a == b,
        _ => false,
    }
}

/// True for holes that stand within one ARN segment (an account, partition or region, a
/// name): their class admits neither `:` nor `/`.
fn is_segment_hole(k: &Hole) -> bool {
    !k.class().admits(':') && !k.class().admits('/')
}

/// True when an ARN pattern cannot match an ARN subject by their resource parts alone: the
/// subject's only `:` are its five separators (holes before them are segment holes, which hold
/// no `:`; its resource part is literal), the pattern has five literal `:`, and the literal
/// text right after the pattern's fifth is not a prefix of the subject's resource part. A
/// pattern's literal `:` can match only a subject `:`, in order, so the fifth meets the fifth.
/// This spares the quadratic intersection for the many roles a pattern does not name when the
/// account is a hole on both sides (templates, Terraform folders).
fn resource_prefix_excludes(p: Toks<'_>, s: &[Sub]) -> bool {
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
        .codes
        .iter()
        .enumerate()
        .filter(|(_, t)| **t == Code::char(':'))
        .nth(4)
        .map(|(i, _)| i)
    else {
        return false;
    };
    let mut rest = resource.iter();
    for t in p.iter().skip(fifth + 1) {
        let Tok::Char(c) = t else { break };
        match rest.next() {
            Some(Sub::Char(x)) if *x == c => {}
            _ => return true,
        }
    }
    false
}

/// The classic linear-time wildcard match with one backtrack point: a definite match treats
/// every subject hole as one opaque token that only `*` or the same hole can cover.
fn definite(p: Toks<'_>, s: &[Sub]) -> bool {
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && !p.is_star(pi) && tok_eq(p.get(pi), &s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p.is_star(pi) {
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
    p.stars_from(pi)
}

/// Whether some string is matched by both sides.
///
/// First with every hole that occurs on both sides read as one value (an opaque symbol that
/// only itself or a `*` can cover); when that finds no match, again with such holes free,
/// because the same value may line up at different places. A free hole reads as what its class
/// allows (see [`HoleClass`]): free text as `*`; an account id as twelve digits; a partition,
/// region, number or name as at least its least length of its characters. In an ARN subject, a
/// free-text hole that ends the subject after its last `/` (the generated part of an IAM name)
/// holds no `:` or `/`. Greatest lengths other than a fixed one are not used (sound: only more
/// `Maybe`).
fn intersects(p: Toks<'_>, s: &[Sub]) -> Tri {
    let shared = p
        .holes
        .iter()
        .any(|k| s.iter().any(|x| matches!(x, Sub::Hole(j) if j == k)));
    match intersects_with(p, s, true) {
        Tri::No if shared => intersects_with(p, s, false),
        t => t,
    }
}

/// A token of the intersection automaton.
#[derive(Clone, Copy, PartialEq)]
enum G {
    C(char),
    Opaque(usize),
    Any,
    Star,
    /// Exactly one character of a class.
    One(HoleClass),
    /// Any number of characters of a class.
    Run(HoleClass),
}

/// The class a free-text hole has where it ends an IAM name in an ARN.
const NAME_TAIL: HoleClass = HoleClass::Name {
    charset: Charset::Segment,
    max_len: u16::MAX,
};

/// Pushes what a free hole of `class` reads as.
fn expand(out: &mut Vec<G>, class: HoleClass) {
    if class == HoleClass::Free {
        out.push(G::Star);
        return;
    }
    let (min, max) = class.length();
    out.extend(std::iter::repeat_n(G::One(class), min));
    if max != Some(min) {
        out.push(G::Run(class));
    }
}

/// True when some character belongs to both classes.
fn overlap(a: HoleClass, b: HoleClass) -> bool {
    a == b || (' '..='~').chain(['é']).any(|c| a.admits(c) && b.admits(c))
}

/// True when one character of `class` can stand where `g` stands.
fn admits(class: HoleClass, g: G) -> bool {
    match g {
        G::C(c) => class.admits(c),
        G::Any | G::Opaque(_) | G::Star => true,
        G::One(k) | G::Run(k) => overlap(class, k),
    }
}

fn intersects_with(p: Toks<'_>, s: &[Sub], align: bool) -> Tri {
    let shared: Vec<&Hole> = p
        .holes
        .iter()
        .filter(|k| align && s.iter().any(|x| matches!(x, Sub::Hole(j) if j == *k)))
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
    let opaque = |k: &Hole| shared.iter().position(|x| *x == k);
    let mut a: Vec<G> = Vec::with_capacity(p.len());
    for t in p.iter() {
        match t {
            Tok::Char(c) => a.push(G::C(c)),
            Tok::Quest => a.push(G::Any),
            Tok::Star => a.push(G::Star),
            Tok::Hole(k) => match opaque(k) {
                Some(o) => a.push(G::Opaque(o)),
                None => expand(&mut a, k.class()),
            },
        }
    }
    let mut b: Vec<G> = Vec::with_capacity(s.len());
    for (i, t) in s.iter().enumerate() {
        match t {
            Sub::Char(c) => b.push(G::C(*c)),
            Sub::Hole(k) => match opaque(k) {
                Some(o) => b.push(G::Opaque(o)),
                None if k.class() == HoleClass::Free && name_hole(i) => b.push(G::Run(NAME_TAIL)),
                None => expand(&mut b, k.class()),
            },
        }
    }
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
            // `*` and runs may be empty, or take the other side's next token.
            match pa {
                Some(G::Star) => {
                    reach[(i + 1) * w + j] = true;
                    if pb.is_some() {
                        reach[i * w + j + 1] = true;
                    }
                }
                Some(G::Run(k)) => {
                    reach[(i + 1) * w + j] = true;
                    if pb.is_some_and(|g| admits(k, g)) {
                        reach[i * w + j + 1] = true;
                    }
                }
                _ => {}
            }
            match pb {
                Some(G::Star) => {
                    reach[i * w + j + 1] = true;
                    if pa.is_some() {
                        reach[(i + 1) * w + j] = true;
                    }
                }
                Some(G::Run(k)) => {
                    reach[i * w + j + 1] = true;
                    if pa.is_some_and(|g| admits(k, g)) {
                        reach[(i + 1) * w + j] = true;
                    }
                }
                _ => {}
            }
            if let (Some(x), Some(y)) = (pa, pb) {
                let ok = match (x, y) {
                    (G::C(c), G::C(d)) => c == d,
                    (G::Opaque(c), G::Opaque(d)) => c == d,
                    (G::Any, G::C(_) | G::Any | G::Opaque(_) | G::One(_))
                    | (G::C(_) | G::Opaque(_) | G::One(_), G::Any)
                    | (G::Opaque(_), G::One(_))
                    | (G::One(_), G::Opaque(_)) => true,
                    (G::One(k), g) | (g, G::One(k)) => {
                        matches!(g, G::C(_) | G::One(_)) && admits(k, g)
                    }
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
                if resource_prefix_excludes(g.tokens(), &sub) {
                    excluded += 1;
                    assert_eq!(intersects(g.tokens(), &sub), Tri::No, "{p} against {s}");
                    assert_eq!(g.matches(s), Tri::No);
                }
            }
        }
        assert!(excluded >= 6, "the shortcut was taken {excluded} times");
    }
}
