//! Values unknown until apply, reconstructed from the plan's `configuration`.
//!
//! Plan JSON omits a value that is unknown at plan time and marks it in `after_unknown`. The
//! configuration keeps, per argument, either a `constant_value` or the list of `references`
//! the expression makes (never the expression itself). When an unknown argument references
//! exactly one thing that is itself unknown at plan time (`policy_arn = aws_iam_policy.x.arn`),
//! the argument is that thing, and its value can be synthesised (an ARN from the policy's
//! name, path and account). Anything else stays a hole, with a diagnostic.
//!
//! The guard "the referenced value is itself unknown at plan time" matters: an argument that
//! is unknown although its only reference is known cannot be that reference alone (it is a
//! template or a function of it), so the reference's value must not be taken for it.

use std::sync::Arc;

use passgraph_model::arn::iam_arn;
use passgraph_model::value::{ACCOUNT_HOLE, Charset, HoleClass};
use passgraph_model::{Code, Diagnostic, Str, TextRange};

use crate::address::{InstKey, Step, join, module_path, steps};
use crate::json::{Kind, Val};
use crate::plan::{Action, Instance, Reader};

/// Deepest chain of references followed (variables, module outputs, names built from names).
const MAX_REF_DEPTH: usize = 24;

/// What a value is wanted for, to pick an attribute when a reference names a whole resource
/// (`aws_iam_role.r[each.key]` reaches the plan as the references `aws_iam_role.r`, `each.key`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Want {
    /// A role, user, group or instance profile name.
    Name,
    /// An ARN.
    Arn,
    /// A policy document.
    Doc,
    /// Anything: a whole-resource reference stays unknown.
    Any,
}

/// A position in an instance's values, with the mirrors that mark unknown and sensitive leaves.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Cursor<'a> {
    v: Option<Val<'a>>,
    u: Option<Val<'a>>,
    s: Option<Val<'a>>,
}

/// What a cursor points at.
#[derive(Clone, Copy, Debug)]
pub(crate) enum State<'a> {
    /// A value known at plan time.
    Known(Val<'a>),
    /// Null or absent.
    Null,
    /// Known only after apply (or sensitive and hidden).
    Unknown,
}

fn mirror_field<'a>(m: Option<Val<'a>>, name: &str) -> Option<Val<'a>> {
    let m = m?;
    match m.kind() {
        Kind::Object => m.get(name),
        // `true` for a whole collection covers everything below it.
        Kind::Bool => Some(m),
        _ => None,
    }
}

fn mirror_index(m: Option<Val<'_>>, i: usize) -> Option<Val<'_>> {
    let m = m?;
    match m.kind() {
        Kind::Array => m.index(i),
        Kind::Bool => Some(m),
        _ => None,
    }
}

impl<'a> Cursor<'a> {
    /// The top of an instance.
    pub(crate) fn of(inst: &Instance<'a>) -> Cursor<'a> {
        Cursor {
            v: inst.values,
            u: inst.unknown,
            s: inst.sensitive,
        }
    }

    /// An attribute.
    pub(crate) fn field(&self, name: &str) -> Cursor<'a> {
        Cursor {
            v: self
                .v
                .filter(|v| v.kind() == Kind::Object)
                .and_then(|v| v.get(name)),
            u: mirror_field(self.u, name),
            s: mirror_field(self.s, name),
        }
    }

    /// A list element.
    pub(crate) fn index(&self, i: usize) -> Cursor<'a> {
        Cursor {
            v: self
                .v
                .filter(|v| v.kind() == Kind::Array)
                .and_then(|v| v.index(i)),
            u: mirror_index(self.u, i),
            s: mirror_index(self.s, i),
        }
    }

    /// What the cursor points at.
    pub(crate) fn state(&self) -> State<'a> {
        if self.u.and_then(|u| u.as_bool()) == Some(true) {
            return State::Unknown;
        }
        match self.v {
            Some(v) if !v.is_null() => State::Known(v),
            _ if self.s.and_then(|s| s.as_bool()) == Some(true) => State::Unknown,
            _ => State::Null,
        }
    }

    /// The elements of a known list (with their mirrors), or nothing. One pass over each of
    /// the three lists, so long lists cost linear time.
    pub(crate) fn items(&self) -> Vec<Cursor<'a>> {
        let State::Known(v) = self.state() else {
            return Vec::new();
        };
        if v.kind() != Kind::Array {
            return Vec::new();
        }
        let mirror = |m: Option<Val<'a>>| -> (Vec<Val<'a>>, Option<Val<'a>>) {
            match m {
                Some(m) if m.kind() == Kind::Array => (m.items().collect(), None),
                // `true` covers every element alike.
                Some(m) if m.kind() == Kind::Bool => (Vec::new(), Some(m)),
                _ => (Vec::new(), None),
            }
        };
        let (us, u_all) = mirror(self.u);
        let (ss, s_all) = mirror(self.s);
        v.items()
            .enumerate()
            .map(|(i, item)| Cursor {
                v: Some(item),
                u: us.get(i).copied().or(u_all),
                s: ss.get(i).copied().or(s_all),
            })
            .collect()
    }

    /// The known value's position, if any.
    pub(crate) fn range(&self) -> Option<TextRange> {
        self.v.map(|v| v.range())
    }
}

