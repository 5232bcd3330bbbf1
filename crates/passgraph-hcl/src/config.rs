//! Reading one module folder: its `.tf` files (through `crate::syntax`, which keeps spans) and its
//! `.tf.json` files (through `passgraph-json`, which keeps spans too) into one [`ModuleDef`].
//!
//! Both syntaxes are seen through the same borrowed views ([`BodyRef`], [`ExprRef`]), so that the
//! evaluator does not care which syntax a block was written in.

use passgraph_model::hash::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::syntax::{Body, Expression, Span, Structure};
use passgraph_model::{Code, Diagnostic, FileId, Node, NodeKind, Origin, TextRange};

use crate::FileSource;

/// A body owned by the module definition.
#[derive(Debug)]
pub(crate) enum OBody {
    Hcl(Body),
    Json(Node),
}

impl OBody {
    pub(crate) fn view(&self) -> BodyRef<'_> {
        match self {
            OBody::Hcl(b) => BodyRef::Hcl(b),
            OBody::Json(n) => BodyRef::Json(n),
        }
    }
}

/// An expression owned by the module definition.
#[derive(Debug)]
pub(crate) enum OExpr {
    Hcl(Expression),
    /// A JSON-syntax expression: strings are templates.
    Json(Node),
    /// A JSON literal (a variable default in `.tf.json`): strings are not templates.
    JsonLit(Node),
}

impl OExpr {
    pub(crate) fn view(&self) -> ExprRef<'_> {
        match self {
            OExpr::Hcl(e) => ExprRef::Hcl(e),
            OExpr::Json(n) => ExprRef::Json(n),
            OExpr::JsonLit(n) => ExprRef::JsonLit(n),
        }
    }
}

