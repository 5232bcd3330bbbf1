//! Intrinsic functions, parameters, mappings, conditions and pseudo parameters, resolved to
//! values the way CloudFormation resolves them at deploy time, as far as that is possible offline.
//!
//! A resolved value is a [`Node`]. What cannot be known offline stays symbolic: a string with a
//! hole named after its origin (`cfn#0:MyRole.RoleName`, `cfn#0:BucketName`), a
//! [`NodeKind::Unknown`] for whole lists, a [`NodeKind::Choice`] for a value picked by a condition
//! that cannot be decided. Each gives one diagnostic (per hole key and file) at its first use.
//! A value produced by a function carries the origin of the function call, where it is used.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use passgraph_model::arn::iam_arn;
use passgraph_model::value::{ACCOUNT_HOLE, PARTITION_HOLE, REGION_HOLE};
use passgraph_model::{Code, Diagnostic, FileId, Level, Node, NodeKind, Origin, Str, Tri};

use crate::Options;
use crate::template::{Resource, Template};

/// Most alternatives a value picked by conditions may have before it is given up as unknown.
const MAX_ALTS: usize = 16;

/// Deepest nesting of resolution (tree depth plus references followed).
const MAX_RESOLVE_DEPTH: usize = 320;

/// The name and path of an IAM entity defined in the template.
#[derive(Clone, Debug)]
pub(crate) struct Ident {
    /// IAM name; a hole when CloudFormation generates it.
    pub(crate) name: Str,
    /// IAM path, `/` by default.
    pub(crate) path: Str,
}