/// An argument of a resource: its value cursor and its configuration expression.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field<'a> {
    pub(crate) cur: Cursor<'a>,
    /// The configuration at this path: an expression object, or a list of block objects.
    pub(crate) expr: Option<Val<'a>>,
    /// The position to report: the value when known, else the resource address.
    pub(crate) range: TextRange,
}

impl<'a> Field<'a> {
    /// An attribute.
    pub(crate) fn field(&self, name: &str) -> Field<'a> {
        let cur = self.cur.field(name);
        let expr = self.expr.and_then(|e| match e.kind() {
            Kind::Object => e.get(name),
            // A single block given as a list of one.
            Kind::Array if e.items().count() == 1 => e.index(0).and_then(|b| b.get(name)),
            _ => None,
        });
        Field {
            cur,
            expr,
            range: cur.range().unwrap_or(self.range),
        }
    }

    /// The elements of a list (blocks or values), each with the configuration block that
    /// matches it when that is clear (one block, or as many blocks as elements in a list).
    pub(crate) fn items(&self) -> Vec<Field<'a>> {
        let items = self.cur.items();
        let blocks: Vec<Val<'a>> = self
            .expr
            .filter(|e| e.kind() == Kind::Array)
            .map(|e| e.items().collect())
            .unwrap_or_default();
        items
            .iter()
            .enumerate()
            .map(|(i, cur)| {
                let expr = if blocks.len() == 1 {
                    blocks.first().copied()
                } else if blocks.len() == items.len() {
                    blocks.get(i).copied()
                } else {
                    None
                };
                Field {
                    cur: *cur,
                    expr,
                    range: cur.range().unwrap_or(self.range),
                }
            })
            .collect()
    }
}

/// Where references are resolved: a module instance and the instance key of the referrer.
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    pub(crate) module: String,
    pub(crate) module_path: String,
    /// `each.key` / `count.index` of the referrer.
    pub(crate) key: Option<InstKey>,
    /// The address of the resource whose argument is being resolved.
    pub(crate) owner: Arc<str>,
}

impl Scope {
    pub(crate) fn of(inst: &Instance<'_>) -> Scope {
        Scope {
            module: inst.parsed.module.clone(),
            module_path: inst.parsed.module_path.clone(),
            key: inst.parsed.key.clone(),
            owner: inst.address.clone(),
        }
    }
}

/// What a reference resolves to.
#[derive(Clone, Debug)]
pub(crate) enum Resolved<'a> {
    /// A value known at plan time, with the address of the resource it belongs to.
    Known(Val<'a>, Arc<str>),
    /// A value known only after apply: synthesised, or a hole.
    Later(Str),
    /// The document of a policy document data source, to be rendered (its `json` is unknown).
    DataDoc(usize),
    /// Null.
    Null,
}

impl Resolved<'_> {
    /// True when the value is not known at plan time.
    pub(crate) fn is_later(&self) -> bool {
        matches!(self, Resolved::Later(_) | Resolved::DataDoc(_))
    }
}

