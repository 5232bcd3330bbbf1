//! Intrinsic functions, parameters, mappings, conditions and pseudo parameters, resolved to
//! values the way CloudFormation resolves them at deploy time, as far as that is possible offline.
//!
//! A resolved value is a [`Node`]. What cannot be known offline stays symbolic: a string with a
//! hole named after its origin (`template.yaml:MyRole.RoleName`, `template.yaml:BucketName`), a
//! [`NodeKind::Unknown`] for whole lists, a [`NodeKind::Choice`] for a value picked by a condition
//! that cannot be decided. Each gives one diagnostic (per hole key and file) at its first use.
//! A value produced by a function carries the origin of the function call, where it is used.

use passgraph_model::hash::{HashMap, HashSet};
use std::sync::Arc;

use passgraph_model::arn::iam_arn;
use passgraph_model::value::{Charset, DNS_SUFFIX_HOLE, HoleClass};
use passgraph_model::{Code, Diagnostic, FileId, Level, Node, NodeKind, Origin, Str, Tri};

use crate::Options;
use crate::exists::Formula;
use crate::template::{Resource, Template};
use cond::AtomKey;

/// Most alternatives a value picked by conditions may have before it is given up as unknown.
const MAX_ALTS: usize = 16;

/// Deepest nesting of resolution (tree depth plus references followed).
const MAX_RESOLVE_DEPTH: usize = 320;

/// The name and path of an IAM entity defined in the template. An entity whose name depends on
/// a condition that cannot be decided has several (see [`Ctx::idents`]).
#[derive(Clone, Debug)]
pub(crate) struct Ident {
    /// IAM name; a hole when CloudFormation generates it.
    pub(crate) name: Str,
    /// IAM path, `/` by default.
    pub(crate) path: Str,
    /// When the entity has this name (and path), given that its resource exists.
    pub(crate) guard: Formula,
}

/// The resolution context of one template.
pub(crate) struct Ctx<'t> {
    pub(crate) tpl: &'t Template,
    pub(crate) opts: &'t Options,
    pub(crate) diags: Vec<Diagnostic>,
    reported: HashSet<String>,
    conds: HashMap<String, Tri>,
    cond_busy: HashSet<String>,
    idents: HashMap<usize, Vec<Ident>>,
    ident_busy: HashSet<usize>,
    depth: usize,
    /// Atoms of condition formulas, by what they stand for.
    atoms: HashMap<AtomKey, u32>,
    /// Named conditions as formulas (memo).
    formulas: HashMap<String, Formula>,
    formula_busy: HashSet<String>,
    /// Set while a condition is re-read as a formula: diagnostics are not repeated.
    quiet: bool,
    /// What hole keys start with: the file's name as the user gave it (`cfn#<file>` when the
    /// caller gave none).
    pub(crate) label: Arc<str>,
    /// The class of the items of unknown lists (`List<Number>` parameters), by list key.
    pub(crate) item_classes: HashMap<Arc<str>, HoleClass>,
    /// The template's text and its line starts (empty when not given).
    text: &'t str,
    line_starts: Vec<u32>,
}

/// The class of the value of a parameter of type `ty`, following the CloudFormation parameter
/// types: `Number` is a number; the AWS-specific EC2 id types are lower-case ids
/// (`vpc-0abc`, `us-east-1a`), a hosted zone id upper-case letters and digits; a `String` whose
/// `AllowedPattern` is twelve digits is an account id; `AWS::SSM::Parameter::Value<T>` is a `T`.
/// Everything else (`String`, key pair and security group names, SSM parameter names) is free
/// text. Lists are lists of such values.
pub(crate) fn parameter_class(ty: &str, decl: &Node) -> HoleClass {
    let ty = ty.trim();
    if let Some(inner) = ty
        .strip_prefix("AWS::SSM::Parameter::Value<")
        .and_then(|t| t.strip_suffix('>'))
    {
        return parameter_class(inner, decl);
    }
    if let Some(inner) = ty.strip_prefix("List<").and_then(|t| t.strip_suffix('>')) {
        return parameter_class(inner, decl);
    }
    let lower_id = HoleClass::Name {
        charset: Charset::LowerId,
        max_len: 64,
    };
    match ty {
        "Number" => HoleClass::Number,
        "AWS::EC2::AvailabilityZone::Name"
        | "AWS::EC2::Image::Id"
        | "AWS::EC2::Instance::Id"
        | "AWS::EC2::SecurityGroup::Id"
        | "AWS::EC2::Subnet::Id"
        | "AWS::EC2::Volume::Id"
        | "AWS::EC2::VPC::Id" => lower_id,
        "AWS::Route53::HostedZone::Id" => HoleClass::Name {
            charset: Charset::AlphanumericDash,
            max_len: 32,
        },
        "String" => {
            let pattern = decl.get("AllowedPattern").and_then(Node::as_known_str);
            match pattern.map(|p| p.trim_start_matches('^').trim_end_matches('$')) {
                Some(r"\d{12}" | "[0-9]{12}" | r"[\d]{12}") => HoleClass::Account,
                _ => HoleClass::Free,
            }
        }
        _ => HoleClass::Free,
    }
}