/// A borrowed body.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BodyRef<'a> {
    Hcl(&'a Body),
    Json(&'a Node),
}

/// A borrowed expression.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ExprRef<'a> {
    Hcl(&'a Expression),
    Json(&'a Node),
    JsonLit(&'a Node),
}

impl ExprRef<'_> {
    /// The span when known (always for JSON; for HCL when parsed).
    pub(crate) fn range(&self) -> Option<TextRange> {
        match self {
            ExprRef::Hcl(e) => e.span().map(|r| TextRange::new(r.start, r.end)),
            ExprRef::Json(n) | ExprRef::JsonLit(n) => Some(n.origin.range),
        }
    }

    /// A literal string written as such (module `source`, `type` names).
    pub(crate) fn literal_str(&self) -> Option<String> {
        match self {
            ExprRef::Hcl(e) => match e {
                Expression::String(s) => Some(s.value().clone()),
                Expression::StringTemplate(t) => {
                    let mut out = String::new();
                    for el in t.iter() {
                        out.push_str(el.as_literal()?.value());
                    }
                    Some(out)
                }
                _ => None,
            },
            ExprRef::Json(n) | ExprRef::JsonLit(n) => n.as_known_str().map(str::to_owned),
        }
    }
}

/// A borrowed block.
#[derive(Clone, Debug)]
pub(crate) struct BlockRef<'a> {
    pub(crate) labels: Vec<&'a str>,
    pub(crate) body: BodyRef<'a>,
    pub(crate) range: TextRange,
}

impl<'a> BodyRef<'a> {
    /// An attribute's expression and the span of the whole attribute.
    pub(crate) fn attr(&self, name: &str) -> Option<(ExprRef<'a>, TextRange)> {
        match *self {
            BodyRef::Hcl(b) => {
                let a = b.get_attribute(name)?;
                let r = a
                    .span()
                    .map_or_else(TextRange::default, |r| TextRange::new(r.start, r.end));
                Some((ExprRef::Hcl(&a.value), r))
            }
            BodyRef::Json(n) => {
                let (_, ko, v) = n
                    .entries()
                    .iter()
                    .rev()
                    .find(|(k, _, _)| k.as_known() == Some(name))?;
                Some((
                    ExprRef::Json(v),
                    TextRange::new(ko.range.start as usize, v.origin.range.end as usize),
                ))
            }
        }
    }

    /// Every attribute, in source order. For JSON bodies, every key that is not one of `blocks`.
    pub(crate) fn attrs(&self, blocks: &[&str]) -> Vec<(&'a str, ExprRef<'a>, TextRange)> {
        match *self {
            BodyRef::Hcl(b) => b
                .attributes()
                .map(|a| {
                    let r = a
                        .span()
                        .map_or_else(TextRange::default, |r| TextRange::new(r.start, r.end));
                    (a.key.as_str(), ExprRef::Hcl(&a.value), r)
                })
                .collect(),
            BodyRef::Json(n) => n
                .entries()
                .iter()
                .filter_map(|(k, ko, v)| {
                    let k = k.as_known()?;
                    if blocks.contains(&k) || k == "//" {
                        return None;
                    }
                    Some((
                        k,
                        ExprRef::Json(v),
                        TextRange::new(ko.range.start as usize, v.origin.range.end as usize),
                    ))
                })
                .collect(),
        }
    }

    /// The nested blocks of a type, in source order (not `dynamic` ones).
    pub(crate) fn blocks(&self, name: &str) -> Vec<BlockRef<'a>> {
        match *self {
            BodyRef::Hcl(b) => b
                .blocks()
                .filter(|bl| bl.ident.as_str() == name)
                .map(|bl| BlockRef {
                    labels: bl.labels.iter().map(|l| l.as_str()).collect(),
                    body: BodyRef::Hcl(&bl.body),
                    range: bl
                        .span()
                        .map_or_else(TextRange::default, |r| TextRange::new(r.start, r.end)),
                })
                .collect(),
            BodyRef::Json(n) => {
                let mut out = Vec::new();
                for (k, _, v) in n.entries() {
                    if k.as_known() == Some(name) {
                        json_blocks(v, &mut out);
                    }
                }
                out
            }
        }
    }

    /// The `dynamic "<name>"` blocks.
    pub(crate) fn dynamic_blocks(&self, name: &str) -> Vec<BlockRef<'a>> {
        match *self {
            BodyRef::Hcl(_) => {
                let mut v = self.blocks("dynamic");
                v.retain(|b| b.labels.first() == Some(&name));
                v
            }
            BodyRef::Json(n) => {
                let mut out = Vec::new();
                for (k, _, v) in n.entries() {
                    if k.as_known() != Some("dynamic") {
                        continue;
                    }
                    for (dk, _, dv) in v.entries() {
                        if let Some(label) = dk.as_known().filter(|l| *l == name) {
                            let mut found = Vec::new();
                            json_blocks(dv, &mut found);
                            out.extend(found.into_iter().map(|mut b| {
                                b.labels = vec![label];
                                b
                            }));
                        }
                    }
                }
                out
            }
        }
    }

    /// The names of all nested block types (for materialising a resource as a value).
    pub(crate) fn block_names(&self) -> Vec<&'a str> {
        match *self {
            BodyRef::Hcl(b) => {
                let mut v: Vec<&str> = b
                    .blocks()
                    .map(|bl| bl.ident.as_str())
                    .filter(|n| *n != "dynamic")
                    .collect();
                for d in b.get_blocks("dynamic") {
                    if let Some(l) = d.labels.first() {
                        v.push(l.as_str());
                    }
                }
                v.dedup();
                v
            }
            BodyRef::Json(_) => Vec::new(),
        }
    }
}

fn json_blocks<'a>(v: &'a Node, out: &mut Vec<BlockRef<'a>>) {
    match &v.kind {
        NodeKind::Object(_) => out.push(BlockRef {
            labels: Vec::new(),
            body: BodyRef::Json(v),
            range: v.origin.range,
        }),
        NodeKind::Array(items) => {
            for i in items {
                if matches!(i.kind, NodeKind::Object(_)) {
                    out.push(BlockRef {
                        labels: Vec::new(),
                        body: BodyRef::Json(i),
                        range: i.origin.range,
                    });
                }
            }
        }
        _ => {}
    }
}

