//! The evaluator: module instances, scopes, lazy and memoised references (variables, locals,
//! outputs, resource attributes), `count`/`for_each` expansion, cycle detection and limits.

mod expr;
mod named;
mod refs;

pub(crate) use expr::value_from_node;

use passgraph_model::hash::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, OnceLock};

use passgraph_model::span::SourceFile;
use passgraph_model::value::{ACCOUNT_HOLE, PARTITION_HOLE, REGION_HOLE};
use passgraph_model::{Code, Diagnostic, FileId, Origin, Parsed, Str, TextRange};

use crate::config::{self, BodyRef, ExprRef, ModuleDef, ModuleRc};
use crate::limits;
use crate::value::{InstKey, ResKey, V, Value};
use crate::{FileSource, Options, Stats};

/// An evaluation failure: what Terraform would report as an error. `try` and `can` catch it;
/// elsewhere it becomes a diagnostic and an unknown value.
#[derive(Clone, Debug)]
pub(crate) struct Fail {
    pub(crate) code: Code,
    pub(crate) msg: String,
    pub(crate) origin: Origin,
}

pub(crate) type R = Result<Value, Fail>;

#[derive(Clone, Debug)]
enum Slot {
    Busy,
    Done(R),
}

/// A memoised resource attribute.
#[derive(Clone, Debug)]
enum AttrSlot {
    Busy,
    Done(R),
    /// A value made where it is read (an ARN or a path the provider computes, a value known
    /// only after apply): the same for every reader, with the reader's origin, as if made for
    /// each (so that what a reader sees does not depend on who read first).
    AtReader(Value),
}

/// How a block is repeated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExpKind {
    Single,
    Count,
    ForEach,
    /// `for_each` over a value not known offline: one instance of unknown key.
    Unknown,
}

/// The instances of a resource or module call.
#[derive(Clone, Debug)]
pub(crate) struct Expansion {
    pub(crate) kind: ExpKind,
    /// Each instance's key and the bindings (`count`, `each`) its body sees.
    pub(crate) keys: Vec<(InstKey, Vec<(String, Value)>)>,
    /// The instances exist only possibly (`count = var.x ? 1 : 0` with `var.x` unknown).
    pub(crate) uncertain: bool,
}

impl Expansion {
    /// One instance, of no key: a block without `count` or `for_each`.
    fn single() -> Expansion {
        Expansion {
            kind: ExpKind::Single,
            keys: vec![(InstKey::None, Vec::new())],
            uncertain: false,
        }
    }
}

#[derive(Clone, Debug)]
enum Children {
    Busy,
    Remote,
    Done(Arc<Expansion>, Vec<usize>),
}

/// One instance of a module.
#[derive(Clone)]
pub(crate) struct Inst {
    pub(crate) def: ModuleRc,
    pub(crate) parent: Option<usize>,
    /// The call in the parent's definition.
    pub(crate) call: Option<usize>,
    /// `count`/`each` of the call, seen by the call's input expressions.
    pub(crate) call_bindings: Vec<(String, Value)>,
    /// `module.a.` / `module.a["k"].module.b.`; empty for the root.
    pub(crate) prefix: String,
    pub(crate) depth: usize,
    pub(crate) uncertain: bool,
    locals: HashMap<String, Slot>,
    vars: HashMap<String, Slot>,
    outputs: HashMap<String, Slot>,
    children: HashMap<usize, Children>,
}

/// Where an expression is evaluated.
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    pub(crate) inst: usize,
    pub(crate) file: FileId,
    /// For JSON syntax: every origin is this range (template spans are relative to a string).
    pub(crate) fixed: Option<TextRange>,
    /// `count`, `each`, `for` variables, dynamic block iterators, template variables.
    pub(crate) bindings: Vec<(String, Value)>,
    /// Only bindings resolve (inside `templatefile`).
    pub(crate) template_only: bool,
    /// Instance key suffix, for the keys of derived holes.
    pub(crate) suffix: String,
}

