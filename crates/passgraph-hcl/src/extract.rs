//! Evaluated resources → the account model: IAM users, groups, roles, policies, instance
//! profiles, memberships and attachments, and the resources that hand a role to a service.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use passgraph_model::{
    Account, Code, Diagnostic, FileId, InlinePolicy, Origin, PolicyDocument, Str, Tag,
};
use passgraph_terraform::{Arity, Item, ResourceView, Want};

use crate::config::{BodyRef, Mode};
use crate::eval::{Evaluator, Scope};
use crate::jsontext::policy_node;
use crate::roleuse::role_use_values;
use crate::value::{ResKey, V, Value, set_address};
use crate::{FileSource, Stats};

/// One resource instance being read.
pub(crate) struct Ctx<'a> {
    pub(crate) sc: Scope,
    pub(crate) body: BodyRef<'a>,
    pub(crate) key: ResKey,
    pub(crate) rtype: &'a str,
    pub(crate) addr: Arc<str>,
    pub(crate) origin: Origin,
    pub(crate) uncertain: bool,
}

/// One resource instance to read.
struct Instance {
    key: ResKey,
    uncertain: bool,
}

/// The fewest resource instances a slice has (and twice as many are needed to slice at all):
/// below, reading on one thread is as fast as forking.
const PARALLEL_MIN: usize = 256;

/// Reads every managed resource of every module instance into `acc`.
///
/// With many resource instances and more than one thread, the instances are read in slices,
/// each by a fork of the evaluator (its memoised values with it, no file source). The slices'
/// accounts and diagnostics, joined in order, are what reading them in turn gives, unless a
/// fork saw something whose outcome depends on the order of evaluation, wanted a file not read
/// before the fork, or the forks together spent more than the budget left: then the forks are
/// dropped and the instances read in turn, so the answer never depends on the number of threads.
pub(crate) fn extract(ev: &mut Evaluator<'_>, acc: &mut Account) -> Stats {
    let mut stats = Stats {
        files: ev.files_read,
        ..Stats::default()
    };
    let instances = instances(ev, &mut stats);
    let threads = rayon::current_num_threads();
    let forked = if threads > 1 && instances.len() >= 2 * PARALLEL_MIN {
        // One slice a thread: each slice evaluates again what its resources refer to in other
        // slices, and four slices on two threads were slower than two.
        in_slices(ev, &instances, threads.min(instances.len() / PARALLEL_MIN))
    } else {
        None
    };
    stats.slices = forked.as_ref().map_or(1, Vec::len);
    match forked {
        Some(slices) => {
            for (part, diags) in slices {
                acc.append(part);
                for d in diags {
                    ev.diag(d);
                }
            }
        }
        None => {
            for i in &instances {
                read(ev, i, acc);
            }
        }
    }
    stats.files = ev.files_read;
    stats
}

/// The instances of the resources that concern IAM, in order (instance, resource, key), with
/// the modules and the counts by type in `stats`.
fn instances(ev: &mut Evaluator<'_>, stats: &mut Stats) -> Vec<Instance> {
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    let mut i = 0;
    while i < ev.insts.len() {
        let prefix = ev.insts[i].prefix.trim_end_matches('.').to_owned();
        stats.modules.push(prefix);
        let def = ev.insts[i].def.clone();
        let inst_uncertain = ev.insts[i].uncertain;
        for (r, d) in def.resources.iter().enumerate() {
            // A resource that is neither IAM nor hands a role to a service is not expanded: its
            // `count`, `for_each` and variables can change no finding, and must not be noise.
            // (One that an IAM resource refers to is evaluated when referred to.)
            if d.mode != Mode::Managed || !concerns_iam(&d.rtype) {
                continue;
            }
            let Some(exp) = ev.res_expansion(i, r) else {
                continue;
            };
            let before = out.len();
            out.extend(exp.keys.iter().map(|(key, _)| Instance {
                key: ResKey {
                    inst: i,
                    res: r,
                    key: key.clone(),
                },
                uncertain: exp.uncertain || inst_uncertain,
            }));
            let n = out.len() - before;
            match by_type.get_mut(&d.rtype) {
                Some(c) => *c += n,
                None if n > 0 => {
                    by_type.insert(d.rtype.clone(), n);
                }
                None => {}
            }
        }
        i += 1;
    }
    stats.resources = by_type.into_iter().collect();
    out
}