/// `resource` or `data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Mode {
    Managed,
    Data,
}

/// A declared variable.
#[derive(Debug)]
pub(crate) struct VarDecl {
    pub(crate) default: Option<OExpr>,
    /// The type constraint, applied to every value (object attributes marked `optional` are
    /// filled in, others are dropped, as Terraform's conversion does).
    pub(crate) type_expr: Option<OExpr>,
    /// The type constraint is a primitive (or absent): `--var` values are taken as strings.
    pub(crate) primitive: bool,
    /// `nullable = false`: a null input means the default.
    pub(crate) not_nullable: bool,
    pub(crate) file: FileId,
    pub(crate) range: TextRange,
}

/// A named expression (local or output) and where it is.
#[derive(Debug)]
pub(crate) struct Named {
    pub(crate) expr: OExpr,
    pub(crate) file: FileId,
}

/// A resource or data block.
#[derive(Debug)]
pub(crate) struct ResDecl {
    pub(crate) mode: Mode,
    pub(crate) rtype: String,
    pub(crate) name: String,
    pub(crate) body: OBody,
    pub(crate) file: FileId,
    pub(crate) range: TextRange,
}

impl ResDecl {
    /// `aws_iam_role.x` / `data.aws_iam_policy_document.x`.
    pub(crate) fn local_address(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.rtype, self.name),
            Mode::Data => format!("data.{}.{}", self.rtype, self.name),
        }
    }
}

/// A `module` block.
#[derive(Debug)]
pub(crate) struct CallDecl {
    pub(crate) name: String,
    pub(crate) source: Option<String>,
    pub(crate) body: OBody,
    pub(crate) file: FileId,
    pub(crate) range: TextRange,
}

/// One module folder.
#[derive(Debug, Default)]
pub(crate) struct ModuleDef {
    /// The folder as given to the file source.
    pub(crate) dir: PathBuf,
    /// `path.module`: the folder relative to the root module (`.` for the root).
    pub(crate) rel: String,
    pub(crate) files: Vec<(FileId, PathBuf, Arc<str>)>,
    pub(crate) variables: HashMap<String, VarDecl>,
    pub(crate) locals: HashMap<String, Named>,
    pub(crate) outputs: HashMap<String, Named>,
    pub(crate) output_order: Vec<String>,
    pub(crate) resources: Vec<ResDecl>,
    pub(crate) res_index: HashMap<(Mode, String, String), usize>,
    pub(crate) calls: Vec<CallDecl>,
    pub(crate) call_index: HashMap<String, usize>,
    /// The `region` of the default `aws` provider, when written (evaluated once the root
    /// module's variables are known: `region = var.region` is common).
    pub(crate) provider_region: Option<Named>,
    /// Number of `.tf`/`.tf.json` files read.
    pub(crate) file_count: usize,
}

/// True when a file name is a Terraform configuration file.
pub(crate) fn is_config_file(p: &Path) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

fn is_override(p: &Path) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let stem = name
        .strip_suffix(".tf.json")
        .or_else(|| name.strip_suffix(".tf"))
        .unwrap_or(name);
    stem == "override" || stem.ends_with("_override")
}