/// The class of a name CloudFormation generates for a resource of type `ty` (the name property
/// absent): `<stack>-<LogicalId>-<suffix>`, of `[A-Za-z0-9-]` only, cut to what IAM allows (64
/// for roles and users, 128 for groups, managed policies and instance profiles). Other types'
/// physical ids are free text.
pub(crate) fn generated_name(ty: &str) -> HoleClass {
    match name_length(ty) {
        Some(max_len) => HoleClass::Name {
            charset: Charset::AlphanumericDash,
            max_len,
        },
        None => HoleClass::Free,
    }
}

/// The class of a name given to an IAM resource of type `ty` but not known offline:
/// `[\w+=,.@-]`, as IAM allows.
pub(crate) fn given_name(ty: &str) -> HoleClass {
    match name_length(ty) {
        Some(max_len) => HoleClass::Name {
            charset: Charset::IamName,
            max_len,
        },
        None => HoleClass::Free,
    }
}

fn name_length(ty: &str) -> Option<u16> {
    match ty {
        "AWS::IAM::Role" | "AWS::IAM::User" => Some(64),
        "AWS::IAM::Group" | "AWS::IAM::InstanceProfile" | "AWS::IAM::ManagedPolicy" => Some(128),
        _ => None,
    }
}

/// An intrinsic function call: a mapping with one key, `Ref` or `Fn::*`.
pub(crate) fn intrinsic(node: &Node) -> Option<(&str, &Origin, &Node)> {
    match node.entries() {
        [(k, ko, v)] => {
            let name = k.as_known()?;
            (name == "Ref" || name.starts_with("Fn::")).then_some((name, ko, v))
        }
        _ => None,
    }
}