/// Reads `instances` in `n` slices on forks of `ev`; `None` when reading them in turn could
/// give another answer (see [`extract`]).
fn in_slices(
    ev: &mut Evaluator<'_>,
    instances: &[Instance],
    n: usize,
) -> Option<Vec<(Account, Vec<Diagnostic>)>> {
    let size = instances.len().div_ceil(n.max(1));
    let modules = ev.insts.len();
    let fuel = ev.fuel;
    let forks: Vec<_> = instances.chunks(size).map(|c| (ev.fork(), c)).collect();
    let done: Vec<Option<(Account, Vec<Diagnostic>, u64)>> = forks
        .into_par_iter()
        .map(|(fork, slice)| {
            let mut source = NoFiles::default();
            let mut f = fork.resume(&mut source);
            let mut part = Account::default();
            for i in slice {
                read(&mut f, i, &mut part);
            }
            // (`expand_all` made every module instance; a fork that made one would not be the
            // same evaluator.)
            let same = !f.order_sensitive && f.insts.len() == modules;
            let spent = fuel - f.fuel;
            let diags = std::mem::take(&mut f.diags);
            drop(f);
            (same && !source.asked).then_some((part, diags, spent))
        })
        .collect();
    let done: Vec<_> = done.into_iter().collect::<Option<_>>()?;
    let spent: u64 = done.iter().map(|(_, _, s)| s).sum();
    if spent > ev.fuel {
        return None;
    }
    ev.fuel -= spent;
    Some(done.into_iter().map(|(a, d, _)| (a, d)).collect())
}

/// The file source of a fork: it reads nothing and remembers being asked.
#[derive(Default)]
pub(crate) struct NoFiles {
    asked: bool,
}

impl FileSource for NoFiles {
    fn list_dir(&mut self, _dir: &Path) -> Vec<PathBuf> {
        self.asked = true;
        Vec::new()
    }

    fn read(&mut self, _path: &Path) -> Option<(FileId, Arc<str>)> {
        self.asked = true;
        None
    }

    fn allows(&mut self, _path: &Path) -> bool {
        self.asked = true;
        false
    }
}

/// Reads one resource instance into `acc`.
fn read(ev: &mut Evaluator<'_>, i: &Instance, acc: &mut Account) {
    let def = ev.insts[i.key.inst].def.clone();
    let d = &def.resources[i.key.res];
    let Some(sc) = ev.res_scope(&i.key) else {
        return;
    };
    let addr: Arc<str> = Arc::from(ev.res_address(&i.key));
    let origin = Origin::new(d.file, d.range).with_address(addr.clone());
    let ctx = Ctx {
        sc,
        body: d.body.view(),
        key: i.key.clone(),
        rtype: &d.rtype,
        addr,
        origin,
        uncertain: i.uncertain,
    };
    resource(ev, &ctx, acc);
}

/// Whether a resource type can change a finding: `aws_iam_*`, or a type of the role-use table.
pub(crate) fn concerns_iam(rtype: &str) -> bool {
    rtype.starts_with("aws_iam_")
        || passgraph_terraform::ROLE_USES
            .iter()
            .any(|s| s.resource_type == rtype)
}

fn resource(ev: &mut Evaluator<'_>, c: &Ctx<'_>, acc: &mut Account) {
    let mut view = HclView { ev, c };
    passgraph_terraform::adapt(&mut view, acc);
}

/// One evaluated resource instance, as the provider's adapters read it.
struct HclView<'v, 'e, 'c> {
    ev: &'v mut Evaluator<'e>,
    c: &'v Ctx<'c>,
}