/// Reads every configuration file of a folder.
pub(crate) fn load_module(
    dir: &Path,
    rel: &str,
    source: &mut dyn FileSource,
    diags: &mut Vec<Diagnostic>,
) -> ModuleDef {
    let mut def = ModuleDef {
        dir: dir.to_path_buf(),
        rel: rel.to_owned(),
        ..ModuleDef::default()
    };
    let mut files: Vec<PathBuf> = source
        .list_dir(dir)
        .into_iter()
        .filter(|p| is_config_file(p))
        .collect();
    files.sort();
    // Terraform reads override files last.
    files.sort_by_key(|p| is_override(p));
    for path in files {
        let Some((file, text)) = source.read(&path) else {
            diags.push(Diagnostic::error(
                Code::Syntax,
                format!("cannot read {}", path.display()),
                None,
            ));
            continue;
        };
        def.file_count += 1;
        def.files.push((file, path.clone(), text.clone()));
        if is_override(&path) {
            diags.push(Diagnostic::warning(
                Code::Unsupported,
                "override files are read as ordinary files, not merged into the blocks they override",
                Some(Origin::new(file, TextRange::new(0, 0))),
            ));
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".tf.json") {
            match passgraph_json::parse(file, &text) {
                Ok(node) => read_json(&mut def, file, node, diags),
                Err(e) => diags.push(Diagnostic::error(
                    Code::Syntax,
                    format!("invalid JSON configuration: {e}"),
                    Some(Origin::new(file, TextRange::new(e.offset, e.offset))),
                )),
            }
        } else {
            match crate::syntax::parse_body(&text) {
                Ok(body) => read_hcl(&mut def, file, body, diags),
                Err(e) => {
                    let off = e.location().offset();
                    diags.push(Diagnostic::error(
                        Code::Syntax,
                        format!("invalid HCL: {}", e.message().to_lowercase()),
                        Some(Origin::new(file, TextRange::new(off, off))),
                    ));
                }
            }
        }
    }
    def
}

fn span_of(s: &impl Span) -> TextRange {
    s.span()
        .map_or_else(TextRange::default, |r| TextRange::new(r.start, r.end))
}

fn dup(diags: &mut Vec<Diagnostic>, what: String, file: FileId, range: TextRange) {
    diags.push(Diagnostic::warning(
        Code::Duplicate,
        what,
        Some(Origin::new(file, range)),
    ));
}

fn is_primitive_type(e: Option<ExprRef<'_>>) -> bool {
    match e {
        None => true,
        Some(ExprRef::Hcl(Expression::Variable(v))) => {
            matches!(v.as_str(), "string" | "number" | "bool" | "any")
        }
        Some(ExprRef::Hcl(_)) => false,
        Some(ExprRef::Json(n) | ExprRef::JsonLit(n)) => {
            matches!(
                n.as_known_str(),
                Some("string" | "number" | "bool" | "any") | None
            )
        }
    }
}

fn add_resource(def: &mut ModuleDef, r: ResDecl, diags: &mut Vec<Diagnostic>) {
    let key = (r.mode, r.rtype.clone(), r.name.clone());
    if def.res_index.contains_key(&key) {
        dup(
            diags,
            format!(
                "{} is defined twice; the last definition is used",
                r.local_address()
            ),
            r.file,
            r.range,
        );
    }
    def.res_index.insert(key, def.resources.len());
    def.resources.push(r);
}

fn add_call(def: &mut ModuleDef, c: CallDecl, diags: &mut Vec<Diagnostic>) {
    if def.call_index.contains_key(&c.name) {
        dup(
            diags,
            format!(
                "module {} is defined twice; the last definition is used",
                c.name
            ),
            c.file,
            c.range,
        );
    }
    def.call_index.insert(c.name.clone(), def.calls.len());
    def.calls.push(c);
}

