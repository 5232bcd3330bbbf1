//! Reading the sections of a plan (or state) document into an index of resource instances.
//!
//! Every instance is kept as byte ranges into the text ([`Val`]s); nothing is decoded until
//! the model builder asks for it. Instances are indexed by address in a `HashMap`, so lookups
//! stay constant-time in plans with hundreds of thousands of resources.

use passgraph_model::hash::{HashMap, HashSet};
use std::sync::Arc;

use passgraph_model::{Code, Diagnostic, FileId, Origin, Str, TextRange};

use crate::address::{Address, InstKey, join, parse_address};
use crate::json::Val;

/// How many references one plan may make the reader follow.
pub(crate) const REFERENCE_BUDGET: usize = 2_000_000;

/// What the plan does with an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// `["create"]`.
    Create,
    /// `["update"]`.
    Update,
    /// `["no-op"]`.
    NoOp,
    /// `["delete","create"]` or `["create","delete"]`.
    Replace,
    /// `["delete"]`: gone after apply.
    Delete,
    /// `["read"]`: a data source read during apply.
    Read,
    /// `["forget"]`: removed from the state but not destroyed, so it still exists.
    Forget,
    /// Only in `planned_values` (no change entry).
    Planned,
    /// In the state (state-form document, or `prior_state` without a change entry).
    Exists,
}

/// One resource instance.
#[derive(Clone, Debug)]
pub(crate) struct Instance<'a> {
    /// The full address, e.g. `module.app.aws_iam_role.web["a"]`.
    pub(crate) address: Arc<str>,
    /// The position of the address in the plan file.
    pub(crate) addr_range: TextRange,
    /// The address in parts.
    pub(crate) parsed: Address,
    /// A data source.
    pub(crate) data: bool,
    /// The resource type.
    pub(crate) rtype: String,
    /// What the plan does.
    pub(crate) action: Action,
    /// The values after apply (`after`, `values`), or before it for deletions.
    pub(crate) values: Option<Val<'a>>,
    /// The mirror of `values` with `true` at unknown leaves (`after_unknown`).
    pub(crate) unknown: Option<Val<'a>>,
    /// The mirror of `values` with `true` at sensitive leaves.
    pub(crate) sensitive: Option<Val<'a>>,
    /// The values before apply, when the plan changes the instance.
    pub(crate) before: Option<Val<'a>>,
}

/// The configuration of one module.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ModuleCfg<'a> {
    /// The module object (`root_module` or `module_calls.<name>.module`).
    pub(crate) module: Val<'a>,
    /// The call in the parent module (`module_calls.<name>`), absent for the root module.
    pub(crate) call: Option<Val<'a>>,
}

/// The reader: the plan's instances and configuration, and what was said about them.
pub(crate) struct Reader<'a> {
    pub(crate) file: FileId,
    /// Every live instance (what exists after apply) and every data source.
    pub(crate) insts: Vec<Instance<'a>>,
    /// Instances deleted by the plan (including deposed objects).
    pub(crate) deleted: Vec<Instance<'a>>,
    pub(crate) by_addr: HashMap<Arc<str>, usize>,
    /// (module instance, resource) → instances.
    pub(crate) by_res: HashMap<(String, String), Vec<usize>>,
    /// (module path, resource) → instances, across module instances.
    pub(crate) by_res_path: HashMap<(String, String), Vec<usize>>,
    /// (module path, resource) → the resource's configuration object.
    pub(crate) cfg_res: HashMap<(String, String), Val<'a>>,
    /// module path → module configuration.
    pub(crate) modules: HashMap<String, ModuleCfg<'a>>,
    /// The root module's variable values (`variables`).
    pub(crate) variables: Option<Val<'a>>,
    /// The account id of the plan, when known.
    pub(crate) account: Option<Str>,
    /// The partition of the plan, when known.
    pub(crate) partition: Option<Str>,
    pub(crate) diags: Vec<Diagnostic>,
    /// Keys of holes already explained by a diagnostic.
    pub(crate) explained: HashSet<String>,
    /// How many more references may be followed (hostile configurations can make reference
    /// chains branch exponentially).
    pub(crate) budget: usize,
}