impl ResourceView for HclView<'_, '_, '_> {
    fn resource_type(&self) -> &str {
        self.c.rtype
    }

    fn address(&self) -> Arc<str> {
        self.c.addr.clone()
    }

    fn origin(&self) -> Origin {
        self.c.origin.clone()
    }

    fn uncertain(&self) -> bool {
        self.c.uncertain
    }

    fn name(&mut self) -> Str {
        res_str(self.ev, self.c, "name")
    }

    fn path(&mut self) -> Str {
        res_str(self.ev, self.c, "path")
    }

    fn arn(&mut self) -> Str {
        res_str(self.ev, self.c, "arn")
    }

    fn strings(&mut self, attr: &str, _want: Want, _arity: Arity) -> Vec<Item> {
        strings_at(self.ev, self.c, attr)
            .into_iter()
            .map(|(value, uncertain, origin)| Item {
                value,
                uncertain,
                origin,
            })
            .collect()
    }

    fn at_path(&mut self, path: &str, _want: Want) -> Vec<Item> {
        role_use_values(self.ev, self.c, path)
    }

    fn attr_origin(&self, attr: &str) -> Origin {
        attr_origin(self.c, attr)
    }

    fn is_set(&self, _attr: &str) -> bool {
        // A configuration is all there is: what it does not set reads as nothing.
        true
    }

    fn number(&mut self, attr: &str) -> Option<f64> {
        let v = attr_value(self.ev, self.c, attr)?;
        self.ev.known_text(&v)?.parse::<f64>().ok()
    }

    fn document(&mut self, attr: &str) -> Option<PolicyDocument> {
        let (e, _) = self.c.body.attr(attr)?;
        let o = attr_origin(self.c, attr);
        let v = self
            .ev
            .eval_or_unknown(&self.c.sc, e, &format!("{}.{attr}", self.c.addr));
        let v = self.ev.force_deep(v, 0);
        if v.is_null() {
            return None;
        }
        Some(doc_from_value(self.ev, self.c, &v, &o))
    }

    fn inline_policies(&mut self) -> Vec<InlinePolicy> {
        inline_policies(self.ev, self.c)
    }

    fn tags(&mut self) -> Vec<Tag> {
        tags(self.ev, self.c)
    }

    fn diag(&mut self, d: Diagnostic) {
        self.ev.diag(d);
    }
}

fn inline_policies(ev: &mut Evaluator<'_>, c: &Ctx<'_>) -> Vec<InlinePolicy> {
    let mut inline = Vec::new();
    for b in ev.block_insts(&c.sc, c.body, "inline_policy") {
        let Some((pe, _)) = b.body.attr("policy") else {
            continue;
        };
        let bo = Origin::new(b.sc.file, b.range).with_address(c.addr.clone());
        let pname = match b.body.attr("name") {
            Some((e, _)) => {
                let v = ev.eval_or_unknown(&b.sc, e, &format!("{}.inline_policy.name", c.addr));
                value_str(ev, &b.sc, &v).unwrap_or_default()
            }
            None => Str::default(),
        };
        let v = ev.eval_or_unknown(&b.sc, pe, &format!("{}.inline_policy.policy", c.addr));
        if v.is_null() {
            continue;
        }
        let document = doc_from_value(ev, c, &v, &bo);
        inline.push(InlinePolicy {
            name: pname,
            document,
            origin: bo,
        });
    }
    inline
}

/// A computed or configured attribute of the resource as a string.
fn res_str(ev: &mut Evaluator<'_>, c: &Ctx<'_>, attr: &str) -> Str {
    match ev.res_attr(&c.key, attr, &c.origin) {
        Ok(v) => {
            value_str(ev, &c.sc, &v).unwrap_or_else(|| Str::hole(format!("{}.{attr}", c.addr)))
        }
        Err(f) => {
            ev.fail_diag(&f);
            Str::hole(format!("{}.{attr}", c.addr))
        }
    }
}