impl Scope {
    pub(crate) fn new(inst: usize, file: FileId) -> Scope {
        Scope {
            inst,
            file,
            fixed: None,
            bindings: Vec::new(),
            template_only: false,
            suffix: String::new(),
        }
    }

    pub(crate) fn with(&self, name: &str, v: Value) -> Scope {
        let mut s = self.clone();
        s.bindings.push((name.to_owned(), v));
        s
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<&Value> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// The modules read, by folder.
pub(crate) type Modules = HashMap<PathBuf, ModuleRc>;

/// What a run produced.
pub(crate) struct Output {
    pub(crate) parsed: Parsed,
    pub(crate) stats: Stats,
}

/// The evaluator of one configuration.
pub(crate) struct Evaluator<'s> {
    pub(crate) root: PathBuf,
    pub(crate) source: &'s mut dyn FileSource,
    pub(crate) diags: Vec<Diagnostic>,
    seen_diags: HashSet<(Code, String, Option<Origin>)>,
    pub(crate) texts: HashMap<FileId, Arc<str>>,
    /// Each text's line index, built when a position is first asked for.
    lines: HashMap<FileId, Arc<OnceLock<SourceFile>>>,
    pub(crate) paths: HashMap<FileId, PathBuf>,
    modules: Modules,
    pub(crate) insts: Vec<Inst>,
    pub(crate) partition: Str,
    pub(crate) account: Str,
    pub(crate) region: Str,
    root_vars: HashMap<String, Value>,
    res_attrs: HashMap<(ResKey, String), AttrSlot>,
    res_exp: HashMap<(usize, usize), Option<Arc<Expansion>>>,
    depth: usize,
    pub(crate) fuel: u64,
    fuel_out: bool,
    /// Something happened whose outcome can depend on the order of evaluation: a reference
    /// cycle, a limit, a memoised failure (it keeps the origin of its first reader). A fork
    /// that saw none computed what the evaluator it was forked from would have.
    pub(crate) order_sensitive: bool,
    pub(crate) files_read: usize,
    pub(crate) extra_files: HashMap<PathBuf, Option<(FileId, Arc<str>)>>,
}

/// An evaluator's state without its file source, to go on in another thread.
pub(crate) struct Fork {
    root: PathBuf,
    seen_diags: HashSet<(Code, String, Option<Origin>)>,
    texts: HashMap<FileId, Arc<str>>,
    lines: HashMap<FileId, Arc<OnceLock<SourceFile>>>,
    paths: HashMap<FileId, PathBuf>,
    modules: HashMap<PathBuf, ModuleRc>,
    insts: Vec<Inst>,
    partition: Str,
    account: Str,
    region: Str,
    root_vars: HashMap<String, Value>,
    res_attrs: HashMap<(ResKey, String), AttrSlot>,
    res_exp: HashMap<(usize, usize), Option<Arc<Expansion>>>,
    fuel: u64,
    files_read: usize,
    extra_files: HashMap<PathBuf, Option<(FileId, Arc<str>)>>,
}

impl Fork {
    /// The evaluator again, reading files through `source`, with no diagnostics yet (those of
    /// the evaluator forked are still known, and not repeated).
    pub(crate) fn resume(self, source: &mut dyn FileSource) -> Evaluator<'_> {
        let Fork {
            root,
            seen_diags,
            texts,
            lines,
            paths,
            modules,
            insts,
            partition,
            account,
            region,
            root_vars,
            res_attrs,
            res_exp,
            fuel,
            files_read,
            extra_files,
        } = self;
        Evaluator {
            root,
            source,
            diags: Vec::new(),
            seen_diags,
            texts,
            lines,
            paths,
            modules,
            insts,
            partition,
            account,
            region,
            root_vars,
            res_attrs,
            res_exp,
            depth: 0,
            fuel,
            fuel_out: false,
            order_sensitive: false,
            files_read,
            extra_files,
        }
    }
}

