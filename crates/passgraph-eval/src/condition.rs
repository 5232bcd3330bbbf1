//! Condition operators, evaluated three-valued.
//!
//! A key the request does not fix is unknown, and so is the condition: `Maybe`. A key the
//! request lacks follows the AWS rules: false for positive operators, true for negated ones and
//! with `IfExists`; `Null` tests absence; `ForAllValues` is true on an empty set.

use std::net::IpAddr;

use passgraph_model::pattern::VarValue;
use passgraph_model::{Code, Condition, Diagnostic, Glob, Origin, Str, Tri};

use crate::context::{Context, CtxValue};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Base {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Numeric(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SetOp {
    Single,
    AnyValue,
    AllValues,
}

/// A condition with its operator parsed and its values compiled.
#[derive(Clone, Debug)]
pub struct CompiledCondition {
    /// The operator as written.
    pub operator: String,
    /// The key (lower-case).
    pub key: String,
    /// The values.
    pub values: Vec<Str>,
    /// Where the condition is.
    pub origin: Origin,
    base: Base,
    negated: bool,
    if_exists: bool,
    set: SetOp,
    vars: bool,
    globs: Vec<Glob>,
}

fn parse_operator(op: &str) -> Option<(SetOp, Base, bool, bool)> {
    let (set, rest) = if let Some(r) = op.strip_prefix("ForAnyValue:") {
        (SetOp::AnyValue, r)
    } else if let Some(r) = op.strip_prefix("ForAllValues:") {
        (SetOp::AllValues, r)
    } else {
        (SetOp::Single, op)
    };
    let (rest, if_exists) = match rest.strip_suffix("IfExists") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let (base, negated) = match rest {
        "StringEquals" => (Base::StringEquals, false),
        "StringNotEquals" => (Base::StringEquals, true),
        "StringEqualsIgnoreCase" => (Base::StringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (Base::StringEqualsIgnoreCase, true),
        "StringLike" => (Base::StringLike, false),
        "StringNotLike" => (Base::StringLike, true),
        "NumericEquals" => (Base::Numeric(Cmp::Eq), false),
        "NumericNotEquals" => (Base::Numeric(Cmp::Eq), true),
        "NumericLessThan" => (Base::Numeric(Cmp::Lt), false),
        "NumericLessThanEquals" => (Base::Numeric(Cmp::Le), false),
        "NumericGreaterThan" => (Base::Numeric(Cmp::Gt), false),
        "NumericGreaterThanEquals" => (Base::Numeric(Cmp::Ge), false),
        "DateEquals" => (Base::Date(Cmp::Eq), false),
        "DateNotEquals" => (Base::Date(Cmp::Eq), true),
        "DateLessThan" => (Base::Date(Cmp::Lt), false),
        "DateLessThanEquals" => (Base::Date(Cmp::Le), false),
        "DateGreaterThan" => (Base::Date(Cmp::Gt), false),
        "DateGreaterThanEquals" => (Base::Date(Cmp::Ge), false),
        "Bool" => (Base::Bool, false),
        "BinaryEquals" => (Base::Binary, false),
        "IpAddress" => (Base::Ip, false),
        "NotIpAddress" => (Base::Ip, true),
        "ArnEquals" | "ArnLike" => (Base::Arn, false),
        "ArnNotEquals" | "ArnNotLike" => (Base::Arn, true),
        "Null" if !if_exists => (Base::Null, false),
        _ => return None,
    };
    Some((set, base, negated, if_exists))
}

const PRINCIPAL_KEYS: &[&str] = &[
    "aws:username",
    "aws:userid",
    "aws:principalarn",
    "aws:principaltype",
    "aws:principalaccount",
];

impl CompiledCondition {
    /// Compiles a condition; an operator that is not known gives a diagnostic and a condition
    /// that is always unknown.
    #[must_use]
    pub fn compile(c: &Condition, vars: bool, diags: &mut Vec<Diagnostic>) -> CompiledCondition {
        let parsed = parse_operator(&c.operator);
        let (set, base, negated, if_exists) =
            parsed.unwrap_or((SetOp::Single, Base::Unknown, false, false));
        if parsed.is_none() {
            let what = if c.operator.is_empty() {
                "a condition that is not known offline".to_owned()
            } else {
                format!("unknown condition operator {:?}", c.operator)
            };
            diags.push(Diagnostic::warning(
                Code::UnknownOperator,
                format!("{what}; the condition is treated as unknown"),
                Some(c.origin.clone()),
            ));
        }
        let vars = vars && c.values.iter().any(|v| v.to_string().contains("${"));
        let globs = if vars {
            Vec::new()
        } else {
            compile_values(base, &c.values, None)
        };
        CompiledCondition {
            operator: c.operator.clone(),
            key: c.key.clone(),
            values: c.values.clone(),
            origin: c.origin.clone(),
            base,
            negated,
            if_exists,
            set,
            vars,
            globs,
        }
    }

    /// True when the outcome depends on who the principal is.
    #[must_use]
    pub fn principal_sensitive(&self) -> bool {
        self.vars
            || PRINCIPAL_KEYS.contains(&self.key.as_str())
            || self.key.starts_with("aws:principaltag/")
    }

    /// Evaluates against a context.
    #[must_use]
    pub fn eval(&self, ctx: &Context) -> Tri {
        if self.base == Base::Unknown || self.key.is_empty() {
            return Tri::Maybe;
        }
        let value = ctx.get(&self.key);
        if self.base == Base::Null {
            let wants_absent: Vec<Tri> = self
                .values
                .iter()
                .map(
                    |v| match v.as_known().map(str::to_ascii_lowercase).as_deref() {
                        Some("true") => Tri::Yes,
                        Some("false") => Tri::No,
                        _ => Tri::Maybe,
                    },
                )
                .collect();
            return match value {
                CtxValue::Unknown => Tri::Maybe,
                CtxValue::Absent => wants_absent.iter().fold(Tri::No, |a, b| a.or(*b)),
                CtxValue::Known(_) => wants_absent.iter().fold(Tri::No, |a, b| a.or(!*b)),
            };
        }
        match value {
            CtxValue::Unknown => Tri::Maybe,
            CtxValue::Absent => Tri::from_bool(match self.set {
                SetOp::AllValues => true,
                SetOp::AnyValue => false,
                SetOp::Single => self.if_exists || self.negated,
            }),
            CtxValue::Known(vals) => {
                let owned;
                let globs = if self.vars {
                    let lookup = |k: &str| ctx.variable(k);
                    owned = compile_values(self.base, &self.values, Some(&lookup));
                    &owned
                } else {
                    &self.globs
                };
                let one = |v: &str| {
                    let m = self.matches_any(globs, v);
                    if self.negated { !m } else { m }
                };
                match self.set {
                    SetOp::Single | SetOp::AnyValue => {
                        vals.iter().fold(Tri::No, |a, v| a.or(one(v)))
                    }
                    SetOp::AllValues => vals.iter().fold(Tri::Yes, |a, v| a.and(one(v))),
                }
            }
        }
    }

    fn matches_any(&self, globs: &[Glob], v: &str) -> Tri {
        match self.base {
            Base::StringEquals
            | Base::StringEqualsIgnoreCase
            | Base::StringLike
            | Base::Arn
            | Base::Binary => globs.iter().fold(Tri::No, |a, g| a.or(g.matches_str(v))),
            Base::Bool => self.values.iter().fold(Tri::No, |a, c| {
                a.or(c
                    .as_known()
                    .map_or(Tri::Maybe, |c| Tri::from_bool(c.eq_ignore_ascii_case(v))))
            }),
            Base::Numeric(cmp) => self
                .values
                .iter()
                .fold(Tri::No, |a, c| a.or(compare_num(cmp, c, v))),
            Base::Date(cmp) => self
                .values
                .iter()
                .fold(Tri::No, |a, c| a.or(compare_date(cmp, c, v))),
            Base::Ip => self.values.iter().fold(Tri::No, |a, c| {
                a.or(c.as_known().map_or(Tri::Maybe, |c| in_cidr(c, v)))
            }),
            Base::Null | Base::Unknown => Tri::Maybe,
        }
    }
}

fn compile_values(
    base: Base,
    values: &[Str],
    vars: Option<&dyn Fn(&str) -> VarValue>,
) -> Vec<Glob> {
    values
        .iter()
        .map(|v| match (base, vars) {
            // Equality: `*` and `?` are ordinary characters, variables or not.
            (Base::StringEquals | Base::Binary, None) => Glob::exact(v, false),
            (Base::StringEquals | Base::Binary, Some(f)) => Glob::exact_with_vars(v, false, f),
            (Base::StringEqualsIgnoreCase, None) => Glob::exact(v, true),
            (Base::StringEqualsIgnoreCase, Some(f)) => Glob::exact_with_vars(v, true, f),
            (_, f) => Glob::with_vars(v, false, f),
        })
        .collect()
}

fn ord(cmp: Cmp, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match cmp {
        Cmp::Eq => o == Equal,
        Cmp::Lt => o == Less,
        Cmp::Le => o != Greater,
        Cmp::Gt => o == Greater,
        Cmp::Ge => o != Less,
    }
}

/// Condition value `c` (policy side) against request value `v`: is `v <cmp> c`?
fn compare_num(cmp: Cmp, c: &Str, v: &str) -> Tri {
    let Some(c) = c.as_known() else {
        return Tri::Maybe;
    };
    match (v.trim().parse::<f64>(), c.trim().parse::<f64>()) {
        (Ok(a), Ok(b)) => a
            .partial_cmp(&b)
            .map_or(Tri::No, |o| Tri::from_bool(ord(cmp, o))),
        _ => Tri::No,
    }
}

fn compare_date(cmp: Cmp, c: &Str, v: &str) -> Tri {
    let Some(c) = c.as_known() else {
        return Tri::Maybe;
    };
    match (v.trim().parse::<f64>(), c.trim().parse::<f64>()) {
        (Ok(a), Ok(b)) => a
            .partial_cmp(&b)
            .map_or(Tri::No, |o| Tri::from_bool(ord(cmp, o))),
        // ISO 8601 timestamps in the same form compare as text.
        _ => Tri::from_bool(ord(cmp, v.trim().cmp(c.trim()))),
    }
}

fn in_cidr(cidr: &str, v: &str) -> Tri {
    let (net, len) = match cidr.split_once('/') {
        Some((n, l)) => (n, l.parse::<u32>().ok()),
        None => (cidr, None),
    };
    let (Ok(net), Ok(ip)) = (net.trim().parse::<IpAddr>(), v.trim().parse::<IpAddr>()) else {
        return Tri::No;
    };
    let to_bits = |a: IpAddr| match a {
        IpAddr::V4(x) => (u128::from(u32::from(x)) << 96, 32u32),
        IpAddr::V6(x) => (u128::from(x), 128u32),
    };
    let ((n, nw), (i, iw)) = (to_bits(net), to_bits(ip));
    if nw != iw {
        return Tri::No;
    }
    let len = len.unwrap_or(nw).min(nw);
    let mask = if len == 0 {
        0
    } else {
        u128::MAX << (128 - len)
    };
    Tri::from_bool(n & mask == i & mask)
}
