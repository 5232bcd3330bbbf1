//! Conditions: the `Conditions` section, `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` and
//! `Condition`, evaluated in three-valued logic (a condition on a value not known offline is
//! `Maybe`).

use passgraph_model::{Code, Node, NodeKind, Origin, Str, Tri};

use super::{Ctx, intrinsic};
use crate::exists::Formula;

impl Ctx<'_> {
    /// The truth of a named condition of the `Conditions` section.
    pub(crate) fn condition(&mut self, name: &str, origin: &Origin) -> Tri {
        if let Some(t) = self.conds.get(name) {
            return *t;
        }
        let Some(node) = self.tpl.conditions.get(name) else {
            self.warn(
                Code::UnresolvedReference,
                format!("condition {name} is not defined in Conditions"),
                origin,
            );
            return Tri::Maybe;
        };
        if !self.cond_busy.insert(name.to_owned()) {
            self.warn(
                Code::Shape,
                format!("condition {name} depends on itself"),
                origin,
            );
            return Tri::Maybe;
        }
        let node = node.clone();
        let t = self.eval_condition(&node);
        self.cond_busy.remove(name);
        self.conds.insert(name.to_owned(), t);
        t
    }

    /// Evaluates a condition function (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`).
    pub(crate) fn eval_condition(&mut self, node: &Node) -> Tri {
        if !self.enter(&node.origin) {
            return Tri::Maybe;
        }
        let t = self.eval_condition_inner(node);
        self.depth -= 1;
        t
    }

    pub(super) fn eval_condition_inner(&mut self, node: &Node) -> Tri {
        if let [(k, _, v)] = node.entries()
            && k.as_known() == Some("Condition")
        {
            return match v.as_known_str() {
                Some(name) => self.condition(name, &v.origin),
                None => {
                    self.warn(
                        Code::Shape,
                        "Condition needs the name of a condition".to_owned(),
                        &v.origin,
                    );
                    Tri::Maybe
                }
            };
        }
        match &node.kind {
            NodeKind::Bool(b) => return Tri::from_bool(*b),
            NodeKind::String(s) if s.as_known() == Some("true") => return Tri::Yes,
            NodeKind::String(s) if s.as_known() == Some("false") => return Tri::No,
            _ => {}
        }
        let Some((name, _, arg)) = intrinsic(node) else {
            self.warn(
                Code::Shape,
                format!(
                    "a condition must be a condition function, found {}",
                    node.kind_name()
                ),
                &node.origin,
            );
            return Tri::Maybe;
        };
        match name {
            "Fn::Equals" => match arg.items() {
                [a, b] => {
                    let a = self.resolve(a);
                    let b = self.resolve(b);
                    match (a, b) {
                        (Some(a), Some(b)) => equal(&a, &b),
                        _ => Tri::Maybe,
                    }
                }
                _ => {
                    self.warn(
                        Code::Shape,
                        "Fn::Equals needs a list of two values".to_owned(),
                        &arg.origin,
                    );
                    Tri::Maybe
                }
            },
            "Fn::And" | "Fn::Or" => {
                let and = name == "Fn::And";
                let mut acc = Tri::from_bool(and);
                for c in arg.items() {
                    let t = self.eval_condition(c);
                    acc = if and { acc.and(t) } else { acc.or(t) };
                }
                if arg.items().is_empty() {
                    self.warn(
                        Code::Shape,
                        format!("{name} needs a list of conditions"),
                        &arg.origin,
                    );
                    return Tri::Maybe;
                }
                acc
            }
            "Fn::Not" => match arg.items() {
                [c] => !self.eval_condition(c),
                _ => {
                    self.warn(
                        Code::Shape,
                        "Fn::Not needs a list of one condition".to_owned(),
                        &arg.origin,
                    );
                    Tri::Maybe
                }
            },
            "Fn::If" => match self.resolve(node) {
                Some(v) => match v.kind {
                    NodeKind::Bool(b) => Tri::from_bool(b),
                    _ => Tri::Maybe,
                },
                None => Tri::Maybe,
            },
            other => {
                self.warn(
                    Code::Shape,
                    format!("{other} is not a condition function"),
                    &node.origin,
                );
                Tri::Maybe
            }
        }
    }
}

/// Three-valued equality of two resolved values, compared as CloudFormation does: as text.
pub(super) fn equal(a: &Node, b: &Node) -> Tri {
    match (&a.kind, &b.kind) {
        (NodeKind::Choice(alts), _) => all_same(alts.iter().map(|x| equal(x, b))),
        (_, NodeKind::Choice(alts)) => all_same(alts.iter().map(|y| equal(a, y))),
        (NodeKind::Unknown(x), NodeKind::Unknown(y)) if x == y => Tri::Yes,
        (NodeKind::Unknown(_), _) | (_, NodeKind::Unknown(_)) => Tri::Maybe,
        (NodeKind::Array(x), NodeKind::Array(y)) => {
            if x.len() != y.len() {
                return Tri::No;
            }
            x.iter()
                .zip(y)
                .fold(Tri::Yes, |acc, (p, q)| acc.and(equal(p, q)))
        }
        _ => match (a.scalar_text(), b.scalar_text()) {
            (Some(x), Some(y)) => match (x.as_known(), y.as_known()) {
                (Some(p), Some(q)) => Tri::from_bool(p == q),
                _ if x == y => Tri::Yes,
                _ => Tri::Maybe,
            },
            (None, None) if matches!((&a.kind, &b.kind), (NodeKind::Null, NodeKind::Null)) => {
                Tri::Yes
            }
            _ => Tri::No,
        },
    }
}