impl<'t> Ctx<'t> {
    pub(crate) fn new(file: FileId, tpl: &'t Template, opts: &'t Options) -> Ctx<'t> {
        Ctx {
            tpl,
            opts,
            diags: Vec::new(),
            reported: HashSet::default(),
            conds: HashMap::default(),
            cond_busy: HashSet::default(),
            idents: HashMap::default(),
            ident_busy: HashSet::default(),
            depth: 0,
            atoms: HashMap::default(),
            formulas: HashMap::default(),
            formula_busy: HashSet::default(),
            quiet: false,
            label: format!("cfn#{}", file.0).into(),
            item_classes: HashMap::default(),
            text: "",
            line_starts: Vec::new(),
        }
    }

    /// The hole key of a value of this template: `<file name>:<name>`
    /// (`template.yaml:MyRole.RoleName`). Keys are per file because every template is its own
    /// stack: two templates' `MyRole` are two roles.
    pub(crate) fn key(&self, name: &str) -> Arc<str> {
        format!("{}:{name}", self.label).into()
    }

    /// The hole key of a value computed at byte `offset` of this template:
    /// `template.yaml:Fn::Sub@12:7` (line and column) when the text is known, else the offset.
    pub(crate) fn key_at(&self, name: &str, offset: u32) -> Arc<str> {
        let off = usize::try_from(offset).unwrap_or(usize::MAX);
        let at = match self.line_starts.binary_search(&offset) {
            _ if self.text.is_empty() => offset.to_string(),
            Ok(i) => format!("{}:1", i + 1),
            Err(i) => {
                let start = self
                    .line_starts
                    .get(i.wrapping_sub(1))
                    .copied()
                    .unwrap_or(0);
                let start = usize::try_from(start).unwrap_or(0);
                let col = self
                    .text
                    .get(start..off.min(self.text.len()))
                    .map_or(off.saturating_sub(start), |t| t.chars().count());
                format!("{i}:{}", col + 1)
            }
        };
        self.key(&format!("{name}@{at}"))
    }

    /// Sets the template's text, so that keys of computed values name line and column.
    pub(crate) fn set_text(&mut self, text: &'t str) {
        self.text = text;
        self.line_starts = std::iter::once(0)
            .chain(
                text.match_indices('\n')
                    .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            )
            .collect();
    }

    /// A diagnostic, at most once per `key`.
    pub(crate) fn once(
        &mut self,
        key: &str,
        level: Level,
        code: Code,
        message: String,
        origin: &Origin,
    ) {
        if !self.quiet && self.reported.insert(key.to_owned()) {
            self.diags.push(Diagnostic {
                level,
                code,
                message,
                origin: Some(origin.clone()),
            });
        }
    }

    pub(crate) fn warn(&mut self, code: Code, message: String, origin: &Origin) {
        if self.quiet {
            return;
        }
        self.diags
            .push(Diagnostic::warning(code, message, Some(origin.clone())));
    }

    /// The partition as a value (`None` = the canonical hole).
    pub(crate) fn partition(&self) -> Option<Str> {
        self.opts.partition.as_deref().map(Str::lit)
    }

    /// The account id as a value (`None` = the canonical hole).
    pub(crate) fn account(&self) -> Option<Str> {
        self.opts.account_id.as_deref().map(Str::lit)
    }

    /// The ARN of an IAM entity of this account.
    pub(crate) fn arn(&self, kind: &str, ident: &Ident) -> Str {
        iam_arn(
            self.partition().as_ref(),
            self.account().as_ref(),
            kind,
            &ident.path,
            &ident.name,
        )
    }

    /// The ARN of an AWS managed policy (`service-role/AWSLambdaBasicExecutionRole`).
    pub(crate) fn aws_managed_arn(&self, path_and_name: &str) -> Str {
        let mut s = Str::lit("arn:");
        match self.partition() {
            Some(p) => s.append(&p),
            None => s.append(&Str::partition()),
        }
        s.push_str(":iam::aws:policy/");
        s.push_str(path_and_name);
        s
    }

    fn enter(&mut self, origin: &Origin) -> bool {
        if self.depth >= MAX_RESOLVE_DEPTH {
            self.once("limit:resolve", Level::Error, Code::Limit, format!("values nest deeper than {MAX_RESOLVE_DEPTH} levels; the rest is kept as unknown"), origin);
            return false;
        }
        self.depth += 1;
        true
    }

    /// Resolves every intrinsic function in a value. `None` is `AWS::NoValue`: the property is
    /// removed.
    pub(crate) fn resolve(&mut self, node: &Node) -> Option<Node> {
        if !self.enter(&node.origin) {
            return Some(Node::new(
                NodeKind::Unknown(self.key("too-deep")),
                node.origin.clone(),
            ));
        }
        let out = self.resolve_inner(node);
        self.depth -= 1;
        out
    }

    fn resolve_inner(&mut self, node: &Node) -> Option<Node> {
        if let Some((name, _, arg)) = intrinsic(node) {
            return self.function(name, arg, &node.origin);
        }
        match &node.kind {
            NodeKind::Object(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, ko, v) in entries {
                    if let Some(v) = self.resolve(v) {
                        out.push((k.clone(), ko.clone(), v));
                    }
                }
                Some(Node::new(NodeKind::Object(out), node.origin.clone()))
            }
            NodeKind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    // An item may be `AWS::NoValue` (an `Fn::If` branch): it is dropped.
                    if let Some(v) = self.resolve(i) {
                        out.push(v);
                    }
                }
                Some(Node::new(NodeKind::Array(out), node.origin.clone()))
            }
            NodeKind::Choice(alts) => {
                let alts = alts.iter().map(|a| self.resolve(a)).collect();
                choice(alts, &node.origin)
            }
            _ => Some(node.clone()),
        }
    }

    fn function(&mut self, name: &str, arg: &Node, o: &Origin) -> Option<Node> {
        match name {
            "Ref" => self.reference(arg, o),
            "Fn::GetAtt" => Some(self.get_att(arg, o)),
            "Fn::Sub" => Some(self.sub(arg, o)),
            "Fn::Join" => Some(self.join(arg, o)),
            "Fn::Select" => self.select(arg, o),
            "Fn::Split" => Some(self.split(arg, o)),
            "Fn::FindInMap" => self.find_in_map(arg, o),
            "Fn::If" => self.fn_if(arg, o),
            "Fn::ImportValue" => Some(self.import_value(arg, o)),
            "Fn::Base64" => Some(self.base64(arg, o)),
            "Fn::GetAZs" => {
                let key = self.key_at("Fn::GetAZs", o.range.start);
                self.once(
                    &key,
                    Level::Note,
                    Code::UnknownValue,
                    "Fn::GetAZs depends on the region; the list stays unknown".to_owned(),
                    o,
                );
                Some(Node::new(NodeKind::Unknown(key), o.clone()))
            }
            "Fn::Cidr" => {
                let key = self.key_at("Fn::Cidr", o.range.start);
                self.once(
                    &key,
                    Level::Note,
                    Code::UnknownValue,
                    "Fn::Cidr is not computed; the list stays unknown".to_owned(),
                    o,
                );
                Some(Node::new(NodeKind::Unknown(key), o.clone()))
            }
            "Fn::Length" => {
                let v = self.resolve(arg)?;
                match v.kind {
                    NodeKind::Array(items) => Some(Node::new(
                        NodeKind::Number(items.len().to_string()),
                        o.clone(),
                    )),
                    _ => Some(Node::new(
                        NodeKind::Unknown(self.key_at("Fn::Length", o.range.start)),
                        o.clone(),
                    )),
                }
            }
            // The JSON text of a value: kept as the structure, which every reader of JSON
            // properties (policy documents) accepts as well.
            "Fn::ToJsonString" => self.resolve(arg).map(|mut v| {
                v.origin = o.clone();
                v
            }),
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                let call = Node::new(
                    NodeKind::Object(vec![(Str::lit(name), o.clone(), arg.clone())]),
                    o.clone(),
                );
                match self.eval_condition(&call) {
                    Tri::Yes => Some(Node::new(NodeKind::Bool(true), o.clone())),
                    Tri::No => Some(Node::new(NodeKind::Bool(false), o.clone())),
                    Tri::Maybe => Some(Node::new(
                        NodeKind::Choice(vec![
                            Node::new(NodeKind::Bool(true), o.clone()),
                            Node::new(NodeKind::Bool(false), o.clone()),
                        ]),
                        o.clone(),
                    )),
                }
            }
            _ => {
                let key = self.key_at(name, o.range.start);
                self.warn(
                    Code::Unsupported,
                    format!("{name} is not supported; its value is kept as unknown"),
                    o,
                );
                Some(Node::new(NodeKind::Unknown(key), o.clone()))
            }
        }
    }

    // ---- Ref and Fn::GetAtt ----

    fn reference(&mut self, arg: &Node, o: &Origin) -> Option<Node> {
        let Some(name) = self.literal(arg, "Ref") else {
            return Some(Node::new(
                NodeKind::Unknown(self.key_at("Ref", o.range.start)),
                o.clone(),
            ));
        };
        self.ref_name(&name, o)
    }

    /// The value of `Ref name` (also `${name}` in `Fn::Sub`).
    pub(crate) fn ref_name(&mut self, name: &str, o: &Origin) -> Option<Node> {
        let string = |s: Str| Some(Node::new(NodeKind::String(s), o.clone()));
        match name {
            "AWS::NoValue" => return None,
            "AWS::AccountId" => {
                return string(self.account().unwrap_or_else(Str::account));
            }
            "AWS::Partition" => {
                return string(self.partition().unwrap_or_else(Str::partition));
            }
            "AWS::Region" => {
                return string(
                    self.opts
                        .region
                        .as_deref()
                        .map_or_else(Str::region, Str::lit),
                );
            }
            "AWS::URLSuffix" => {
                // The partition's DNS suffix; with no partition given, the canonical hole that
                // `--partition` binds (an undocumented partition leaves it unknown).
                let suffix = self
                    .opts
                    .partition
                    .as_deref()
                    .and_then(passgraph_model::partition::dns_suffix);
                return string(suffix.map_or_else(|| Str::hole(DNS_SUFFIX_HOLE), Str::lit));
            }
            "AWS::StackName" | "AWS::StackId" => {
                let key = self.key(name);
                self.once(
                    &key,
                    Level::Note,
                    Code::UnknownValue,
                    format!("{name} is known only at deploy; it stays symbolic"),
                    o,
                );
                return string(Str::hole(key));
            }
            "AWS::NotificationARNs" => {
                let key = self.key(name);
                self.once(
                    &key,
                    Level::Note,
                    Code::UnknownValue,
                    format!("{name} is known only at deploy; it stays unknown"),
                    o,
                );
                return Some(Node::new(NodeKind::Unknown(key), o.clone()));
            }
            _ => {}
        }
        if let Some(decl) = self.tpl.params.get(name) {
            let decl = decl.clone();
            return Some(self.parameter(name, &decl, o));
        }
        if let Some(&i) = self.tpl.index.get(name) {
            return Some(self.resource_ref(i, o));
        }
        let key = self.key(name);
        let (level, message) = self.unresolved(format!(
            "Ref {name} names no parameter, resource or pseudo parameter"
        ));
        self.once(&key, level, Code::UnresolvedReference, message, o);
        string(Str::hole(key))
    }

    /// A parameter not known offline: a hole of its class, or a list of them.
    fn unknown_parameter(
        &mut self,
        key: Arc<str>,
        class: HoleClass,
        is_list: bool,
        o: &Origin,
    ) -> Node {
        if is_list {
            self.unknown_list(key, class, o)
        } else {
            Node::new(NodeKind::String(Str::hole_of(key, class)), o.clone())
        }
    }

    /// A parameter's value: the `--parameter` given for it, else its default, else a hole of the
    /// class its `Type` allows (a `Number` is no ARN; an `AWS::EC2::VPC::Id` holds no `:`).
    fn parameter(&mut self, name: &str, decl: &Node, o: &Origin) -> Node {
        let ty = decl
            .get("Type")
            .and_then(Node::as_known_str)
            .unwrap_or("String");
        let is_list = ty == "CommaDelimitedList" || ty.starts_with("List<");
        let key = self.key(name);
        let class = parameter_class(ty, decl);
        if ty.starts_with("AWS::SSM::Parameter::Value<") {
            self.once(
                &key,
                Level::Warning,
                Code::UnknownValue,
                format!("parameter {name} is read from SSM Parameter Store at deploy; its value stays unknown"),
                o,
            );
            let list = is_list || ty.contains("List<") || ty.contains("CommaDelimitedList");
            return self.unknown_parameter(key, class, list, o);
        }
        let given = self
            .opts
            .parameters
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone());
        let computed = self
            .opts
            .computed_parameters
            .iter()
            .find(|(p, _)| p == name || p == "*")
            .filter(|_| given.is_none())
            .map(|(_, why)| why.clone());
        if let Some(why) = computed {
            self.once(
                &key,
                Level::Note,
                Code::UnknownValue,
                format!("parameter {name} stays unknown ({why}); its default does not apply"),
                o,
            );
            return self.unknown_parameter(key, class, is_list, o);
        }
        let value = match (given, decl.get("Default")) {
            (Some(v), _) => Node::new(NodeKind::String(Str::lit(v)), o.clone()),
            (None, Some(d)) => {
                let mut d = d.clone();
                d.origin = o.clone();
                d
            }
            (None, None) => {
                self.once(
                    &key,
                    Level::Warning,
                    Code::UnknownValue,
                    format!("parameter {name} has no default and no value was given (--parameter {name}=...); it stays unknown"),
                    o,
                );
                return self.unknown_parameter(key, class, is_list, o);
            }
        };
        if !is_list {
            // A value its type refuses fails the deployment: only the values it allows exist.
            if let Some(text) = value.scalar_text().as_ref().and_then(Str::as_known)
                && !class.admits_str(text)
            {
                self.once(
                    &key,
                    Level::Warning,
                    Code::Shape,
                    format!("parameter {name} is of type {ty}, which does not allow the value {text:?}; CloudFormation refuses it, so it stays an unknown {}", class.describe()),
                    o,
                );
                return Node::new(NodeKind::String(Str::hole_of(key, class)), o.clone());
            }
            return value;
        }
        // List parameters take a comma-separated string (a YAML list default is accepted too).
        match &value.kind {
            NodeKind::Array(_) => value,
            _ => {
                let text = value.scalar_text().unwrap_or_default();
                let items = if text.is_empty() {
                    Vec::new()
                } else {
                    text.split(",")
                        .into_iter()
                        .map(|s| Node::new(NodeKind::String(trim(&s)), o.clone()))
                        .collect()
                };
                Node::new(NodeKind::Array(items), o.clone())
            }
        }
    }

    /// An unknown list whose items are of `class`.
    fn unknown_list(&mut self, key: Arc<str>, class: HoleClass, o: &Origin) -> Node {
        if class != HoleClass::Free {
            self.item_classes.insert(key.clone(), class);
        }
        Node::new(NodeKind::Unknown(key), o.clone())
    }

    /// A hole for an unknown value named `key`: of the item class of the unknown list it comes
    /// from (`Names` or `Names[0]`), else free text.
    pub(crate) fn unknown_str(&self, key: &str) -> Str {
        let class = self.item_classes.get(key).or_else(|| {
            key.rsplit_once('[')
                .and_then(|(list, _)| self.item_classes.get(list))
        });
        match class {
            Some(class) => Str::hole_of(key, *class),
            None => Str::hole(key),
        }
    }

    /// The names and paths an IAM entity of the template may have (memoised; cycles give
    /// holes); never empty. One when they are known or decided; several when the name depends
    /// on a condition that cannot be decided (`RoleName: !If [C, name, !Ref AWS::NoValue]` is
    /// `name` or a name CloudFormation generates): the entity is then one of them, and each
    /// exists only possibly.
    pub(crate) fn idents(&mut self, i: usize) -> Vec<Ident> {
        if let Some(id) = self.idents.get(&i) {
            return id.clone();
        }
        let Some(r) = self.tpl.resources.get(i) else {
            return vec![Ident {
                name: Str::hole(self.key("?")),
                path: Str::lit("/"),
                guard: Formula::TRUE,
            }];
        };
        let r: Resource = r.clone();
        if !self.ident_busy.insert(i) {
            self.warn(
                Code::Shape,
                format!("the name of {} depends on itself", r.id),
                &r.origin,
            );
            return vec![Ident {
                name: Str::hole(self.key(&format!("{}.Name", r.id))),
                path: Str::lit("/"),
                guard: Formula::TRUE,
            }];
        }
        let idents = self.compute_idents(&r);
        self.ident_busy.remove(&i);
        self.idents.insert(i, idents.clone());
        idents
    }

    fn compute_idents(&mut self, r: &Resource) -> Vec<Ident> {
        let (name_prop, noun) = match r.ty.as_str() {
            "AWS::IAM::Role" => ("RoleName", "role"),
            "AWS::IAM::User" => ("UserName", "user"),
            "AWS::IAM::Group" => ("GroupName", "group"),
            "AWS::IAM::InstanceProfile" => ("InstanceProfileName", "instance profile"),
            "AWS::IAM::ManagedPolicy" => ("ManagedPolicyName", "managed policy"),
            _ => ("Name", "resource"),
        };
        let key = self.key(&format!("{}.{name_prop}", r.id));
        // A role that SAM generates: its name is generated, its path is the function's RolePath.
        if let Some(fi) = r.generated_for {
            let parent = self.tpl.resources.get(fi).cloned();
            let role_path = parent
                .as_ref()
                .and_then(|p| p.props.as_ref())
                .and_then(|p| p.get("RolePath"))
                .cloned();
            let path = self.path(role_path.as_ref(), &r.id);
            self.once(
                &key,
                Level::Note,
                Code::UnknownValue,
                format!(
                    "role {} is generated by SAM with a name known only at deploy",
                    r.id
                ),
                &r.origin,
            );
            return vec![Ident {
                name: Str::hole_of(key, generated_name(&r.ty)),
                path,
                guard: Formula::TRUE,
            }];
        }
        let props = r.props.clone();
        // Every name it may have, in the order of the branches; `AWS::NoValue` (or no property)
        // is a generated name.
        let node = props.as_ref().and_then(|p| p.get(name_prop));
        let branches = match node {
            Some(n) => self.guarded_branches(n),
            None => vec![(None, Formula::TRUE)],
        };
        // Each name with the condition under which the entity has it.
        let mut names: Vec<(Str, Formula)> = Vec::new();
        let mut absent = false;
        for (b, guard) in branches {
            let values = match b {
                Some(v) => self.alts(&v),
                None => {
                    absent = true;
                    vec![Str::hole_of(key.clone(), generated_name(&r.ty))]
                }
            };
            let several = values.len() > 1;
            for s in values {
                // Alternatives of one value: which one holds is not tracked.
                let g = if several {
                    let f = self.fresh();
                    guard.clone().and(f)
                } else {
                    guard.clone()
                };
                match names.iter_mut().find(|(n, _)| *n == s) {
                    Some((_, old)) => *old = std::mem::replace(old, Formula::TRUE).or(g),
                    None => names.push((s, g)),
                }
            }
        }
        let at = node.map_or(&r.origin, |n| &n.origin);
        if names.len() > MAX_ALTS {
            self.once(
                &format!("limit:{key}"),
                Level::Warning,
                Code::Limit,
                format!(
                    "the {name_prop} of {} has more than {MAX_ALTS} alternatives; it is kept as unknown",
                    r.id
                ),
                at,
            );
            names = vec![(Str::hole_of(key.clone(), given_name(&r.ty)), Formula::TRUE)];
        } else if names.len() > 1 {
            let message = if absent {
                format!(
                    "the {name_prop} of {noun} {} depends on a condition: it is the name given or one CloudFormation generates at deploy; each is kept, existing only possibly",
                    r.id
                )
            } else {
                format!(
                    "the {name_prop} of {noun} {} depends on a condition; each name it may have is kept, existing only possibly",
                    r.id
                )
            };
            self.once(&key, Level::Note, Code::UnknownValue, message, at);
        } else if absent {
            self.once(
                &key,
                Level::Note,
                Code::UnknownValue,
                format!(
                    "{noun} {} has no {name_prop}; CloudFormation generates the name at deploy",
                    r.id
                ),
                &r.origin,
            );
        }
        let path_node = props.as_ref().and_then(|p| p.get("Path")).cloned();
        let path = self.path(path_node.as_ref(), &r.id);
        names
            .into_iter()
            .map(|(name, guard)| Ident {
                name,
                path: path.clone(),
                guard,
            })
            .collect()
    }

    /// The IAM path property of resource `id` (`Path`, SAM's `RolePath`): `/` when absent. A
    /// path that depends on a condition that cannot be decided is a hole: the ARN keeps it, so
    /// references by ARN still resolve and patterns match it only possibly.
    fn path(&mut self, node: Option<&Node>, id: &str) -> Str {
        let Some(node) = node else {
            return Str::lit("/");
        };
        let mut paths: Vec<Str> = Vec::new();
        for b in self.branches(node) {
            let values = match b {
                Some(v) => self.alts(&v),
                None => vec![Str::lit("/")],
            };
            for s in values {
                if !paths.contains(&s) {
                    paths.push(s);
                }
            }
        }
        match paths.as_slice() {
            [one] => one.clone(),
            [] => Str::lit("/"),
            _ => {
                let key = self.key(&format!("{id}.Path"));
                self.once(
                    &key,
                    Level::Note,
                    Code::UnknownValue,
                    format!("the path of {id} depends on a condition; it is kept as unknown"),
                    &node.origin,
                );
                Str::hole(key)
            }
        }
    }

    /// The values a property may take, `None` for absent (`AWS::NoValue`): [`Ctx::resolve`],
    /// except that the branches of an `Fn::If` that cannot be decided are kept apart, so that an
    /// absent branch is not lost (a resolved [`NodeKind::Choice`] of several values cannot say
    /// that the property may also be absent).
    pub(crate) fn branches(&mut self, node: &Node) -> Vec<Option<Node>> {
        self.guarded_branches(node)
            .into_iter()
            .map(|(b, _)| b)
            .collect()
    }

    /// [`Ctx::branches`], each with the condition under which the property takes it.
    pub(crate) fn guarded_branches(&mut self, node: &Node) -> Vec<(Option<Node>, Formula)> {
        if !self.enter(&node.origin) {
            return vec![(
                Some(Node::new(
                    NodeKind::Unknown(self.key("too-deep")),
                    node.origin.clone(),
                )),
                Formula::TRUE,
            )];
        }
        let out = self.branches_inner(node);
        self.depth -= 1;
        out
    }

    fn branches_inner(&mut self, node: &Node) -> Vec<(Option<Node>, Formula)> {
        if let Some(("Fn::If", _, arg)) = intrinsic(node) {
            return match self.if_arms(arg, &node.origin, true) {
                Ok(arms) => {
                    let mut out: Vec<(Option<Node>, Formula)> = Vec::new();
                    for (arm, arm_guard) in arms {
                        for (b, g) in self.guarded_branches(arm) {
                            let g = arm_guard.clone().and(g);
                            let seen = out.iter_mut().find(|(o, _)| match (o, &b) {
                                (None, None) => true,
                                (Some(x), Some(y)) => x.kind == y.kind,
                                _ => false,
                            });
                            match seen {
                                Some((_, old)) => {
                                    *old = std::mem::replace(old, Formula::TRUE).or(g);
                                }
                                None => out.push((b, g)),
                            }
                        }
                    }
                    out
                }
                Err(v) => vec![(Some(v), Formula::TRUE)],
            };
        }
        // A choice made inside the value: which alternative holds is not tracked.
        let alts = match self.resolve(node) {
            None => return vec![(None, Formula::TRUE)],
            // One value or none (see `choice`).
            Some(Node {
                kind: NodeKind::Choice(mut alts),
                ..
            }) if alts.len() == 1 => vec![alts.pop(), None],
            Some(Node {
                kind: NodeKind::Choice(alts),
                ..
            }) => alts.into_iter().map(Some).collect(),
            Some(v) => return vec![(Some(v), Formula::TRUE)],
        };
        alts.into_iter().map(|a| (a, self.fresh())).collect()
    }

    /// `Ref` of a resource, as CloudFormation returns it per type (a choice when the entity
    /// may have several names).
    fn resource_ref(&mut self, i: usize, o: &Origin) -> Node {
        let Some(r) = self.tpl.resources.get(i) else {
            return Node::new(NodeKind::Unknown(self.key("?")), o.clone());
        };
        let (id, ty) = (r.id.clone(), r.ty.clone());
        let alts = match ty.as_str() {
            "AWS::IAM::Role"
            | "AWS::IAM::User"
            | "AWS::IAM::Group"
            | "AWS::IAM::InstanceProfile" => self.idents(i).into_iter().map(|id| id.name).collect(),
            "AWS::IAM::ManagedPolicy" => self
                .idents(i)
                .iter()
                .map(|ident| self.arn("policy", ident))
                .collect(),
            _ => {
                let key = self.key(&id);
                self.once(
                    &key,
                    Level::Note,
                    Code::UnknownValue,
                    format!("Ref {id} ({ty}) is known only after deploy; it stays symbolic"),
                    o,
                );
                vec![Str::hole(key)]
            }
        };
        self.string_of_alts(alts, o)
    }

    fn get_att(&mut self, arg: &Node, o: &Origin) -> Node {
        let (res, attr) = match &arg.kind {
            NodeKind::Array(items) => match items.as_slice() {
                [r, a] => {
                    let r = self.literal(r, "Fn::GetAtt");
                    let a = self
                        .resolve(a)
                        .and_then(|a| a.as_known_str().map(str::to_owned));
                    (r, a)
                }
                _ => (None, None),
            },
            // The dotted string form, accepted in JSON too.
            NodeKind::String(s) => match s.as_known() {
                Some(t) => match self.split_dotted(t) {
                    Some((r, a)) => (Some(r), Some(a)),
                    None => (None, None),
                },
                None => (None, None),
            },
            _ => (None, None),
        };
        let (Some(res), Some(attr)) = (res, attr) else {
            self.warn(
                Code::Shape,
                "Fn::GetAtt needs a resource and an attribute name".to_owned(),
                &arg.origin,
            );
            return Node::new(
                NodeKind::Unknown(self.key_at("Fn::GetAtt", o.range.start)),
                o.clone(),
            );
        };
        let alts = self.attribute(&res, &attr, o);
        self.string_of_alts(alts, o)
    }

    /// `Resource.Attribute` split where the longest known logical id ends (SAM ids such as
    /// `MyFn.Version` contain a dot), else at the first dot.
    pub(crate) fn split_dotted(&self, t: &str) -> Option<(String, String)> {
        let mut best = None;
        for (i, _) in t.match_indices('.') {
            let (r, a) = (t.get(..i)?, t.get(i + 1..)?);
            if self.tpl.index.contains_key(r) {
                best = Some((r.to_owned(), a.to_owned()));
            }
        }
        best.or_else(|| t.split_once('.').map(|(r, a)| (r.to_owned(), a.to_owned())))
    }

    /// The value of `Fn::GetAtt [res, attr]`: its alternatives when the entity may have
    /// several names.
    pub(crate) fn attribute(&mut self, res: &str, attr: &str, o: &Origin) -> Vec<Str> {
        let Some(&i) = self.tpl.index.get(res) else {
            let key = self.key(&format!("{res}.{attr}"));
            let (level, message) = self.unresolved(format!(
                "Fn::GetAtt {res}.{attr} names no resource of the template"
            ));
            self.once(&key, level, Code::UnresolvedReference, message, o);
            return vec![Str::hole(key)];
        };
        let ty = self
            .tpl
            .resources
            .get(i)
            .map(|r| r.ty.clone())
            .unwrap_or_default();
        let kind = match (ty.as_str(), attr) {
            ("AWS::IAM::Role", "Arn") => Some("role"),
            ("AWS::IAM::User", "Arn") => Some("user"),
            ("AWS::IAM::Group", "Arn") => Some("group"),
            ("AWS::IAM::InstanceProfile", "Arn") => Some("instance-profile"),
            ("AWS::IAM::ManagedPolicy", "PolicyArn") => Some("policy"),
            _ => None,
        };
        if let Some(kind) = kind {
            return self
                .idents(i)
                .iter()
                .map(|ident| self.arn(kind, ident))
                .collect();
        }
        if matches!(
            ty.as_str(),
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group"
        ) && attr == "Name"
        {
            return self.idents(i).into_iter().map(|id| id.name).collect();
        }
        let key = self.key(&format!("{res}.{attr}"));
        self.once(
            &key,
            Level::Note,
            Code::UnknownValue,
            format!("Fn::GetAtt {res}.{attr} ({ty}) is known only after deploy; it stays symbolic"),
            o,
        );
        vec![Str::hole(key)]
    }

    /// How to report a name the template does not define: SAM generates resources (implicit
    /// APIs, versions, aliases) that only the transform knows, so there it is only a note.
    fn unresolved(&self, message: String) -> (Level, String) {
        if self.tpl.sam {
            (
                Level::Note,
                format!("{message} (SAM may generate it); it stays symbolic"),
            )
        } else {
            (Level::Warning, format!("{message}; it stays symbolic"))
        }
    }

    /// A literal name argument (`Ref X`, the resource of `Fn::GetAtt`).
    fn literal(&mut self, arg: &Node, func: &str) -> Option<String> {
        if let Some(s) = arg.as_known_str() {
            return Some(s.to_owned());
        }
        // AWS::LanguageExtensions allows functions here.
        if intrinsic(arg).is_some()
            && let Some(s) = self
                .resolve(arg)
                .and_then(|v| v.as_known_str().map(str::to_owned))
        {
            return Some(s);
        }
        self.warn(
            Code::Shape,
            format!("{func} needs a name, found {}", arg.kind_name()),
            &arg.origin,
        );
        None
    }
}

/// A value picked among alternatives; `None` alternatives are `AWS::NoValue`. Identical
/// alternatives collapse, so a condition that does not matter leaves no trace.
pub(crate) fn choice(alts: Vec<Option<Node>>, o: &Origin) -> Option<Node> {
    let mut present: Vec<Node> = Vec::new();
    let mut absent = false;
    for a in alts {
        match a {
            None => absent = true,
            Some(Node {
                kind: NodeKind::Choice(inner),
                ..
            }) => {
                for i in inner {
                    if !present.iter().any(|p| p.kind == i.kind) {
                        present.push(i);
                    }
                }
            }
            Some(n) => {
                if !present.iter().any(|p| p.kind == n.kind) {
                    present.push(n);
                }
            }
        }
    }
    match (present.len(), absent) {
        (0, _) => None,
        (1, false) => present.pop(),
        _ => Some(Node::new(NodeKind::Choice(present), o.clone())),
    }
}

fn trim(s: &Str) -> Str {
    match s.as_known() {
        Some(t) => Str::lit(t.trim()),
        None => s.clone(),
    }
}

mod cond;
mod funcs;

#[cfg(test)]
mod tests;