fn read_hcl(def: &mut ModuleDef, file: FileId, body: Body, diags: &mut Vec<Diagnostic>) {
    for st in body.into_iter() {
        let Structure::Block(block) = st else {
            continue;
        };
        let range = span_of(&block);
        let labels: Vec<String> = block.labels.iter().map(|l| l.as_str().to_owned()).collect();
        match (block.ident.as_str(), labels.as_slice()) {
            ("variable", [name]) => {
                let b = BodyRef::Hcl(&block.body);
                let primitive = is_primitive_type(b.attr("type").map(|(e, _)| e));
                let not_nullable = matches!(b.attr("nullable"), Some((ExprRef::Hcl(Expression::Bool(v)), _)) if !*v.value());
                let default = block
                    .body
                    .get_attribute("default")
                    .map(|a| OExpr::Hcl(a.value.clone()));
                let type_expr = block
                    .body
                    .get_attribute("type")
                    .map(|a| OExpr::Hcl(a.value.clone()));
                if def.variables.contains_key(name) {
                    dup(
                        diags,
                        format!("variable {name} is declared twice"),
                        file,
                        range,
                    );
                }
                def.variables.insert(
                    name.clone(),
                    VarDecl {
                        default,
                        type_expr,
                        primitive,
                        not_nullable,
                        file,
                        range,
                    },
                );
            }
            ("locals", []) => {
                for a in block.body.attributes() {
                    let name = a.key.as_str().to_owned();
                    let r = span_of(a);
                    if def.locals.contains_key(&name) {
                        dup(diags, format!("local.{name} is defined twice"), file, r);
                    }
                    def.locals.insert(
                        name,
                        Named {
                            expr: OExpr::Hcl(a.value.clone()),
                            file,
                        },
                    );
                }
            }
            ("output", [name]) => {
                if let Some(a) = block.body.get_attribute("value") {
                    if !def.outputs.contains_key(name) {
                        def.output_order.push(name.clone());
                    }
                    def.outputs.insert(
                        name.clone(),
                        Named {
                            expr: OExpr::Hcl(a.value.clone()),
                            file,
                        },
                    );
                }
            }
            ("resource" | "data", [rtype, name]) => {
                let mode = if block.ident.as_str() == "resource" {
                    Mode::Managed
                } else {
                    Mode::Data
                };
                let r = ResDecl {
                    mode,
                    rtype: rtype.clone(),
                    name: name.clone(),
                    body: OBody::Hcl(block.body),
                    file,
                    range,
                };
                add_resource(def, r, diags);
            }
            ("module", [name]) => {
                let source = BodyRef::Hcl(&block.body)
                    .attr("source")
                    .and_then(|(e, _)| e.literal_str());
                let c = CallDecl {
                    name: name.clone(),
                    source,
                    body: OBody::Hcl(block.body),
                    file,
                    range,
                };
                add_call(def, c, diags);
            }
            ("provider", [p]) if p == "aws" => {
                let b = BodyRef::Hcl(&block.body);
                if b.attr("alias").is_none()
                    && let Some(a) = block.body.get_attribute("region")
                {
                    def.provider_region = Some(Named {
                        expr: OExpr::Hcl(a.value.clone()),
                        file,
                    });
                }
            }
            _ => {}
        }
    }
}

/// Splits nested JSON objects into labelled bodies: `{"type": {"name": {...}}}` with two labels.
fn json_labeled<'a>(
    node: &'a Node,
    nlabels: usize,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, &'a Node)>,
) {
    match &node.kind {
        NodeKind::Array(items) => {
            for i in items {
                json_labeled(i, nlabels, prefix, out);
            }
        }
        NodeKind::Object(entries) if nlabels > 0 => {
            for (k, _, v) in entries {
                let Some(k) = k.as_known() else { continue };
                if k == "//" {
                    continue;
                }
                prefix.push(k.to_owned());
                json_labeled(v, nlabels - 1, prefix, out);
                prefix.pop();
            }
        }
        NodeKind::Object(_) => out.push((prefix.clone(), node)),
        _ => {}
    }
}