pub(super) fn all_same(mut it: impl Iterator<Item = Tri>) -> Tri {
    let Some(first) = it.next() else {
        return Tri::Maybe;
    };
    if it.all(|t| t == first) {
        first
    } else {
        Tri::Maybe
    }
}

/// Largest formula kept for a condition; a larger one is an opaque atom.
const MAX_FORMULA: usize = 256;

/// What an atom of a [`Formula`] stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum AtomKey {
    /// `Fn::Equals` of two scalar values that cannot be decided (in either order): equal
    /// values give the same truth wherever they are compared.
    Equals(Str, Str),
    /// Anything else that cannot be decided, by what names it.
    Other(String),
}

impl Ctx<'_> {
    pub(crate) fn atom(&mut self, key: AtomKey) -> Formula {
        let n = u32::try_from(self.atoms.len()).unwrap_or(u32::MAX);
        Formula::Atom(*self.atoms.entry(key).or_insert(n))
    }

    /// An atom independent of every other: an unknown whose source is not tracked.
    pub(crate) fn fresh(&mut self) -> Formula {
        let key = AtomKey::Other(format!("fresh#{}", self.atoms.len()));
        self.atom(key)
    }

    /// A named condition as a formula: a constant when [`Ctx::condition`] decides it, else its
    /// definition over the comparisons that cannot be decided. Gives no diagnostics of its own
    /// (those of the condition are given by [`Ctx::condition`]).
    pub(crate) fn condition_formula(&mut self, name: &str, origin: &Origin) -> Formula {
        let opaque = AtomKey::Other(format!("condition:{name}"));
        if !self.tpl.conditions.contains_key(name) {
            return self.atom(opaque);
        }
        match self.condition(name, origin) {
            Tri::Yes => return Formula::Const(true),
            Tri::No => return Formula::Const(false),
            Tri::Maybe => {}
        }
        if let Some(f) = self.formulas.get(name) {
            return f.clone();
        }
        let node = match self.tpl.conditions.get(name) {
            Some(n) if self.formula_busy.insert(name.to_owned()) => n.clone(),
            _ => return self.atom(opaque),
        };
        let (quiet, n) = (self.quiet, self.diags.len());
        self.quiet = true;
        let f = self.formula(&node);
        self.quiet = quiet;
        self.diags.truncate(n);
        self.formula_busy.remove(name);
        let f = if f.size() > MAX_FORMULA {
            self.atom(opaque)
        } else {
            f
        };
        self.formulas.insert(name.to_owned(), f.clone());
        f
    }

    fn formula(&mut self, node: &Node) -> Formula {
        if !self.enter(&node.origin) {
            return self.fresh();
        }
        let f = self.formula_inner(node);
        self.depth -= 1;
        f
    }

    fn formula_inner(&mut self, node: &Node) -> Formula {
        if let [(k, _, v)] = node.entries()
            && k.as_known() == Some("Condition")
            && let Some(name) = v.as_known_str()
        {
            return self.condition_formula(name, &v.origin);
        }
        if let Some((func, _, arg)) = intrinsic(node) {
            match (func, arg.items()) {
                ("Fn::And" | "Fn::Or", items @ [_, ..]) => {
                    let and = func == "Fn::And";
                    let mut acc = Formula::Const(and);
                    for c in items {
                        let f = self.formula(c);
                        acc = if and { acc.and(f) } else { acc.or(f) };
                    }
                    return acc;
                }
                ("Fn::Not", [c]) => return self.formula(c).negate(),
                ("Fn::Equals", [a, b]) => {
                    if let (Some(a), Some(b)) = (self.resolve(a), self.resolve(b)) {
                        match equal(&a, &b) {
                            Tri::Yes => return Formula::Const(true),
                            Tri::No => return Formula::Const(false),
                            Tri::Maybe => {
                                if let (Some(x), Some(y)) = (a.scalar_text(), b.scalar_text()) {
                                    let key = if x <= y {
                                        AtomKey::Equals(x, y)
                                    } else {
                                        AtomKey::Equals(y, x)
                                    };
                                    return self.atom(key);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        match self.eval_condition(node) {
            Tri::Yes => Formula::Const(true),
            Tri::No => Formula::Const(false),
            Tri::Maybe => {
                let r = node.origin.range;
                self.atom(AtomKey::Other(format!("at:{}-{}", r.start, r.end)))
            }
        }
    }
}