/// A value as a string: holes for what is unknown; `None` for null or a collection.
fn value_str(ev: &mut Evaluator<'_>, sc: &Scope, v: &Value) -> Option<Str> {
    match &v.v {
        V::Null | V::List(_) | V::Map(_) => None,
        _ => ev.string_of(sc, v).ok(),
    }
}

fn attr_origin(c: &Ctx<'_>, attr: &str) -> Origin {
    match c.body.attr(attr) {
        Some((e, r)) => Origin::new(c.sc.file, e.range().unwrap_or(r)).with_address(c.addr.clone()),
        None => c.origin.clone(),
    }
}

fn attr_value(ev: &mut Evaluator<'_>, c: &Ctx<'_>, attr: &str) -> Option<Value> {
    let (e, _) = c.body.attr(attr)?;
    let v = ev.eval_or_unknown(&c.sc, e, &format!("{}.{attr}", c.addr));
    let v = ev.force_deep(v, 0);
    (!v.is_null()).then_some(v)
}

/// The strings of a string or list attribute, each marked when it exists only possibly, with
/// where each string is written.
fn strings_at(ev: &mut Evaluator<'_>, c: &Ctx<'_>, attr: &str) -> Vec<(Str, bool, Origin)> {
    let Some(v) = attr_value(ev, c, attr) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    collect_strings(ev, c, &v, false, &mut out, 0);
    out
}

pub(crate) fn collect_strings(
    ev: &mut Evaluator<'_>,
    c: &Ctx<'_>,
    v: &Value,
    uncertain: bool,
    out: &mut Vec<(Str, bool, Origin)>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    match &v.v {
        V::Null => {}
        V::List(items) => {
            for i in items.iter() {
                collect_strings(ev, c, i, uncertain, out, depth + 1);
            }
        }
        V::Choice(alts) => {
            for a in alts.iter() {
                collect_strings(ev, c, a, true, out, depth + 1);
            }
        }
        V::Map(_) => {
            ev.diag(Diagnostic::warning(
                Code::Shape,
                "expected a string or a list of strings, found an object",
                Some(v.origin.clone()),
            ));
        }
        _ => {
            if let Some(s) = value_str(ev, &c.sc, v) {
                out.push((s, uncertain, v.origin.clone().with_address(c.addr.clone())));
            }
        }
    }
}

fn tags(ev: &mut Evaluator<'_>, c: &Ctx<'_>) -> Vec<Tag> {
    let Some(v) = attr_value(ev, c, "tags") else {
        return Vec::new();
    };
    let Some(entries) = v.entries() else {
        return Vec::new();
    };
    let entries = entries.to_vec();
    entries
        .into_iter()
        .filter_map(|(k, _, val)| {
            value_str(ev, &c.sc, &val).map(|value| Tag {
                key: Str::lit(k),
                value,
            })
        })
        .collect()
}

fn doc_from_value(ev: &mut Evaluator<'_>, c: &Ctx<'_>, v: &Value, o: &Origin) -> PolicyDocument {
    match policy_node(v, 0) {
        Ok(mut node) => {
            set_address(&mut node, &c.addr);
            let (doc, diags) = PolicyDocument::from_node(&node);
            for d in diags {
                ev.diag(d);
            }
            doc
        }
        Err(msg) => {
            if v.is_unknownish() {
                ev.diag(Diagnostic::warning(
                    Code::UnknownPolicy,
                    format!(
                        "the policy of {} has unknown parts and cannot be read as JSON ({msg})",
                        c.addr
                    ),
                    Some(o.clone()),
                ));
                return PolicyDocument::unknown(
                    format!("{}: policy text with unknown parts", c.addr),
                    o.clone(),
                );
            }
            // AWS refuses a policy that is not JSON, so what the resource will hold is not
            // known: an unknown document (never an empty one, which would grant nothing).
            ev.diag(Diagnostic::warning(
                Code::UnknownPolicy,
                format!("the policy of {} is not JSON: {msg}", c.addr),
                Some(o.clone()),
            ));
            PolicyDocument::unknown(
                format!("{}: the policy is not JSON ({msg})", c.addr),
                o.clone(),
            )
        }
    }
}