/// The resolution context of one template.
pub(crate) struct Ctx<'t> {
    pub(crate) file: FileId,
    pub(crate) tpl: &'t Template,
    pub(crate) opts: &'t Options,
    pub(crate) diags: Vec<Diagnostic>,
    reported: HashSet<String>,
    conds: HashMap<String, Tri>,
    cond_busy: HashSet<String>,
    idents: HashMap<usize, Ident>,
    ident_busy: HashSet<usize>,
    depth: usize,
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
            file,
            tpl,
            opts,
            diags: Vec::new(),
            reported: HashSet::new(),
            conds: HashMap::new(),
            cond_busy: HashSet::new(),
            idents: HashMap::new(),
            ident_busy: HashSet::new(),
            depth: 0,
        }
    }

    /// The hole key of a value of this template: `cfn#<file>:<name>`. Keys are per file
    /// because every template is its own stack: two templates' `MyRole` are two roles.
    pub(crate) fn key(&self, name: &str) -> Arc<str> {
        format!("cfn#{}:{name}", self.file.0).into()
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
        if self.reported.insert(key.to_owned()) {
            self.diags.push(Diagnostic {
                level,
                code,
                message,
                origin: Some(origin.clone()),
            });
        }
    }

    pub(crate) fn warn(&mut self, code: Code, message: String, origin: &Origin) {
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
            None => s.push(passgraph_model::Part::Hole(PARTITION_HOLE.into())),
        }
        s.push_str(":iam::aws:policy/");
        s.push_str(path_and_name);
        s
    }

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

    fn eval_condition_inner(&mut self, node: &Node) -> Tri {
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
                let key = self.key(&format!("Fn::GetAZs@{}", o.range.start));
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
                let key = self.key(&format!("Fn::Cidr@{}", o.range.start));
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
                        NodeKind::Unknown(self.key(&format!("Fn::Length@{}", o.range.start))),
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
                let key = self.key(&format!("{name}@{}", o.range.start));
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
                NodeKind::Unknown(self.key(&format!("Ref@{}", o.range.start))),
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
                return string(self.account().unwrap_or_else(|| Str::hole(ACCOUNT_HOLE)));
            }
            "AWS::Partition" => {
                return string(
                    self.partition()
                        .unwrap_or_else(|| Str::hole(PARTITION_HOLE)),
                );
            }
            "AWS::Region" => {
                return string(
                    self.opts
                        .region
                        .as_deref()
                        .map_or_else(|| Str::hole(REGION_HOLE), Str::lit),
                );
            }
            "AWS::URLSuffix" => {
                return string(Str::lit(match self.opts.partition.as_deref() {
                    Some("aws-cn") => "amazonaws.com.cn",
                    Some(_) => "amazonaws.com",
                    None => {
                        self.once(
                            "AWS::URLSuffix",
                            Level::Note,
                            Code::UnknownValue,
                            "AWS::URLSuffix is taken as amazonaws.com (no partition given; it is amazonaws.com.cn in China)".to_owned(),
                            o,
                        );
                        "amazonaws.com"
                    }
                }));
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

    /// A parameter's value: the `--parameter` given for it, else its default, else a hole.
    fn parameter(&mut self, name: &str, decl: &Node, o: &Origin) -> Node {
        let ty = decl
            .get("Type")
            .and_then(Node::as_known_str)
            .unwrap_or("String");
        let is_list = ty == "CommaDelimitedList" || ty.starts_with("List<");
        let key = self.key(name);
        if ty.starts_with("AWS::SSM::Parameter::Value<") {
            self.once(
                &key,
                Level::Warning,
                Code::UnknownValue,
                format!("parameter {name} is read from SSM Parameter Store at deploy; its value stays unknown"),
                o,
            );
            return if is_list || ty.contains("List<") {
                Node::new(NodeKind::Unknown(key), o.clone())
            } else {
                Node::new(NodeKind::String(Str::hole(key)), o.clone())
            };
        }
        let given = self
            .opts
            .parameters
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone());
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
                return if is_list {
                    Node::new(NodeKind::Unknown(key), o.clone())
                } else {
                    Node::new(NodeKind::String(Str::hole(key)), o.clone())
                };
            }
        };
        if !is_list {
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

    /// The name and path of an IAM entity of the template (memoised; cycles give holes).
    pub(crate) fn ident(&mut self, i: usize) -> Ident {
        if let Some(id) = self.idents.get(&i) {
            return id.clone();
        }
        let Some(r) = self.tpl.resources.get(i) else {
            return Ident {
                name: Str::hole(self.key("?")),
                path: Str::lit("/"),
            };
        };
        let r: Resource = r.clone();
        if !self.ident_busy.insert(i) {
            self.warn(
                Code::Shape,
                format!("the name of {} depends on itself", r.id),
                &r.origin,
            );
            return Ident {
                name: Str::hole(self.key(&format!("{}.Name", r.id))),
                path: Str::lit("/"),
            };
        }
        let ident = self.compute_ident(&r);
        self.ident_busy.remove(&i);
        self.idents.insert(i, ident.clone());
        ident
    }

    fn compute_ident(&mut self, r: &Resource) -> Ident {
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
            let path = parent
                .as_ref()
                .and_then(|p| p.props.as_ref())
                .and_then(|p| p.get("RolePath"))
                .cloned()
                .and_then(|n| self.resolve(&n))
                .and_then(|n| self.single_str(&n))
                .unwrap_or_else(|| Str::lit("/"));
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
            return Ident {
                name: Str::hole(key),
                path,
            };
        }
        let props = r.props.clone();
        let name = props
            .as_ref()
            .and_then(|p| p.get(name_prop))
            .cloned()
            .and_then(|n| self.resolve(&n));
        let name = match name {
            Some(n) => {
                match self.single_str(&n) {
                    Some(s) => s,
                    None => {
                        self.once(
                        &key,
                        Level::Warning,
                        Code::UnknownValue,
                        format!("the {name_prop} of {} depends on a condition; it is kept as unknown", r.id),
                        &n.origin,
                    );
                        Str::hole(key)
                    }
                }
            }
            None => {
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
                Str::hole(key)
            }
        };
        let path = props
            .as_ref()
            .and_then(|p| p.get("Path"))
            .cloned()
            .and_then(|n| self.resolve(&n))
            .and_then(|n| self.single_str(&n))
            .unwrap_or_else(|| Str::lit("/"));
        Ident { name, path }
    }

    /// `Ref` of a resource, as CloudFormation returns it per type.
    fn resource_ref(&mut self, i: usize, o: &Origin) -> Node {
        let Some(r) = self.tpl.resources.get(i) else {
            return Node::new(NodeKind::Unknown(self.key("?")), o.clone());
        };
        let (id, ty) = (r.id.clone(), r.ty.clone());
        let s = match ty.as_str() {
            "AWS::IAM::Role"
            | "AWS::IAM::User"
            | "AWS::IAM::Group"
            | "AWS::IAM::InstanceProfile" => self.ident(i).name,
            "AWS::IAM::ManagedPolicy" => {
                let ident = self.ident(i);
                self.arn("policy", &ident)
            }
            _ => {
                let key = self.key(&id);
                self.once(
                    &key,
                    Level::Note,
                    Code::UnknownValue,
                    format!("Ref {id} ({ty}) is known only after deploy; it stays symbolic"),
                    o,
                );
                Str::hole(key)
            }
        };
        Node::new(NodeKind::String(s), o.clone())
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
                NodeKind::Unknown(self.key(&format!("Fn::GetAtt@{}", o.range.start))),
                o.clone(),
            );
        };
        Node::new(NodeKind::String(self.attribute(&res, &attr, o)), o.clone())
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

    /// The value of `Fn::GetAtt [res, attr]`.
    pub(crate) fn attribute(&mut self, res: &str, attr: &str, o: &Origin) -> Str {
        let Some(&i) = self.tpl.index.get(res) else {
            let key = self.key(&format!("{res}.{attr}"));
            let (level, message) = self.unresolved(format!(
                "Fn::GetAtt {res}.{attr} names no resource of the template"
            ));
            self.once(&key, level, Code::UnresolvedReference, message, o);
            return Str::hole(key);
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
            let ident = self.ident(i);
            return self.arn(kind, &ident);
        }
        if matches!(
            ty.as_str(),
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group"
        ) && attr == "Name"
        {
            return self.ident(i).name;
        }
        let key = self.key(&format!("{res}.{attr}"));
        self.once(
            &key,
            Level::Note,
            Code::UnknownValue,
            format!("Fn::GetAtt {res}.{attr} ({ty}) is known only after deploy; it stays symbolic"),
            o,
        );
        Str::hole(key)
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

    // ---- strings ----

    /// The alternatives of a resolved scalar value, as strings.
    pub(crate) fn alts(&mut self, node: &Node) -> Vec<Str> {
        match &node.kind {
            NodeKind::String(s) => vec![s.clone()],
            NodeKind::Number(_) | NodeKind::Bool(_) => node.scalar_text().into_iter().collect(),
            NodeKind::Null => vec![Str::default()],
            NodeKind::Unknown(reason) => vec![Str::hole(reason.clone())],
            NodeKind::Choice(alts) => {
                let mut out = Vec::new();
                for a in alts {
                    for s in self.alts(a) {
                        if !out.contains(&s) {
                            out.push(s);
                        }
                    }
                }
                out
            }
            NodeKind::Array(_) | NodeKind::Object(_) => {
                self.warn(
                    Code::Shape,
                    format!("expected a string, found {}", node.kind_name()),
                    &node.origin,
                );
                vec![Str::hole(
                    self.key(&format!("value@{}", node.origin.range.start)),
                )]
            }
        }
    }

    /// The value as one string, when it is not a choice.
    pub(crate) fn single_str(&mut self, node: &Node) -> Option<Str> {
        match self.alts(node).as_slice() {
            [s] => Some(s.clone()),
            _ => None,
        }
    }

    /// Builds a string value from alternatives.
    fn string_of_alts(&mut self, alts: Vec<Str>, o: &Origin) -> Node {
        match alts.len() {
            0 => Node::new(NodeKind::String(Str::default()), o.clone()),
            1 => Node::new(
                NodeKind::String(alts.into_iter().next().unwrap_or_default()),
                o.clone(),
            ),
            _ => Node::new(
                NodeKind::Choice(
                    alts.into_iter()
                        .map(|s| Node::new(NodeKind::String(s), o.clone()))
                        .collect(),
                ),
                o.clone(),
            ),
        }
    }

    /// All concatenations of one alternative from each piece; too many give a hole.
    fn product(&mut self, acc: Vec<Str>, next: &[Str], o: &Origin) -> Vec<Str> {
        if acc.len().saturating_mul(next.len()) > MAX_ALTS {
            let key = self.key(&format!("choices@{}", o.range.start));
            self.once(
                &key,
                Level::Warning,
                Code::Limit,
                format!("a value has more than {MAX_ALTS} alternatives; it is kept as unknown"),
                o,
            );
            return vec![Str::hole(key)];
        }
        let mut out = Vec::with_capacity(acc.len() * next.len());
        for a in &acc {
            for b in next {
                let mut s = a.clone();
                s.append(b);
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        out
    }

    fn sub(&mut self, arg: &Node, o: &Origin) -> Node {
        let (text_node, vars) = match &arg.kind {
            NodeKind::String(_) => (arg, None),
            NodeKind::Array(items) => match items.as_slice() {
                [t, v] => (t, Some(v)),
                [t] => (t, None),
                _ => {
                    self.warn(
                        Code::Shape,
                        "Fn::Sub needs a string or a list of a string and a mapping".to_owned(),
                        &arg.origin,
                    );
                    return Node::new(
                        NodeKind::String(Str::hole(
                            self.key(&format!("Fn::Sub@{}", o.range.start)),
                        )),
                        o.clone(),
                    );
                }
            },
            _ => {
                self.warn(
                    Code::Shape,
                    format!("Fn::Sub needs a string, found {}", arg.kind_name()),
                    &arg.origin,
                );
                return Node::new(
                    NodeKind::String(Str::hole(self.key(&format!("Fn::Sub@{}", o.range.start)))),
                    o.clone(),
                );
            }
        };
        let Some(text) = text_node.as_known_str().map(str::to_owned) else {
            self.warn(
                Code::Shape,
                "the string of Fn::Sub must be written out, not computed".to_owned(),
                &text_node.origin,
            );
            return Node::new(
                NodeKind::String(Str::hole(self.key(&format!("Fn::Sub@{}", o.range.start)))),
                o.clone(),
            );
        };
        let vars = vars.cloned();
        let mut acc = vec![Str::default()];
        let mut rest = text.as_str();
        while let Some(i) = rest.find("${") {
            let (lit, after) = rest.split_at(i);
            for a in &mut acc {
                a.push_str(lit);
            }
            let after = after.get(2..).unwrap_or("");
            // `${!Literal}` is the text `${Literal}`.
            if let Some(literal) = after.strip_prefix('!') {
                for a in &mut acc {
                    a.push_str("${");
                }
                rest = literal;
                continue;
            }
            let Some(end) = after.find('}') else {
                for a in &mut acc {
                    a.push_str("${");
                }
                rest = after;
                continue;
            };
            let name = after.get(..end).unwrap_or("").trim();
            rest = after.get(end + 1..).unwrap_or("");
            let values = self.sub_var(name, vars.as_ref(), o);
            acc = self.product(acc, &values, o);
        }
        for a in &mut acc {
            a.push_str(rest);
        }
        self.string_of_alts(acc, o)
    }

    fn sub_var(&mut self, name: &str, vars: Option<&Node>, o: &Origin) -> Vec<Str> {
        if let Some(v) = vars.and_then(|v| v.get(name)) {
            let v = v.clone();
            return match self.resolve(&v) {
                Some(n) => self.alts(&n),
                None => vec![Str::default()],
            };
        }
        if !name.starts_with("AWS::")
            && name.contains('.')
            && let Some((r, a)) = self.split_dotted(name)
        {
            return vec![self.attribute(&r, &a, o)];
        }
        match self.ref_name(name, o) {
            Some(n) => self.alts(&n),
            None => vec![Str::default()],
        }
    }

    fn join(&mut self, arg: &Node, o: &Origin) -> Node {
        let [delim, list] = arg.items() else {
            self.warn(
                Code::Shape,
                "Fn::Join needs a delimiter and a list".to_owned(),
                &arg.origin,
            );
            return Node::new(
                NodeKind::String(Str::hole(self.key(&format!("Fn::Join@{}", o.range.start)))),
                o.clone(),
            );
        };
        let delim = self
            .resolve(delim)
            .and_then(|d| d.scalar_text())
            .unwrap_or_default();
        let Some(list) = self.resolve(list) else {
            return Node::new(NodeKind::String(Str::default()), o.clone());
        };
        let lists: Vec<Node> = match list.kind {
            NodeKind::Choice(alts) => alts,
            _ => vec![list],
        };
        let mut out: Vec<Str> = Vec::new();
        for l in lists {
            let joined = match &l.kind {
                NodeKind::Array(items) => {
                    let mut acc = vec![Str::default()];
                    for (n, item) in items.iter().enumerate() {
                        if n > 0 {
                            for a in &mut acc {
                                a.append(&delim);
                            }
                        }
                        let values = self.alts(item);
                        acc = self.product(acc, &values, o);
                    }
                    acc
                }
                NodeKind::Unknown(reason) => vec![Str::hole(reason.clone())],
                // An attribute known only after deploy may be a list (`Fn::GetAtt Vpc.Ipv6CidrBlocks`).
                NodeKind::String(s) if !s.is_known() => {
                    vec![Str::hole(format!("{}/joined", plain(s)))]
                }
                _ => {
                    self.warn(
                        Code::Shape,
                        format!("Fn::Join needs a list, found {}", l.kind_name()),
                        &l.origin,
                    );
                    vec![Str::hole(self.key(&format!("Fn::Join@{}", o.range.start)))]
                }
            };
            for s in joined {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        self.string_of_alts(out, o)
    }

    fn select(&mut self, arg: &Node, o: &Origin) -> Option<Node> {
        let [index, list] = arg.items() else {
            self.warn(
                Code::Shape,
                "Fn::Select needs an index and a list".to_owned(),
                &arg.origin,
            );
            return Some(Node::new(
                NodeKind::Unknown(self.key(&format!("Fn::Select@{}", o.range.start))),
                o.clone(),
            ));
        };
        let index = self
            .resolve(index)
            .and_then(|i| i.scalar_text())
            .and_then(|s| s.as_known().and_then(|t| t.trim().parse::<usize>().ok()));
        let list = self.resolve(list)?;
        let Some(index) = index else {
            return Some(Node::new(
                NodeKind::Unknown(self.key(&format!("Fn::Select@{}", o.range.start))),
                o.clone(),
            ));
        };
        let lists: Vec<Node> = match list.kind {
            NodeKind::Choice(alts) => alts,
            _ => vec![list],
        };
        let mut picked = Vec::new();
        for l in lists {
            match &l.kind {
                NodeKind::Array(items) => {
                    match items.get(index) {
                        Some(item) => {
                            let mut item = item.clone();
                            item.origin = o.clone();
                            picked.push(Some(item));
                        }
                        None => {
                            self.warn(Code::Shape, format!("Fn::Select index {index} is out of range (the list has {} items)", items.len()), o);
                            picked.push(Some(Node::new(
                                NodeKind::Unknown(
                                    self.key(&format!("Fn::Select@{}", o.range.start)),
                                ),
                                o.clone(),
                            )));
                        }
                    }
                }
                NodeKind::Unknown(reason) => {
                    picked.push(Some(Node::new(
                        NodeKind::Unknown(format!("{reason}[{index}]").into()),
                        o.clone(),
                    )));
                }
                // An attribute known only after deploy may be a list.
                NodeKind::String(s) if !s.is_known() => {
                    picked.push(Some(Node::new(
                        NodeKind::Unknown(format!("{s}[{index}]").into()),
                        o.clone(),
                    )));
                }
                _ => {
                    self.warn(
                        Code::Shape,
                        format!("Fn::Select needs a list, found {}", l.kind_name()),
                        &l.origin,
                    );
                    picked.push(Some(Node::new(
                        NodeKind::Unknown(self.key(&format!("Fn::Select@{}", o.range.start))),
                        o.clone(),
                    )));
                }
            }
        }
        choice(picked, o)
    }

    fn split(&mut self, arg: &Node, o: &Origin) -> Node {
        let [delim, source] = arg.items() else {
            self.warn(
                Code::Shape,
                "Fn::Split needs a delimiter and a string".to_owned(),
                &arg.origin,
            );
            return Node::new(
                NodeKind::Unknown(self.key(&format!("Fn::Split@{}", o.range.start))),
                o.clone(),
            );
        };
        let Some(delim) = self
            .resolve(delim)
            .and_then(|d| d.as_known_str().map(str::to_owned))
        else {
            // A delimiter known only at deploy: the pieces are unknown (the cause has its own
            // diagnostic).
            return Node::new(
                NodeKind::Unknown(self.key(&format!("Fn::Split@{}", o.range.start))),
                o.clone(),
            );
        };
        let Some(source) = self.resolve(source) else {
            return Node::new(NodeKind::Array(Vec::new()), o.clone());
        };
        if let NodeKind::Unknown(reason) = &source.kind {
            return Node::new(
                NodeKind::Unknown(format!("{reason}/split").into()),
                o.clone(),
            );
        }
        let lists: Vec<Node> = self
            .alts(&source)
            .into_iter()
            .map(|s| {
                let items = if delim.is_empty() {
                    vec![s]
                } else {
                    s.split(&delim)
                };
                Node::new(
                    NodeKind::Array(
                        items
                            .into_iter()
                            .map(|p| Node::new(NodeKind::String(p), o.clone()))
                            .collect(),
                    ),
                    o.clone(),
                )
            })
            .collect();
        match lists.len() {
            1 => lists
                .into_iter()
                .next()
                .unwrap_or_else(|| Node::new(NodeKind::Array(Vec::new()), o.clone())),
            _ => Node::new(NodeKind::Choice(lists), o.clone()),
        }
    }

    fn find_in_map(&mut self, arg: &Node, o: &Origin) -> Option<Node> {
        let items = arg.items();
        let (Some(map), Some(top), Some(second)) = (items.first(), items.get(1), items.get(2))
        else {
            self.warn(
                Code::Shape,
                "Fn::FindInMap needs a map name and two keys".to_owned(),
                &arg.origin,
            );
            return Some(Node::new(
                NodeKind::Unknown(self.key(&format!("Fn::FindInMap@{}", o.range.start))),
                o.clone(),
            ));
        };
        let default = items.get(3).and_then(|d| d.get("DefaultValue")).cloned();
        let unknown = |ctx: &mut Ctx<'_>| {
            Some(Node::new(
                NodeKind::Unknown(ctx.key(&format!("Fn::FindInMap@{}", o.range.start))),
                o.clone(),
            ))
        };
        let map_name = self
            .resolve(map)
            .and_then(|m| m.as_known_str().map(str::to_owned));
        let Some(map_node) = map_name
            .as_deref()
            .and_then(|m| self.tpl.mappings.as_ref().and_then(|ms| ms.get(m)))
            .cloned()
        else {
            self.warn(
                Code::UnresolvedReference,
                format!(
                    "Fn::FindInMap names no mapping of the template ({})",
                    map_name.as_deref().unwrap_or("a computed name")
                ),
                o,
            );
            return unknown(self);
        };
        let tops = match self.resolve(top) {
            Some(n) => self.alts(&n),
            None => Vec::new(),
        };
        let seconds = match self.resolve(second) {
            Some(n) => self.alts(&n),
            None => Vec::new(),
        };
        let mut found: Vec<Node> = Vec::new();
        let mut undecided = false;
        for t in &tops {
            let level1: Vec<&Node> = match t.as_known() {
                Some(k) => map_node.get(k).into_iter().collect(),
                None => {
                    undecided = true;
                    map_node.entries().iter().map(|(_, _, v)| v).collect()
                }
            };
            for l1 in level1 {
                for s in &seconds {
                    let level2: Vec<&Node> = match s.as_known() {
                        Some(k) => l1.get(k).into_iter().collect(),
                        None => {
                            undecided = true;
                            l1.entries().iter().map(|(_, _, v)| v).collect()
                        }
                    };
                    for v in level2 {
                        if !found.iter().any(|f| f.kind == v.kind) {
                            found.push(v.clone());
                        }
                    }
                }
            }
        }
        if found.is_empty() {
            if let Some(d) = default {
                return self.resolve(&d);
            }
            if undecided {
                return unknown(self);
            }
            self.warn(
                Code::UnresolvedReference,
                "Fn::FindInMap finds no value for these keys".to_owned(),
                o,
            );
            return unknown(self);
        }
        let values: Vec<Option<Node>> = found
            .into_iter()
            .map(|v| {
                self.resolve(&v).map(|mut r| {
                    r.origin = o.clone();
                    r
                })
            })
            .collect();
        choice(values, o)
    }

    fn fn_if(&mut self, arg: &Node, o: &Origin) -> Option<Node> {
        let [cond, yes, no] = arg.items() else {
            self.warn(
                Code::Shape,
                "Fn::If needs a condition name and two values".to_owned(),
                &arg.origin,
            );
            return Some(Node::new(
                NodeKind::Unknown(self.key(&format!("Fn::If@{}", o.range.start))),
                o.clone(),
            ));
        };
        let Some(name) = cond.as_known_str().map(str::to_owned) else {
            self.warn(
                Code::Shape,
                "Fn::If needs the name of a condition".to_owned(),
                &cond.origin,
            );
            let alts = vec![self.resolve(yes), self.resolve(no)];
            return choice(alts, o);
        };
        match self.condition(&name, &cond.origin) {
            Tri::Yes => self.resolve(yes),
            Tri::No => self.resolve(no),
            Tri::Maybe => {
                let key = self.key(&format!("condition:{name}"));
                self.once(
                    &key,
                    Level::Note,
                    Code::UnknownValue,
                    format!("condition {name} cannot be decided offline; both branches are kept"),
                    &cond.origin,
                );
                let alts = vec![self.resolve(yes), self.resolve(no)];
                choice(alts, o)
            }
        }
    }

    fn import_value(&mut self, arg: &Node, o: &Origin) -> Node {
        let names = match self.resolve(arg) {
            Some(n) => self.alts(&n),
            None => Vec::new(),
        };
        let holes: Vec<Str> = names
            .into_iter()
            .map(|n| {
                let key = format!("cfn:import:{n}");
                self.once(
                    &key,
                    Level::Note,
                    Code::UnknownValue,
                    format!("Fn::ImportValue {n} is exported by another stack; it stays symbolic"),
                    o,
                );
                Str::hole(key)
            })
            .collect();
        self.string_of_alts(holes, o)
    }

    fn base64(&mut self, arg: &Node, o: &Origin) -> Node {
        let values = match self.resolve(arg) {
            Some(n) => self.alts(&n),
            None => Vec::new(),
        };
        let encoded: Vec<Str> = values
            .into_iter()
            .map(|v| match v.as_known() {
                Some(t) => Str::lit(base64(t.as_bytes())),
                None => Str::hole(self.key(&format!("Fn::Base64@{}", o.range.start))),
            })
            .collect();
        self.string_of_alts(encoded, o)
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

/// Three-valued equality of two resolved values, compared as CloudFormation does: as text.
fn equal(a: &Node, b: &Node) -> Tri {
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

fn all_same(mut it: impl Iterator<Item = Tri>) -> Tri {
    let Some(first) = it.next() else {
        return Tri::Maybe;
    };
    if it.all(|t| t == first) {
        first
    } else {
        Tri::Maybe
    }
}

/// A value as text with its holes written as their bare keys: a name for a hole derived from it.
fn plain(s: &Str) -> String {
    s.parts()
        .iter()
        .map(|p| match p {
            passgraph_model::Part::Lit(t) => t.as_str(),
            passgraph_model::Part::Hole(k) => k,
        })
        .collect()
}

fn trim(s: &Str) -> Str {
    match s.as_known() {
        Some(t) => Str::lit(t.trim()),
        None => s.clone(),
    }
}

/// Standard base64 with padding (`Fn::Base64`).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                let idx = ((n >> shift) & 63) as usize;
                out.push(char::from(ALPHABET.get(idx).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