/// Loads and evaluates the configuration in `root`.
pub(crate) fn run(root: &Path, source: &mut dyn FileSource, options: &Options) -> Output {
    let mut ev = evaluator(root, source, options);
    let mut parsed = Parsed::default();
    let stats = crate::extract::extract(&mut ev, &mut parsed.account);
    crate::ignore::collect(&ev.texts, &mut parsed.account, &mut ev.diags);
    if let Some(a) = &options.account_id {
        parsed.account.account_id = Some(a.clone());
    }
    parsed.diagnostics = std::mem::take(&mut ev.diags);
    // The parsed files are most of what the evaluator holds, millions of small allocations:
    // they are kept for the caller to free, or freed on a worker thread while the caller goes
    // on with the account.
    let modules = std::mem::take(&mut ev.modules);
    drop(ev);
    match &options.trees {
        Some(trees) => trees.keep(modules),
        None => rayon::spawn(move || drop(modules)),
    }
    Output { parsed, stats }
}

/// An evaluator with the root module read, its variables set and its module calls expanded.
pub(crate) fn evaluator<'s>(
    root: &Path,
    source: &'s mut dyn FileSource,
    options: &Options,
) -> Evaluator<'s> {
    let root = config::normalize_join(root, ".").unwrap_or_else(|| root.to_path_buf());
    let root = root.as_path();
    let mut ev = Evaluator {
        root: root.to_path_buf(),
        source,
        diags: Vec::new(),
        seen_diags: HashSet::default(),
        texts: HashMap::default(),
        lines: HashMap::default(),
        paths: HashMap::default(),
        modules: HashMap::default(),
        insts: Vec::new(),
        partition: Str::hole(PARTITION_HOLE),
        account: Str::hole(ACCOUNT_HOLE),
        region: Str::hole(REGION_HOLE),
        root_vars: HashMap::default(),
        res_attrs: HashMap::default(),
        res_exp: HashMap::default(),
        depth: 0,
        fuel: limits::FUEL,
        fuel_out: false,
        order_sensitive: false,
        files_read: 0,
        extra_files: HashMap::default(),
    };
    let def = ev.module_def(root, ".");
    if let Some(a) = &options.account_id {
        ev.account = Str::lit(a.clone());
    }
    ev.insts.push(Inst {
        def: def.clone(),
        parent: None,
        call: None,
        call_bindings: Vec::new(),
        prefix: String::new(),
        depth: 0,
        uncertain: false,
        locals: HashMap::default(),
        vars: HashMap::default(),
        outputs: HashMap::default(),
        children: HashMap::default(),
    });
    ev.root_vars = crate::vars::root_values(&mut ev, &def, options);
    let region = options.region.clone().or_else(|| ev.provider_region(&def));
    if let Some(r) = &region {
        ev.region = Str::lit(r.clone());
    }
    if let Some(p) = &options.partition {
        ev.partition = Str::lit(p.clone());
    } else if let Some(r) = &region {
        ev.partition = Str::lit(passgraph_terraform::partition::partition_of_region(r));
    }
    ev.expand_all();
    ev
}