/// The references of an expression, reduced to the leaves (`aws_iam_policy.x.arn`, not its
/// prefix `aws_iam_policy.x`), and whether it uses `each`/`count`.
pub(crate) fn leaves(expr: Val<'_>) -> (Vec<String>, bool) {
    let refs: Vec<String> = expr
        .get("references")
        .map(|r| {
            r.items()
                .filter_map(|i| i.as_str().map(|s| s.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let contextual = |r: &str| {
        ["each", "count", "self", "path", "terraform"]
            .iter()
            .any(|p| r == *p || r.starts_with(&format!("{p}.")))
    };
    let uses_each = refs
        .iter()
        .any(|r| r.starts_with("each.") || r.starts_with("count."));
    let mut out: Vec<String> = Vec::new();
    for r in &refs {
        if contextual(r) {
            continue;
        }
        let is_prefix = refs.iter().any(|o| {
            o.len() > r.len()
                && o.starts_with(r.as_str())
                && matches!(o.as_bytes().get(r.len()), Some(b'.' | b'['))
        });
        if !is_prefix && !out.contains(r) {
            out.push(r.clone());
        }
    }
    (out, uses_each)
}

/// Splits a module instance into its parent and its last call: `module.a.module.b[0]` →
/// (`module.a`, `b`, `[0]`).
fn split_module(module: &str) -> Option<(String, String, Option<InstKey>)> {
    let st = steps(module)?;
    let mut parts: Vec<(String, Option<InstKey>)> = Vec::new();
    let mut it = st.into_iter().peekable();
    while let Some(s) = it.next() {
        let Step::Name(m) = s else { return None };
        if m != "module" {
            return None;
        }
        let Some(Step::Name(name)) = it.next() else {
            return None;
        };
        let key = match it.peek() {
            Some(Step::Key(_)) => match it.next() {
                Some(Step::Key(k)) => Some(k),
                _ => None,
            },
            _ => None,
        };
        parts.push((name, key));
    }
    let (name, key) = parts.pop()?;
    let parent = parts
        .iter()
        .map(|(n, k)| {
            format!(
                "module.{n}{}",
                k.as_ref().map(ToString::to_string).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(".");
    Some((parent, name, key))
}

/// Follows a traversal into a known JSON value.
fn navigate<'a>(mut v: Val<'a>, rest: &[Step]) -> Option<Val<'a>> {
    for s in rest {
        v = match s {
            Step::Name(n) | Step::Key(InstKey::Str(n)) => v.get(n)?,
            Step::Key(InstKey::Int(i)) => v.index(usize::try_from(*i).ok()?)?,
        };
    }
    Some(v)
}

fn path_text(path: &[Step]) -> String {
    let mut s = String::new();
    for p in path {
        match p {
            Step::Name(n) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(n);
            }
            Step::Key(k) => s.push_str(&k.to_string()),
        }
    }
    s
}

pub(crate) use passgraph_terraform::names::arn_kind;

impl<'a> Reader<'a> {
    /// Records why a hole exists, once per hole.
    pub(crate) fn explain(
        &mut self,
        key: &str,
        message: String,
        range: TextRange,
        owner: &Arc<str>,
    ) {
        if self.explained.insert(key.to_owned()) {
            let origin = self.origin(range, owner);
            self.diags.push(Diagnostic::warning(
                Code::UnknownValue,
                message,
                Some(origin),
            ));
        }
    }

    /// A hole for an argument that cannot be reconstructed.
    pub(crate) fn hole(
        &mut self,
        key: String,
        why: &str,
        range: TextRange,
        owner: &Arc<str>,
    ) -> Str {
        self.explain(
            &key,
            format!("{key} is not known until apply{why}"),
            range,
            owner,
        );
        Str::hole(key)
    }

    /// Resolves a configuration expression in a scope.
    pub(crate) fn resolve_expr(
        &mut self,
        scope: &Scope,
        expr: Val<'a>,
        want: Want,
        depth: usize,
    ) -> Vec<Resolved<'a>> {
        if depth > MAX_REF_DEPTH {
            return Vec::new();
        }
        if self.budget == 0 {
            return Vec::new();
        }
        self.budget -= 1;
        if self.budget == 0 {
            self.diags.push(Diagnostic::warning(
                Code::Limit,
                format!(
                    "the configuration makes the reader follow more than {} references; the rest stay unknown",
                    crate::plan::REFERENCE_BUDGET
                ),
                None,
            ));
        }
        if let Some(cv) = expr.get("constant_value") {
            return vec![if cv.is_null() {
                Resolved::Null
            } else {
                Resolved::Known(cv, scope.owner.clone())
            }];
        }
        let (leaves, uses_each) = leaves(expr);
        let mut out = Vec::new();
        for r in leaves {
            out.extend(self.resolve_ref(scope, &r, want, uses_each, depth + 1));
        }
        out
    }

    fn resolve_ref(
        &mut self,
        scope: &Scope,
        r: &str,
        want: Want,
        uses_each: bool,
        depth: usize,
    ) -> Vec<Resolved<'a>> {
        let Some(st) = steps(r) else {
            return vec![Resolved::Later(Str::hole(r.to_owned()))];
        };
        let name = |i: usize| match st.get(i) {
            Some(Step::Name(n)) => Some(n.as_str()),
            _ => None,
        };
        match name(0) {
            Some("var") => {
                let Some(v) = name(1) else { return Vec::new() };
                self.resolve_var(scope, v, st.get(2..).unwrap_or(&[]), want, depth)
            }
            Some("local") => {
                // Locals are not part of the configuration representation.
                let key = join(&scope.module, r);
                vec![Resolved::Later(Str::hole(key))]
            }
            Some("module") => {
                let Some(call) = name(1) else {
                    return Vec::new();
                };
                let (key, next) = match st.get(2) {
                    Some(Step::Key(k)) => (Some(k.clone()), 3),
                    _ => (None, 2),
                };
                let Some(output) = name(next) else {
                    return vec![Resolved::Later(Str::hole(join(&scope.module, r)))];
                };
                self.resolve_output(
                    scope,
                    call,
                    key,
                    output,
                    st.get(next + 1..).unwrap_or(&[]),
                    want,
                    depth,
                )
            }
            Some("data") => {
                let (Some(t), Some(n)) = (name(1), name(2)) else {
                    return Vec::new();
                };
                let res = format!("data.{t}.{n}");
                self.resolve_resource(
                    scope,
                    &res,
                    st.get(3..).unwrap_or(&[]),
                    want,
                    uses_each,
                    depth,
                )
            }
            Some(t) => {
                let Some(n) = name(1) else { return Vec::new() };
                let res = format!("{t}.{n}");
                self.resolve_resource(
                    scope,
                    &res,
                    st.get(2..).unwrap_or(&[]),
                    want,
                    uses_each,
                    depth,
                )
            }
            None => Vec::new(),
        }
    }

    fn resolve_var(
        &mut self,
        scope: &Scope,
        name: &str,
        rest: &[Step],
        want: Want,
        depth: usize,
    ) -> Vec<Resolved<'a>> {
        let known = |v: Val<'a>, owner: &Arc<str>| match navigate(v, rest) {
            Some(v) if !v.is_null() => Resolved::Known(v, owner.clone()),
            Some(_) => Resolved::Null,
            None => Resolved::Later(Str::hole(format!("var.{name}"))),
        };
        let module_cfg = self.modules.get(&scope.module_path).copied();
        let default = module_cfg
            .and_then(|m| m.module.get("variables"))
            .and_then(|v| v.get(name))
            .and_then(|v| v.get("default"));
        if scope.module.is_empty() {
            if let Some(v) = self
                .variables
                .and_then(|vars| vars.get(name))
                .and_then(|v| v.get("value"))
            {
                return vec![known(v, &scope.owner)];
            }
            if let Some(d) = default {
                return vec![known(d, &scope.owner)];
            }
            return vec![Resolved::Later(Str::hole(format!("var.{name}")))];
        }
        let call_expr = module_cfg
            .and_then(|m| m.call)
            .and_then(|c| c.get("expressions"))
            .and_then(|e| e.get(name));
        if let Some(expr) = call_expr {
            let Some((parent, _, key)) = split_module(&scope.module) else {
                return Vec::new();
            };
            let parent_scope = Scope {
                module_path: module_path(&parent),
                module: parent,
                key,
                owner: scope.owner.clone(),
            };
            let got = self.resolve_expr(&parent_scope, expr, want, depth + 1);
            if rest.is_empty() {
                return got;
            }
            return got
                .into_iter()
                .map(|g| match g {
                    Resolved::Known(v, o) => known(v, &o),
                    other => other,
                })
                .collect();
        }
        if let Some(d) = default {
            return vec![known(d, &scope.owner)];
        }
        vec![Resolved::Later(Str::hole(join(
            &scope.module,
            &format!("var.{name}"),
        )))]
    }

    #[allow(clippy::too_many_arguments)]
    fn resolve_output(
        &mut self,
        scope: &Scope,
        call: &str,
        key: Option<InstKey>,
        output: &str,
        rest: &[Step],
        want: Want,
        depth: usize,
    ) -> Vec<Resolved<'a>> {
        let child_path = join(&scope.module_path, &format!("module.{call}"));
        let child_inst = join(
            &scope.module,
            &format!(
                "module.{call}{}",
                key.as_ref().map(ToString::to_string).unwrap_or_default()
            ),
        );
        let expr = self
            .modules
            .get(&child_path)
            .and_then(|m| m.module.get("outputs"))
            .and_then(|o| o.get(output))
            .and_then(|o| o.get("expression"));
        let Some(expr) = expr else {
            return vec![Resolved::Later(Str::hole(format!("{child_inst}.{output}")))];
        };
        let child = Scope {
            module: child_inst,
            module_path: child_path,
            key,
            owner: scope.owner.clone(),
        };
        let got = self.resolve_expr(&child, expr, want, depth + 1);
        if rest.is_empty() {
            return got;
        }
        got.into_iter()
            .map(|g| match g {
                Resolved::Known(v, o) => match navigate(v, rest) {
                    Some(v) if !v.is_null() => Resolved::Known(v, o),
                    Some(_) => Resolved::Null,
                    None => Resolved::Later(Str::hole(format!("module.{call}.{output}"))),
                },
                other => other,
            })
            .collect()
    }

    fn resolve_resource(
        &mut self,
        scope: &Scope,
        res: &str,
        rest: &[Step],
        want: Want,
        uses_each: bool,
        depth: usize,
    ) -> Vec<Resolved<'a>> {
        let (key, attr) = match rest.first() {
            Some(Step::Key(k)) => (Some(k.clone()), rest.get(1..).unwrap_or(&[])),
            _ => (None, rest),
        };
        // An instance named by its key, or `aws_iam_role.r[each.key]` (recorded as
        // `aws_iam_role.r` and `each.key`): the instance with that key, looked up directly.
        let direct = match (&key, &scope.key) {
            (Some(k), _) => Some(k),
            (None, Some(k)) if uses_each => Some(k),
            _ => None,
        };
        let mut found: Vec<usize> = direct
            .and_then(|k| {
                self.by_addr
                    .get(join(&scope.module, &format!("{res}{k}")).as_str())
                    .copied()
            })
            .into_iter()
            .collect();
        if found.is_empty() && key.is_none() {
            found = self
                .by_res
                .get(&(scope.module.clone(), res.to_owned()))
                .cloned()
                .unwrap_or_default();
        }
        if found.is_empty() {
            found = self
                .by_res_path
                .get(&(scope.module_path.clone(), res.to_owned()))
                .cloned()
                .unwrap_or_default();
            if let Some(k) = &key {
                found.retain(|&i| {
                    self.insts
                        .get(i)
                        .is_some_and(|x| x.parsed.key.as_ref() == Some(k))
                });
            }
        }
        if key.is_none()
            && uses_each
            && found.len() > 1
            && let Some(k) = &scope.key
        {
            let same: Vec<usize> = found
                .iter()
                .copied()
                .filter(|&i| {
                    self.insts
                        .get(i)
                        .is_some_and(|x| x.parsed.key.as_ref() == Some(k))
                })
                .collect();
            if same.len() == 1 {
                found = same;
            }
        }
        if found.is_empty() {
            let target = join(&scope.module, res);
            if !self
                .cfg_res
                .contains_key(&(scope.module_path.clone(), res.to_owned()))
                && !self.cfg_res.is_empty()
            {
                let origin = self
                    .by_addr
                    .get(&scope.owner)
                    .and_then(|&i| self.insts.get(i))
                    .map(|x| x.addr_range);
                if self.explained.insert(format!("unresolved:{target}")) {
                    let o = origin.map(|r| self.origin(r, &scope.owner));
                    self.diags.push(Diagnostic::warning(
                        Code::UnresolvedReference,
                        format!(
                            "{}: reference to {target}, which the plan does not define",
                            scope.owner
                        ),
                        o,
                    ));
                }
            }
            let mut key_text = target;
            if !attr.is_empty() {
                key_text.push('.');
                key_text.push_str(&path_text(attr));
            }
            // The unresolved reference is the explanation of this hole.
            self.explained.insert(key_text.clone());
            return vec![Resolved::Later(Str::hole(key_text))];
        }
        // A reference to a whole resource (old Terraform versions record only those, and a
        // dynamic index cuts the traversal): pick the attribute the argument wants. For a name,
        // that is `id`, which equals the name for users, groups, roles and instance profiles
        // and is what makes the argument unknown while the resource is being created.
        let entity = found
            .first()
            .and_then(|&i| self.insts.get(i))
            .is_some_and(|x| !x.data && arn_kind(&x.rtype).is_some_and(|k| k != "policy"));
        let attr: Vec<Step> = if attr.is_empty() {
            match want {
                Want::Name if entity => vec![Step::Name("id".into())],
                Want::Name => vec![Step::Name("name".into())],
                Want::Arn => vec![Step::Name("arn".into())],
                Want::Doc => vec![Step::Name("json".into())],
                Want::Any => Vec::new(),
            }
        } else {
            attr.to_vec()
        };
        found
            .into_iter()
            .map(|i| self.attr_value(i, &attr, depth))
            .collect()
    }

    /// The value of an attribute of an instance: known, synthesised, or a hole.
    pub(crate) fn attr_value(&mut self, idx: usize, path: &[Step], depth: usize) -> Resolved<'a> {
        let Some(inst) = self.insts.get(idx).cloned() else {
            return Resolved::Null;
        };
        if path.is_empty() {
            return Resolved::Later(Str::hole(inst.address.to_string()));
        }
        let mut cur = Cursor::of(&inst);
        for s in path {
            cur = match s {
                Step::Name(n) | Step::Key(InstKey::Str(n)) => cur.field(n),
                Step::Key(InstKey::Int(i)) => cur.index(usize::try_from(*i).unwrap_or(usize::MAX)),
            };
        }
        match cur.state() {
            State::Known(v) => Resolved::Known(v, inst.address.clone()),
            // planned_values alone cannot tell unknown from null: computed attributes are
            // synthesised as if unknown.
            State::Null if inst.action != Action::Planned || inst.data => Resolved::Null,
            _ => self.synth(&inst, idx, path, depth),
        }
    }

    fn synth(
        &mut self,
        inst: &Instance<'a>,
        idx: usize,
        path: &[Step],
        depth: usize,
    ) -> Resolved<'a> {
        let attr = match path {
            [Step::Name(a)] => a.as_str(),
            _ => "",
        };
        let t = inst.rtype.as_str();
        if inst.data {
            return match (t, attr) {
                ("aws_caller_identity", "account_id" | "id") => Resolved::Later(self.account_str()),
                ("aws_partition", "partition" | "id") => Resolved::Later(self.partition_str()),
                ("aws_partition", "dns_suffix") => match self
                    .partition
                    .as_ref()
                    .and_then(Str::as_known)
                    .and_then(passgraph_terraform::partition::dns_suffix)
                {
                    Some(suffix) => Resolved::Later(Str::lit(suffix)),
                    // Bound with the partition when the account is assembled.
                    None => Resolved::Later(Str::hole(passgraph_model::value::DNS_SUFFIX_HOLE)),
                },
                ("aws_iam_policy_document", "json" | "minified_json") => Resolved::DataDoc(idx),
                ("aws_service_principal", "name" | "suffix") => {
                    match self.service_principal(inst, attr) {
                        Some(s) => Resolved::Later(s),
                        None => Resolved::Later(Str::hole(format!(
                            "{}.{}",
                            inst.address,
                            path_text(path)
                        ))),
                    }
                }
                _ => Resolved::Later(Str::hole(format!("{}.{}", inst.address, path_text(path)))),
            };
        }
        match (arn_kind(t), attr) {
            (Some(_), "arn") => Resolved::Later(self.arn_of(inst, depth)),
            (Some("policy"), "id") => Resolved::Later(self.arn_of(inst, depth)),
            (Some(_), "name" | "id") => Resolved::Later(self.name_of(inst, depth)),
            _ => Resolved::Later(Str::hole(format!("{}.{}", inst.address, path_text(path)))),
        }
    }

    /// `data "aws_service_principal"` read during apply: `name` is `<service_name>.<suffix>`,
    /// the suffix `amazonaws.com` except for the few services that take the partition's DNS
    /// suffix in some partitions (`passgraph_terraform::partition`); the partition is the one
    /// of the data source's `region`, else the plan's.
    fn service_principal(&self, inst: &Instance<'a>, attr: &str) -> Option<Str> {
        let top = Cursor::of(inst);
        let State::Known(v) = top.field("service_name").state() else {
            return None;
        };
        let service = v.as_str()?.into_owned();
        let region_partition = match top.field("region").state() {
            State::Known(r) => r
                .as_str()
                .map(|r| passgraph_terraform::partition::partition_of_region(&r).to_owned()),
            _ => None,
        };
        let partition = region_partition.or_else(|| {
            self.partition
                .as_ref()
                .and_then(|p| p.as_known().map(str::to_owned))
        });
        let suffix = passgraph_terraform::partition::service_principal_suffix(
            &service,
            partition.as_deref(),
        )?;
        Some(Str::lit(match attr {
            "suffix" => suffix.to_owned(),
            _ => format!("{service}.{suffix}"),
        }))
    }

    /// The account id as a value: known, or the canonical hole.
    pub(crate) fn account_str(&self) -> Str {
        self.account
            .clone()
            .unwrap_or_else(|| Str::hole(ACCOUNT_HOLE))
    }

    /// The partition as a value: known, or the canonical hole.
    pub(crate) fn partition_str(&self) -> Str {
        self.partition
            .clone()
            .unwrap_or_else(|| Str::hole(passgraph_model::value::PARTITION_HOLE))
    }

    /// The name of a user, group, role, policy or instance profile: known, generated from
    /// `name_prefix`, reconstructed from the configuration, or a hole.
    pub(crate) fn name_of(&mut self, inst: &Instance<'a>, depth: usize) -> Str {
        let top = Cursor::of(inst);
        if let State::Known(v) = top.field("name").state()
            && let Some(s) = v.scalar_text()
        {
            return Str::lit(s.into_owned());
        }
        let key = format!("{}.name", inst.address);
        if let State::Known(p) = top.field("name_prefix").state()
            && let Some(prefix) = p.as_str()
        {
            // The hole stands for the generated suffix only.
            let suffix = format!("{}.name_suffix", inst.address);
            self.explain(
                &suffix,
                format!(
                    "{}: the name is generated at apply from name_prefix {prefix:?}",
                    inst.address
                ),
                p.range(),
                &inst.address,
            );
            return passgraph_terraform::names::generated_name(
                Some(Str::lit(prefix.into_owned())),
                suffix,
            );
        }
        if let Some(s) = self.reconstruct(inst, "name", Want::Name, depth) {
            return s;
        }
        let range = inst.addr_range;
        // The configuration sets neither `name` nor `name_prefix`: the provider generates the
        // name with its default prefix.
        let unnamed = self
            .config_of(inst)
            .and_then(|c| c.get("expressions"))
            .is_some_and(|e| e.get("name").is_none() && e.get("name_prefix").is_none());
        if unnamed && arn_kind(&inst.rtype).is_some() {
            let suffix = format!("{}.name_suffix", inst.address);
            self.explain(
                &suffix,
                format!(
                    "{}: the name is generated at apply (no name or name_prefix is set)",
                    inst.address
                ),
                range,
                &inst.address,
            );
            return passgraph_terraform::names::generated_name(None, suffix);
        }
        self.hole(
            key.clone(),
            " (the name is generated or computed at apply)",
            range,
            &inst.address,
        );
        // An IAM name: `[\w+=,.@-]`, at most 64 (roles, users) or 128 characters.
        let max_len = if matches!(inst.rtype.as_str(), "aws_iam_role" | "aws_iam_user") {
            64
        } else {
            128
        };
        let class = HoleClass::Name {
            charset: Charset::IamName,
            max_len,
        };
        Str::hole_of(key, class)
    }

    /// The path of an IAM entity: known, `/` by default, or a hole.
    pub(crate) fn path_of(&mut self, inst: &Instance<'a>, depth: usize) -> Str {
        match Cursor::of(inst).field("path").state() {
            State::Known(v) => v
                .as_str()
                .map_or_else(|| Str::lit("/"), |s| Str::lit(s.into_owned())),
            State::Null => Str::lit("/"),
            State::Unknown => {
                if let Some(s) = self.reconstruct(inst, "path", Want::Any, depth) {
                    return s;
                }
                let range = inst.addr_range;
                self.hole(format!("{}.path", inst.address), "", range, &inst.address)
            }
        }
    }

    /// The ARN of a user, group, role, policy or instance profile: known, or synthesised.
    pub(crate) fn arn_of(&mut self, inst: &Instance<'a>, depth: usize) -> Str {
        if let State::Known(v) = Cursor::of(inst).field("arn").state()
            && let Some(s) = v.as_str().filter(|s| !s.is_empty())
        {
            return Str::lit(s.into_owned());
        }
        let Some(kind) = arn_kind(&inst.rtype) else {
            return Str::hole(format!("{}.arn", inst.address));
        };
        let name = self.name_of(inst, depth + 1);
        let path = self.path_of(inst, depth + 1);
        iam_arn(
            self.partition.as_ref(),
            self.account.as_ref(),
            kind,
            &path,
            &name,
        )
    }

    /// An unknown top-level string argument rebuilt from its configuration when it is one
    /// reference to a value that is itself unknown at plan time.
    fn reconstruct(
        &mut self,
        inst: &Instance<'a>,
        attr: &str,
        want: Want,
        depth: usize,
    ) -> Option<Str> {
        if depth > MAX_REF_DEPTH {
            return None;
        }
        let expr = self.config_of(inst)?.get("expressions")?.get(attr)?;
        let got = self.resolve_expr(&Scope::of(inst), expr, want, depth + 1);
        match got.as_slice() {
            [Resolved::Later(s)] => Some(s.clone()),
            _ => None,
        }
    }

    /// Takes a reconstructed value: every hole in it that nothing explained yet is explained
    /// here, as the reason why the argument is known only after apply.
    fn accept(&mut self, value: Str, scope: &Scope, what: &str, range: TextRange) -> Str {
        let foreign: Vec<String> = value
            .holes()
            .filter(|h| {
                ![
                    ACCOUNT_HOLE,
                    passgraph_model::value::PARTITION_HOLE,
                    passgraph_model::value::REGION_HOLE,
                ]
                .contains(h)
            })
            .map(str::to_owned)
            .collect();
        for h in foreign {
            let message = format!(
                "{}.{what} is known only after apply: it is {value}",
                scope.owner
            );
            self.explain(&h, message, range, &scope.owner);
        }
        value
    }

    /// The value of a string argument: known, reconstructed, or a hole (explained).
    pub(crate) fn string(
        &mut self,
        f: &Field<'a>,
        scope: &Scope,
        want: Want,
        what: &str,
    ) -> Option<Str> {
        match f.cur.state() {
            State::Known(v) => match v.scalar_text() {
                Some(s) => Some(Str::lit(s.into_owned())),
                None => {
                    self.shape(
                        format!(
                            "{}: {what} must be a string, found {}",
                            scope.owner,
                            v.kind_name()
                        ),
                        v.range(),
                    );
                    None
                }
            },
            State::Null => None,
            State::Unknown => {
                let got = match f.expr {
                    Some(e) => self.resolve_expr(scope, e, want, 0),
                    None => Vec::new(),
                };
                match got.as_slice() {
                    [Resolved::Later(s)] => Some(self.accept(s.clone(), scope, what, f.range)),
                    _ => Some(self.hole(
                        format!("{}.{what}", scope.owner),
                        "",
                        f.range,
                        &scope.owner,
                    )),
                }
            }
        }
    }

    /// The values of a list-of-strings argument; unknown elements reconstructed in order from
    /// the expression's references when they line up, else holes.
    pub(crate) fn strings(
        &mut self,
        f: &Field<'a>,
        scope: &Scope,
        want: Want,
        what: &str,
    ) -> Vec<Str> {
        match f.cur.state() {
            State::Null => Vec::new(),
            State::Known(v) if v.kind() != Kind::Array => match v.scalar_text() {
                Some(s) => vec![Str::lit(s.into_owned())],
                None => {
                    self.shape(
                        format!(
                            "{}: {what} must be a list of strings, found {}",
                            scope.owner,
                            v.kind_name()
                        ),
                        v.range(),
                    );
                    Vec::new()
                }
            },
            State::Known(_) => {
                let items = f.cur.items();
                let unknown = items
                    .iter()
                    .filter(|c| matches!(c.state(), State::Unknown))
                    .count();
                let mut later: Vec<Str> = Vec::new();
                if unknown > 0 {
                    if let Some(e) = f.expr {
                        let got = self.resolve_expr(scope, e, want, 0);
                        later = got
                            .into_iter()
                            .filter_map(|g| match g {
                                Resolved::Later(s) => Some(s),
                                _ => None,
                            })
                            .collect();
                    }
                    if later.len() != unknown {
                        later.clear();
                    }
                }
                let mut later = later.into_iter();
                let mut out = Vec::new();
                for (i, c) in items.iter().enumerate() {
                    match c.state() {
                        State::Known(v) => match v.scalar_text() {
                            Some(s) => out.push(Str::lit(s.into_owned())),
                            None => self.shape(
                                format!(
                                    "{}: {what} must hold strings, found {}",
                                    scope.owner,
                                    v.kind_name()
                                ),
                                v.range(),
                            ),
                        },
                        State::Null => {}
                        State::Unknown => match later.next() {
                            Some(s) => {
                                let s = self.accept(s, scope, what, f.range);
                                out.push(s);
                            }
                            None => {
                                let h = self.hole(
                                    format!("{}.{what}[{i}]", scope.owner),
                                    "",
                                    f.range,
                                    &scope.owner,
                                );
                                out.push(h);
                            }
                        },
                    }
                }
                out
            }
            State::Unknown => {
                let got = match f.expr {
                    Some(e) => self.resolve_expr(scope, e, want, 0),
                    None => Vec::new(),
                };
                if got.iter().any(Resolved::is_later) {
                    let key = format!("{}.{what}", scope.owner);
                    self.explain(
                        &key,
                        format!(
                            "{key} is not known until apply; its elements are taken from the references of its expression (literal elements, if any, are missed)"
                        ),
                        f.range,
                        &scope.owner,
                    );
                    return got
                        .into_iter()
                        .filter_map(|g| match g {
                            Resolved::Later(s) => Some(self.accept(s, scope, what, f.range)),
                            Resolved::Known(v, _) => {
                                v.scalar_text().map(|s| Str::lit(s.into_owned()))
                            }
                            _ => None,
                        })
                        .collect();
                }
                vec![self.hole(format!("{}.{what}", scope.owner), "", f.range, &scope.owner)]
            }
        }
    }
}

#[cfg(test)]
mod tests;