/// The sections of the top-level object that matter.
pub(crate) struct Sections<'a> {
    pub(crate) planned_values: Option<Val<'a>>,
    pub(crate) resource_changes: Option<Val<'a>>,
    pub(crate) prior_state: Option<Val<'a>>,
    pub(crate) configuration: Option<Val<'a>>,
    pub(crate) values: Option<Val<'a>>,
    pub(crate) variables: Option<Val<'a>>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(file: FileId) -> Reader<'a> {
        Reader {
            file,
            insts: Vec::new(),
            deleted: Vec::new(),
            by_addr: HashMap::default(),
            by_res: HashMap::default(),
            by_res_path: HashMap::default(),
            cfg_res: HashMap::default(),
            modules: HashMap::default(),
            variables: None,
            account: None,
            partition: None,
            diags: Vec::new(),
            explained: HashSet::default(),
            budget: REFERENCE_BUDGET,
        }
    }

    /// An origin in the plan file with an address.
    pub(crate) fn origin(&self, range: TextRange, address: &Arc<str>) -> Origin {
        Origin {
            file: self.file,
            range,
            address: Some(address.clone()),
        }
    }

    /// An origin in the plan file without an address.
    pub(crate) fn origin_at(&self, range: TextRange) -> Origin {
        Origin::new(self.file, range)
    }

    pub(crate) fn shape(&mut self, message: String, range: TextRange) {
        self.diags.push(Diagnostic::warning(
            Code::Shape,
            message,
            Some(self.origin_at(range)),
        ));
    }

    /// Reads all sections. Plan form when `resource_changes` or `planned_values` is there,
    /// state form otherwise.
    pub(crate) fn read(&mut self, s: &Sections<'a>) {
        self.variables = s.variables;
        if let Some(cfg) = s.configuration {
            self.read_configuration(cfg);
        }
        let mut moved_from: HashSet<String> = HashSet::default();
        let mut deleted_addrs: HashSet<Arc<str>> = HashSet::default();
        if let Some(rc) = s.resource_changes {
            if rc.kind() == crate::json::Kind::Array {
                for entry in rc.items() {
                    self.read_change(entry, &mut moved_from, &mut deleted_addrs);
                }
            } else if !rc.is_null() {
                self.shape(
                    format!("resource_changes must be a list, found {}", rc.kind_name()),
                    rc.range(),
                );
            }
        }
        if let Some(pv) = s.planned_values {
            self.read_values(
                pv,
                Action::Planned,
                &HashSet::default(),
                &deleted_addrs,
                "planned_values",
            );
        }
        if let Some(ps) = s.prior_state {
            match ps.get("values") {
                Some(v) if !v.is_null() => {
                    self.read_values(
                        v,
                        Action::Exists,
                        &moved_from,
                        &deleted_addrs,
                        "prior_state.values",
                    );
                }
                _ => {}
            }
        }
        if let Some(v) = s.values {
            self.read_values(
                v,
                Action::Exists,
                &HashSet::default(),
                &HashSet::default(),
                "values",
            );
        }
    }

    fn read_change(
        &mut self,
        entry: Val<'a>,
        moved_from: &mut HashSet<String>,
        deleted_addrs: &mut HashSet<Arc<str>>,
    ) {
        let [
            address,
            mode,
            rtype,
            change,
            deposed,
            previous,
            index_unknown,
        ] = entry.fields([
            "address",
            "mode",
            "type",
            "change",
            "deposed",
            "previous_address",
            "index_unknown",
        ]);
        let Some((address, addr_range, parsed)) = self.read_address(address, entry) else {
            return;
        };
        if let Some(p) = previous.and_then(|p| p.as_str()) {
            moved_from.insert(p.into_owned());
        }
        let data = mode.and_then(|m| m.as_str()).is_some_and(|m| m == "data")
            || parsed.resource.starts_with("data.");
        let Some(rtype) = rtype.and_then(|t| t.as_str()).map(|t| t.into_owned()) else {
            self.shape(
                format!("resource change {address} has no type"),
                entry.range(),
            );
            return;
        };
        if index_unknown.and_then(|v| v.as_bool()) == Some(true) {
            self.diags.push(Diagnostic::warning(
                Code::UnknownValue,
                format!("{address}: the instances of this resource are not known until apply (deferred); it is not analysed"),
                Some(self.origin(addr_range, &address)),
            ));
            return;
        }
        let Some(change) = change.filter(|c| c.kind() == crate::json::Kind::Object) else {
            self.shape(
                format!("resource change {address} has no change object"),
                entry.range(),
            );
            return;
        };
        let [
            actions,
            before,
            after,
            after_unknown,
            after_sensitive,
            before_sensitive,
        ] = change.fields([
            "actions",
            "before",
            "after",
            "after_unknown",
            "after_sensitive",
            "before_sensitive",
        ]);
        let action = self.read_actions(actions, &address, addr_range);
        let nonnull = |v: Option<Val<'a>>| v.filter(|v| !v.is_null());
        let mut inst = Instance {
            address: address.clone(),
            addr_range,
            parsed,
            data,
            rtype,
            action,
            values: nonnull(after),
            unknown: nonnull(after_unknown),
            sensitive: nonnull(after_sensitive),
            before: nonnull(before),
        };
        match action {
            Action::Delete => {
                inst.values = inst.before;
                inst.unknown = None;
                inst.sensitive = nonnull(before_sensitive);
                deleted_addrs.insert(address);
                self.deleted.push(inst);
                return;
            }
            Action::Forget => {
                inst.values = inst.before;
                inst.unknown = None;
                inst.sensitive = nonnull(before_sensitive);
            }
            _ => {}
        }
        if deposed.is_some() {
            // A deposed object (an old copy kept by create_before_destroy): it is being
            // destroyed, and it never carries the address's current values.
            if action == Action::Delete || action == Action::Replace {
                self.deleted.push(inst);
            }
            return;
        }
        self.insert(inst);
    }

    fn read_actions(
        &mut self,
        actions: Option<Val<'a>>,
        address: &Arc<str>,
        range: TextRange,
    ) -> Action {
        let list: Vec<String> = actions
            .map(|a| {
                a.items()
                    .filter_map(|i| i.as_str().map(|s| s.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let has = |s: &str| list.iter().any(|a| a == s);
        if has("delete") && has("create") {
            Action::Replace
        } else if has("delete") {
            Action::Delete
        } else if has("create") {
            Action::Create
        } else if has("update") {
            Action::Update
        } else if has("no-op") {
            Action::NoOp
        } else if has("read") {
            Action::Read
        } else if has("forget") {
            Action::Forget
        } else {
            let shown = list.join(", ");
            self.diags.push(Diagnostic::warning(
                Code::Shape,
                format!(
                    "{address}: unknown change actions [{shown}]; the resource is read as existing"
                ),
                Some(self.origin(range, address)),
            ));
            Action::Update
        }
    }

    fn read_address(
        &mut self,
        address: Option<Val<'a>>,
        entry: Val<'a>,
    ) -> Option<(Arc<str>, TextRange, Address)> {
        let Some(av) = address else {
            self.shape("resource entry has no address".to_owned(), entry.range());
            return None;
        };
        let Some(text) = av.as_str() else {
            self.shape(
                format!(
                    "resource address must be a string, found {}",
                    av.kind_name()
                ),
                av.range(),
            );
            return None;
        };
        let Some(parsed) = parse_address(&text) else {
            self.shape(
                format!("resource address {text:?} is not a terraform address"),
                av.range(),
            );
            return None;
        };
        Some((Arc::from(text.as_ref()), av.range(), parsed))
    }

    fn insert(&mut self, inst: Instance<'a>) {
        if let Some(&old) = self.by_addr.get(&inst.address) {
            // The same address twice in one section: the last entry wins.
            let origin = self.origin(inst.addr_range, &inst.address);
            self.diags.push(Diagnostic::warning(
                Code::Duplicate,
                format!("{} is listed twice; the last entry wins", inst.address),
                Some(origin),
            ));
            if let Some(slot) = self.insts.get_mut(old) {
                *slot = inst;
            }
            return;
        }
        let i = self.insts.len();
        self.by_addr.insert(inst.address.clone(), i);
        self.by_res
            .entry((inst.parsed.module.clone(), inst.parsed.resource.clone()))
            .or_default()
            .push(i);
        self.by_res_path
            .entry((
                inst.parsed.module_path.clone(),
                inst.parsed.resource.clone(),
            ))
            .or_default()
            .push(i);
        self.insts.push(inst);
    }

    /// Reads a values representation (`planned_values`, `prior_state.values`, state `values`):
    /// adds the instances that no earlier section had.
    fn read_values(
        &mut self,
        values: Val<'a>,
        action: Action,
        skip: &HashSet<String>,
        deleted: &HashSet<Arc<str>>,
        section: &str,
    ) {
        let Some(root) = values.get("root_module") else {
            return;
        };
        let mut stack = vec![(root, String::new())];
        while let Some((module, module_addr)) = stack.pop() {
            if module.kind() != crate::json::Kind::Object {
                self.shape(
                    format!(
                        "a module in {section} must be an object, found {}",
                        module.kind_name()
                    ),
                    module.range(),
                );
                continue;
            }
            let [resources, children] = module.fields(["resources", "child_modules"]);
            for r in resources.iter().flat_map(Val::items) {
                self.read_value_resource(r, &module_addr, action, skip, deleted);
            }
            // Children are pushed in reverse so that they are read in document order.
            let kids: Vec<(Val<'a>, String)> = children
                .iter()
                .flat_map(Val::items)
                .map(|c| {
                    let addr = c
                        .get("address")
                        .and_then(|a| a.as_str())
                        .map(|a| a.into_owned());
                    (c, addr.unwrap_or_else(|| module_addr.clone()))
                })
                .collect();
            stack.extend(kids.into_iter().rev());
        }
    }

    fn read_value_resource(
        &mut self,
        r: Val<'a>,
        module_addr: &str,
        action: Action,
        skip: &HashSet<String>,
        deleted: &HashSet<Arc<str>>,
    ) {
        let [address, mode, rtype, values, sensitive, index] = r.fields([
            "address",
            "mode",
            "type",
            "values",
            "sensitive_values",
            "index",
        ]);
        let Some((mut address, mut addr_range, mut parsed)) = self.read_address(address, r) else {
            return;
        };
        // Terraform 0.12 wrote module-relative addresses without instance keys in the
        // state representation; rebuild the full address from the module and `index`.
        let relative = !module_addr.is_empty() && parsed.module.is_empty();
        let keyless = parsed.key.is_none() && index.is_some_and(|i| !i.is_null());
        if relative || keyless {
            let mut full = if relative {
                join(module_addr, &address)
            } else {
                address.to_string()
            };
            if keyless
                && let Some(k) = index.and_then(|i| match i.kind() {
                    crate::json::Kind::Number => i
                        .as_number()
                        .and_then(|n| n.parse::<i64>().ok())
                        .map(InstKey::Int),
                    crate::json::Kind::String => i.as_str().map(|s| InstKey::Str(s.into_owned())),
                    _ => None,
                })
            {
                full.push_str(&k.to_string());
            }
            match parse_address(&full) {
                Some(p) => {
                    parsed = p;
                    address = Arc::from(full.as_str());
                }
                None => {
                    addr_range = r.range();
                    self.shape(
                        format!("resource address {full:?} is not a terraform address"),
                        addr_range,
                    );
                    return;
                }
            }
        }
        if self.by_addr.contains_key(&address) || skip.contains(address.as_ref()) {
            return;
        }
        let data = mode.and_then(|m| m.as_str()).is_some_and(|m| m == "data")
            || parsed.resource.starts_with("data.");
        // A managed resource that the plan deletes is gone; its prior state is not a live copy.
        if !data && deleted.contains(&address) {
            return;
        }
        let Some(rtype) = rtype.and_then(|t| t.as_str()).map(|t| t.into_owned()) else {
            self.shape(format!("resource {address} has no type"), r.range());
            return;
        };
        self.insert(Instance {
            address,
            addr_range,
            parsed,
            data,
            rtype,
            action,
            values: values.filter(|v| !v.is_null()),
            unknown: None,
            sensitive: sensitive.filter(|v| !v.is_null()),
            before: None,
        });
    }

    fn read_configuration(&mut self, cfg: Val<'a>) {
        let Some(root) = cfg.get("root_module") else {
            return;
        };
        // (module path, module object, call object, nesting depth)
        let mut stack: Vec<(String, Val<'a>, Option<Val<'a>>, usize)> =
            vec![(String::new(), root, None, 0)];
        while let Some((path, module, call, depth)) = stack.pop() {
            if module.kind() != crate::json::Kind::Object {
                continue;
            }
            let [resources, calls] = module.fields(["resources", "module_calls"]);
            for r in resources.iter().flat_map(Val::items) {
                let Some(addr) = r.get("address").and_then(|a| a.as_str()) else {
                    continue;
                };
                // The code emits module-relative addresses; older documentation says absolute.
                let resource = match parse_address(&addr) {
                    Some(a) => a.resource,
                    None => continue,
                };
                self.cfg_res.insert((path.clone(), resource), r);
            }
            for (name, call) in calls.iter().flat_map(Val::entries) {
                let Some(child) = call.get("module") else {
                    continue;
                };
                // The limit is on nesting, not on how many modules one module calls.
                if depth >= crate::json::MAX_DEPTH {
                    break;
                }
                let child_path = join(&path, &format!("module.{}", name.text()));
                stack.push((child_path, child, Some(call), depth + 1));
            }
            self.modules.insert(path, ModuleCfg { module, call });
        }
    }

    /// The configuration object of an instance's resource.
    pub(crate) fn config_of(&self, inst: &Instance<'a>) -> Option<Val<'a>> {
        self.cfg_res
            .get(&(
                inst.parsed.module_path.clone(),
                inst.parsed.resource.clone(),
            ))
            .copied()
    }
}