impl Evaluator<'_> {
    /// The region of the root module's default `aws` provider, when it is known offline: a
    /// literal, or an expression of variables and locals (`region = var.region`). Evaluated on
    /// a copy of the state, before the region and partition are set, so that nothing remembered
    /// from this evaluation keeps their holes; what it cannot decide leaves both holes.
    fn provider_region(&self, def: &ModuleDef) -> Option<String> {
        let n = def.provider_region.as_ref()?;
        // A literal decides at once; a JSON string with `${` is a template to evaluate.
        if let Some(r) = n.expr.view().literal_str()
            && !r.contains("${")
        {
            return Some(r);
        }
        let mut files = crate::extract::NoFiles::default();
        let mut copy = self.fork().resume(&mut files);
        let v = copy.eval(&Scope::new(0, n.file), n.expr.view()).ok()?;
        let r = v.as_str()?.as_known()?;
        (!r.is_empty()).then(|| r.to_owned())
    }

    /// A copy of the state, to be resumed elsewhere (between evaluations: nothing is busy).
    pub(crate) fn fork(&self) -> Fork {
        debug_assert_eq!(self.depth, 0);
        Fork {
            root: self.root.clone(),
            seen_diags: self.seen_diags.clone(),
            texts: self.texts.clone(),
            lines: self.lines.clone(),
            paths: self.paths.clone(),
            modules: self.modules.clone(),
            insts: self.insts.clone(),
            partition: self.partition.clone(),
            account: self.account.clone(),
            region: self.region.clone(),
            root_vars: self.root_vars.clone(),
            res_attrs: self.res_attrs.clone(),
            res_exp: self.res_exp.clone(),
            fuel: self.fuel,
            files_read: self.files_read,
            extra_files: self.extra_files.clone(),
        }
    }

    /// Reads (once) the module in `dir`.
    /// True when `path` lies in the root folder or in the folder of a loaded module.
    pub(crate) fn readable(&self, path: &Path) -> bool {
        path.starts_with(&self.root) || self.modules.keys().any(|d| path.starts_with(d))
    }

    pub(crate) fn module_def(&mut self, dir: &Path, rel: &str) -> ModuleRc {
        if let Some(d) = self.modules.get(dir) {
            return d.clone();
        }
        let mut diags = Vec::new();
        let def = config::load_module(dir, rel, &mut *self.source, &mut diags);
        for (f, p, text) in &def.files {
            self.paths.insert(*f, p.clone());
            self.add_text(*f, text);
        }
        self.files_read += def.file_count;
        for d in diags {
            self.diag(d);
        }
        let rc: ModuleRc = Arc::new(def);
        self.modules.insert(dir.to_path_buf(), rc.clone());
        rc
    }

    /// Adds a diagnostic once.
    pub(crate) fn diag(&mut self, d: Diagnostic) {
        if self
            .seen_diags
            .insert((d.code, d.message.clone(), d.origin.clone()))
        {
            self.diags.push(d);
        }
    }

    pub(crate) fn fail_diag(&mut self, f: &Fail) {
        let d = Diagnostic::warning(f.code, f.msg.clone(), Some(f.origin.clone()));
        self.diag(d);
    }

    /// The origin of a span in a scope.
    pub(crate) fn origin(&self, sc: &Scope, range: Option<TextRange>) -> Origin {
        match sc.fixed {
            Some(r) => Origin::new(sc.file, r),
            None => Origin::new(sc.file, range.unwrap_or_default()),
        }
    }

    /// `file:line:col` of an origin, for hole keys and messages.
    pub(crate) fn place(&self, o: &Origin) -> String {
        let name = self
            .paths
            .get(&o.file)
            .map_or_else(|| "?".to_owned(), |p| config::rel_path(&self.root, p));
        let (line, col) = match (self.texts.get(&o.file), self.lines.get(&o.file)) {
            (Some(text), Some(lines)) => lines
                .get_or_init(|| SourceFile::new("", text.clone()))
                .line_col(o.range.start),
            _ => (0, 0),
        };
        format!("{name}:{line}:{col}")
    }

    /// Registers a text read (a module's file, or one `file()` names).
    pub(crate) fn add_text(&mut self, file: FileId, text: &Arc<str>) {
        self.texts.insert(file, text.clone());
        self.lines.insert(file, Arc::default());
    }

    /// The key of a hole for a value computed from unknown parts at `o`: the expression as
    /// written (shortened), then where, which makes it unique (`lower(var.name) at main.tf:3:24`),
    /// so that a role named by it reads as its code does.
    pub(crate) fn derived_key(&self, sc: &Scope, o: &Origin) -> Arc<str> {
        let prefix = self.insts.get(sc.inst).map_or("", |i| i.prefix.as_str());
        let written = self
            .texts
            .get(&o.file)
            .and_then(|t| t.get(o.range.start as usize..o.range.end as usize))
            .map(abbreviate)
            .filter(|w| !w.is_empty());
        let place = self.place(o);
        let key = match written {
            Some(w) => format!("{w} at {prefix}{place}{}", sc.suffix),
            None => format!("{prefix}{place}{}", sc.suffix),
        };
        Arc::from(key)
    }

    pub(crate) fn fail(&self, code: Code, msg: impl Into<String>, origin: Origin) -> Fail {
        Fail {
            code,
            msg: msg.into(),
            origin,
        }
    }

    /// Spends one unit of work; fails when the budget is spent or nesting is too deep.
    pub(crate) fn step(&mut self, origin: &Origin) -> Result<(), Fail> {
        if self.fuel == 0 {
            self.order_sensitive = true;
            if !self.fuel_out {
                self.fuel_out = true;
                self.diag(Diagnostic::error(
                    Code::Limit,
                    "evaluation budget exhausted; remaining values are unknown",
                    Some(origin.clone()),
                ));
            }
            return Err(self.fail(Code::Limit, "evaluation budget exhausted", origin.clone()));
        }
        self.fuel -= 1;
        if self.depth > limits::MAX_EVAL_DEPTH {
            self.order_sensitive = true;
            return Err(self.fail(Code::Limit, "expression nesting too deep", origin.clone()));
        }
        Ok(())
    }

    /// Evaluates with depth accounting.
    pub(crate) fn eval(&mut self, sc: &Scope, e: ExprRef<'_>) -> R {
        self.depth += 1;
        let r = self.eval_inner(sc, e);
        self.depth -= 1;
        match r {
            Ok(v) if v.size > limits::MAX_VALUE_SIZE => {
                let o = v.origin.clone();
                let f = self.fail(Code::Limit, "a value grows past the size limit", o);
                self.fail_diag(&f);
                Err(f)
            }
            r => r,
        }
    }

    /// Evaluates, turning a failure into a diagnostic and an unknown value named `what`.
    pub(crate) fn eval_or_unknown(&mut self, sc: &Scope, e: ExprRef<'_>, what: &str) -> Value {
        match self.eval(sc, e) {
            Ok(v) => v,
            Err(f) => {
                self.fail_diag(&f);
                let o = self.origin(sc, e.range());
                Value::unknown(what.to_owned(), o)
            }
        }
    }

    // ----- module instances -----

    /// Expands every module call, depth first, so that extraction sees every instance.
    fn expand_all(&mut self) {
        let mut i = 0;
        while i < self.insts.len() {
            let ncalls = self.insts[i].def.calls.len();
            for c in 0..ncalls {
                let _ = self.children(i, c);
            }
            i += 1;
        }
    }

    /// The instances of call `call` of instance `inst` (created on first use).
    pub(crate) fn children(
        &mut self,
        inst: usize,
        call: usize,
    ) -> Option<(Arc<Expansion>, Vec<usize>)> {
        match self.insts.get(inst)?.children.get(&call) {
            Some(Children::Done(e, v)) => return Some((e.clone(), v.clone())),
            Some(Children::Remote) => return None,
            Some(Children::Busy) => {
                self.order_sensitive = true;
                let def = self.insts[inst].def.clone();
                let c = def.calls.get(call)?;
                let o = Origin::new(c.file, c.range);
                self.diag(Diagnostic::warning(
                    Code::ReferenceCycle,
                    format!("module {} depends on itself", c.name),
                    Some(o),
                ));
                return None;
            }
            None => {}
        }
        self.insts[inst].children.insert(call, Children::Busy);
        let result = self.make_children(inst, call);
        let slot = match &result {
            Some((e, v)) => Children::Done(e.clone(), v.clone()),
            None => Children::Remote,
        };
        self.insts[inst].children.insert(call, slot);
        result
    }

    fn make_children(&mut self, inst: usize, call: usize) -> Option<(Arc<Expansion>, Vec<usize>)> {
        let def = self.insts[inst].def.clone();
        let c = def.calls.get(call)?;
        let origin = Origin::new(c.file, c.range);
        let prefix = self.insts[inst].prefix.clone();
        let Some(src) = c.source.clone() else {
            self.diag(Diagnostic::warning(
                Code::Unsupported,
                format!("module {} has no literal source; it is not loaded", c.name),
                Some(origin.clone()),
            ));
            return None;
        };
        if !(src.starts_with("./") || src.starts_with("../")) {
            self.diag(Diagnostic::warning(
                Code::RemoteModule,
                format!("module {prefix}module.{} has remote source {src:?}; it is not fetched: IAM users, roles and policies it may create are not seen, and its outputs are unknown", c.name),
                Some(origin.clone()),
            ));
            return None;
        }
        let Some(dir) = config::normalize_join(&def.dir, &src) else {
            self.diag(Diagnostic::warning(
                Code::Unsupported,
                format!(
                    "module {} source {src:?} cannot be resolved; it is not loaded",
                    c.name
                ),
                Some(origin.clone()),
            ));
            return None;
        };
        if !self.source.allows(&dir) {
            self.diag(Diagnostic::warning(
                Code::Unsupported,
                format!(
                    "module {} source {src:?} lies outside the folder passgraph reads; it is not loaded: IAM users, roles and policies it may create are not seen, and its outputs are unknown",
                    c.name
                ),
                Some(origin.clone()),
            ));
            return None;
        }
        let depth = self.insts[inst].depth + 1;
        if depth > limits::MAX_MODULE_DEPTH {
            self.diag(Diagnostic::error(
                Code::Limit,
                format!(
                    "module {} nests deeper than {} levels; it is not loaded",
                    c.name,
                    limits::MAX_MODULE_DEPTH
                ),
                Some(origin.clone()),
            ));
            return None;
        }
        // A module that calls itself (directly or through others) never ends.
        let mut anc = Some(inst);
        while let Some(a) = anc {
            if self.insts[a].def.dir == dir {
                self.diag(Diagnostic::error(
                    Code::ReferenceCycle,
                    format!(
                        "module {} calls a module that contains it ({src:?}); it is not loaded",
                        c.name
                    ),
                    Some(origin.clone()),
                ));
                return None;
            }
            anc = self.insts[a].parent;
        }
        let sc = Scope::new(inst, c.file);
        let exp = self.expansion(&sc, c.body.view(), &format!("{prefix}module.{}", c.name));
        let rel = config::rel_path(&self.root, &dir);
        let child_def = self.module_def(&dir, &rel);
        if child_def.file_count == 0 {
            self.diag(Diagnostic::warning(
                Code::UnresolvedReference,
                format!(
                    "module {} source {src:?} has no configuration files",
                    c.name
                ),
                Some(origin.clone()),
            ));
        }
        let parent_uncertain = self.insts[inst].uncertain;
        let mut ids = Vec::new();
        for (key, bindings) in &exp.keys {
            if self.insts.len() >= limits::MAX_MODULE_INSTANCES {
                self.diag(Diagnostic::error(
                    Code::Limit,
                    format!(
                        "more than {} module instances; the rest are not loaded",
                        limits::MAX_MODULE_INSTANCES
                    ),
                    Some(origin.clone()),
                ));
                break;
            }
            ids.push(self.insts.len());
            self.insts.push(Inst {
                def: child_def.clone(),
                parent: Some(inst),
                call: Some(call),
                call_bindings: bindings.clone(),
                prefix: format!("{prefix}module.{}{}.", c.name, key.suffix()),
                depth,
                uncertain: parent_uncertain || exp.uncertain,
                locals: HashMap::default(),
                vars: HashMap::default(),
                outputs: HashMap::default(),
                children: HashMap::default(),
            });
        }
        Some((Arc::new(exp), ids))
    }

    /// Evaluates `count` / `for_each` of a block.
    pub(crate) fn expansion(&mut self, sc: &Scope, body: BodyRef<'_>, address: &str) -> Expansion {
        if let Some((e, _)) = body.attr("count") {
            let o = self.origin(sc, e.range());
            let v = self.eval_or_unknown(sc, e, &format!("{address}.count"));
            let (n, uncertain) = match self.count_of(&v) {
                Some(x) => x,
                None => {
                    self.diag(Diagnostic::warning(
                        Code::UnknownValue,
                        format!("count of {address} is not known offline; one instance is assumed, which may not exist"),
                        Some(o.clone()),
                    ));
                    (1, true)
                }
            };
            let n = self.cap_instances(n, address, &o);
            let keys = (0..n)
                .map(|i| {
                    let idx = Value::new(V::Num(i as f64), o.clone());
                    let count = Value::map(vec![("index".to_owned(), o.clone(), idx)], o.clone());
                    (InstKey::Int(i as i64), vec![("count".to_owned(), count)])
                })
                .collect();
            return Expansion {
                kind: ExpKind::Count,
                keys,
                uncertain,
            };
        }
        let Some((e, _)) = body.attr("for_each") else {
            return Expansion::single();
        };
        let o = self.origin(sc, e.range());
        let v = self.eval_or_unknown(sc, e, &format!("{address}.for_each"));
        let v = self.force(v);
        let mut uncertain = false;
        let alts: Vec<Value> = match &v.v {
            V::Choice(a) => {
                uncertain = true;
                a.as_ref().clone()
            }
            _ => vec![v.clone()],
        };
        let mut keys: Vec<(InstKey, Vec<(String, Value)>)> = Vec::new();
        let mut unknown = false;
        for alt in alts {
            let alt = self.force(alt);
            match &alt.v {
                V::Map(m) => {
                    for (k, ko, val) in m.iter() {
                        let key = Value::lit(k, ko.clone());
                        push_each(&mut keys, InstKey::Str(k.clone()), key, val.clone(), &o);
                    }
                }
                V::List(items) => {
                    for it in items.iter() {
                        match &it.v {
                            V::Str(s, _) if s.is_known() => {
                                let k = s.as_known().unwrap_or_default().to_owned();
                                push_each(&mut keys, InstKey::Str(k), it.clone(), it.clone(), &o);
                            }
                            V::Num(n) => {
                                let k = crate::value::num_text(*n);
                                let kv = Value::lit(&k, it.origin.clone());
                                push_each(&mut keys, InstKey::Str(k), kv.clone(), kv, &o);
                            }
                            _ => unknown = true,
                        }
                    }
                }
                V::Null => {}
                _ => unknown = true,
            }
        }
        if unknown {
            self.diag(Diagnostic::warning(
                Code::UnknownValue,
                format!("for_each of {address} is not known offline; one instance of unknown key is assumed, which may not exist"),
                Some(o.clone()),
            ));
            let k = Value::unknown(format!("{address}.each.key"), o.clone());
            let val = Value::unknown(format!("{address}.each.value"), o.clone());
            push_each(&mut keys, InstKey::Unknown, k, val, &o);
            return Expansion {
                kind: ExpKind::Unknown,
                keys,
                uncertain: true,
            };
        }
        if keys.len() > limits::MAX_INSTANCES {
            self.cap_instances(keys.len(), address, &o);
            keys.truncate(limits::MAX_INSTANCES);
        }
        Expansion {
            kind: ExpKind::ForEach,
            keys,
            uncertain,
        }
    }

    fn cap_instances(&mut self, n: usize, address: &str, o: &Origin) -> usize {
        if n > limits::MAX_INSTANCES {
            self.diag(Diagnostic::error(
                Code::Limit,
                format!(
                    "{address} has {n} instances; only the first {} are read",
                    limits::MAX_INSTANCES
                ),
                Some(o.clone()),
            ));
            return limits::MAX_INSTANCES;
        }
        n
    }

    /// A known count, or the largest of the alternatives of a conditional count.
    fn count_of(&self, v: &Value) -> Option<(usize, bool)> {
        let to_n = |x: f64| {
            if x.is_finite() && x >= 0.0 {
                Some(x as usize)
            } else {
                None
            }
        };
        match &v.v {
            V::Choice(alts) => {
                let mut max = 0usize;
                for a in alts.iter() {
                    max = max.max(to_n(a.as_num()?)?);
                }
                Some((max, true))
            }
            V::Null => Some((0, false)),
            _ => Some((to_n(v.as_num()?)?, false)),
        }
    }

    /// The expansion of resource `res` of instance `inst`.
    pub(crate) fn res_expansion(&mut self, inst: usize, res: usize) -> Option<Arc<Expansion>> {
        if let Some(slot) = self.res_exp.get(&(inst, res)).cloned() {
            if slot.is_none() {
                self.order_sensitive = true;
                let def = self.insts[inst].def.clone();
                if let Some(d) = def.resources.get(res) {
                    self.diag(Diagnostic::warning(
                        Code::ReferenceCycle,
                        format!(
                            "count or for_each of {} depends on itself",
                            d.local_address()
                        ),
                        Some(Origin::new(d.file, d.range)),
                    ));
                }
            }
            return slot;
        }
        self.res_exp.insert((inst, res), None);
        let def = self.insts[inst].def.clone();
        let d = def.resources.get(res)?;
        let body = d.body.view();
        let e = if body.attr("count").is_none() && body.attr("for_each").is_none() {
            static SINGLE: LazyLock<Arc<Expansion>> =
                LazyLock::new(|| Arc::new(Expansion::single()));
            SINGLE.clone()
        } else {
            let sc = Scope::new(inst, d.file);
            let addr = format!("{}{}", self.insts[inst].prefix, d.local_address());
            Arc::new(self.expansion(&sc, body, &addr))
        };
        self.res_exp.insert((inst, res), Some(e.clone()));
        Some(e)
    }

    /// The scope of one resource instance's body.
    pub(crate) fn res_scope(&mut self, key: &ResKey) -> Option<Scope> {
        let def = self.insts.get(key.inst)?.def.clone();
        let d = def.resources.get(key.res)?;
        let exp = self.res_expansion(key.inst, key.res)?;
        let bindings = exp
            .keys
            .iter()
            .find(|(k, _)| *k == key.key)
            .map(|(_, b)| b.clone())
            .unwrap_or_default();
        Some(Scope {
            inst: key.inst,
            file: d.file,
            fixed: None,
            bindings,
            template_only: false,
            suffix: key.key.suffix(),
        })
    }

    /// The address of a resource instance: `module.a.aws_iam_role.x["k"]`.
    pub(crate) fn res_address(&self, key: &ResKey) -> String {
        let Some(inst) = self.insts.get(key.inst) else {
            return String::new();
        };
        let Some(d) = inst.def.resources.get(key.res) else {
            return String::new();
        };
        format!("{}{}{}", inst.prefix, d.local_address(), key.key.suffix())
    }

    /// The module definition of an instance.
    pub(crate) fn def(&self, inst: usize) -> Option<&ModuleDef> {
        self.insts.get(inst).map(|i| i.def.as_ref())
    }
}