fn read_json(def: &mut ModuleDef, file: FileId, root: Node, diags: &mut Vec<Diagnostic>) {
    if !matches!(root.kind, NodeKind::Object(_)) {
        diags.push(Diagnostic::error(
            Code::Shape,
            "a JSON configuration file must hold an object",
            Some(root.origin.clone()),
        ));
        return;
    }
    for (k, _, v) in root.entries() {
        let Some(kind) = k.as_known() else { continue };
        let nlabels = match kind {
            "variable" | "output" | "module" | "provider" => 1,
            "resource" | "data" => 2,
            "locals" => 0,
            _ => continue,
        };
        let mut found = Vec::new();
        json_labeled(v, nlabels, &mut Vec::new(), &mut found);
        for (labels, body) in found {
            let range = body.origin.range;
            match (kind, labels.as_slice()) {
                ("variable", [name]) => {
                    let b = BodyRef::Json(body);
                    let primitive = is_primitive_type(b.attr("type").map(|(e, _)| e));
                    let not_nullable = matches!(
                        body.get("nullable").map(|n| &n.kind),
                        Some(NodeKind::Bool(false))
                    );
                    let default = body.get("default").map(|n| OExpr::JsonLit(n.clone()));
                    let type_expr = body.get("type").map(|n| OExpr::Json(n.clone()));
                    def.variables.insert(
                        name.clone(),
                        VarDecl {
                            default,
                            type_expr,
                            primitive,
                            not_nullable,
                            file,
                            range,
                        },
                    );
                }
                ("locals", []) => {
                    for (lk, _, lv) in body.entries() {
                        let Some(name) = lk.as_known() else { continue };
                        if name == "//" {
                            continue;
                        }
                        def.locals.insert(
                            name.to_owned(),
                            Named {
                                expr: OExpr::Json(lv.clone()),
                                file,
                            },
                        );
                    }
                }
                ("output", [name]) => {
                    if let Some(val) = body.get("value") {
                        if !def.outputs.contains_key(name) {
                            def.output_order.push(name.clone());
                        }
                        def.outputs.insert(
                            name.clone(),
                            Named {
                                expr: OExpr::Json(val.clone()),
                                file,
                            },
                        );
                    }
                }
                ("resource" | "data", [rtype, name]) => {
                    let mode = if kind == "resource" {
                        Mode::Managed
                    } else {
                        Mode::Data
                    };
                    let r = ResDecl {
                        mode,
                        rtype: rtype.clone(),
                        name: name.clone(),
                        body: OBody::Json(body.clone()),
                        file,
                        range,
                    };
                    add_resource(def, r, diags);
                }
                ("module", [name]) => {
                    let source = body
                        .get("source")
                        .and_then(Node::as_known_str)
                        .map(str::to_owned);
                    let c = CallDecl {
                        name: name.clone(),
                        source,
                        body: OBody::Json(body.clone()),
                        file,
                        range,
                    };
                    add_call(def, c, diags);
                }
                ("provider", [p]) if p == "aws" => {
                    if body.get("alias").is_none()
                        && let Some(region) = body.get("region")
                    {
                        def.provider_region = Some(Named {
                            expr: OExpr::Json(region.clone()),
                            file,
                        });
                    }
                }
                _ => {}
            }
        }
    }
}

/// Joins a relative path onto a folder lexically (`..` pops a segment, or climbs above a
/// relative folder). `None` for an absolute `rel` or a path that climbs above the file system root.
pub(crate) fn normalize_join(dir: &Path, rel: &str) -> Option<PathBuf> {
    use std::path::Component;
    if Path::new(rel).is_absolute() {
        return None;
    }
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in dir.components().chain(Path::new(rel).components()) {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => return None,
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    let mut p = PathBuf::new();
    for c in out {
        p.push(c.as_os_str());
    }
    if p.as_os_str().is_empty() {
        p.push(".");
    }
    Some(p)
}

/// The path of `dir` relative to `root` (`.` for the root itself, `../x` above it), with `/`.
pub(crate) fn rel_path(root: &Path, dir: &Path) -> String {
    let r: Vec<_> = root
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    let d: Vec<_> = dir
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    let common = r.iter().zip(&d).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..r.len() {
        parts.push("..".to_owned());
    }
    for c in d.iter().skip(common) {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// A shared, immutable module definition.
/// Shared by the module instances of one folder; `Arc` so that the parsed files can be freed on
/// another thread once the resources are read.
pub(crate) type ModuleRc = Arc<ModuleDef>;
