//! Conditions: the `Conditions` section, `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` and
//! `Condition`, evaluated in three-valued logic (a condition on a value not known offline is
//! `Maybe`).

use passgraph_model::{Code, Node, NodeKind, Origin, Tri};

use super::{Ctx, intrinsic};

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