fn needs_force(v: &Value) -> bool {
    match &v.v {
        V::Res(_) | V::Module(_) => true,
        V::List(items) | V::Choice(items) => items.iter().any(needs_force),
        V::Map(m) => m.iter().any(|(_, _, x)| needs_force(x)),
        _ => false,
    }
}

fn push_each(
    keys: &mut Vec<(InstKey, Vec<(String, Value)>)>,
    k: InstKey,
    key: Value,
    val: Value,
    o: &Origin,
) {
    if keys.iter().any(|(x, _)| *x == k) {
        return;
    }
    let each = Value::map(
        vec![
            ("key".to_owned(), o.clone(), key),
            ("value".to_owned(), o.clone(), val),
        ],
        o.clone(),
    );
    keys.push((k, vec![("each".to_owned(), each)]));
}

/// An expression's text on one line, its runs of white space made one space, at most 40
/// characters (the 40th then `…`).
fn abbreviate(text: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() > MAX {
            let cut: String = out.chars().take(MAX - 1).collect();
            return format!("{cut}…");
        }
    }
    out
}

#[cfg(test)]
mod abbreviate_tests {
    use super::abbreviate;

    #[test]
    fn expressions_are_shortened_on_one_line() {
        assert_eq!(abbreviate("lower(var.name)"), "lower(var.name)");
        assert_eq!(
            abbreviate("merge(\n    local.a,\n    local.b\n  )"),
            "merge( local.a, local.b )"
        );
        let long = format!("join(\"-\", [{}])", "var.x, ".repeat(10));
        let short = abbreviate(&long);
        assert_eq!(short.chars().count(), 40);
        assert!(
            short.starts_with("join(\"-\", [var.x, var.x,") && short.ends_with('…'),
            "{short}"
        );
        assert_eq!(abbreviate("  \n "), "");
    }
}
