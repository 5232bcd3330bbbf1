//! CloudFormation templates (JSON and YAML, SAM included) → the account model.
//!
//! [`parse`] reads one template and returns the part of the account it describes: IAM users,
//! groups, roles, managed and inline policies, instance profiles, and the resources that hand a
//! role to a service (EC2 instances, Lambda functions, RDS monitoring, ECS tasks, and the rest of
//! one table, `ROLE_USES`). Several templates given together form one account: the caller
//! overlays their accounts.
//!
//! # How a template is read
//!
//! 1. **Text → tree.** JSON goes through `passgraph-json`; YAML through `yaml-rust2`'s event
//!    parser. `serde_yaml` is archived and its values carry no positions, so it cannot say where a
//!    grant is written; the event parser gives a position for every node, which this crate keeps
//!    as byte ranges. Short-form tags become the long form (`!GetAtt R.Arn` → `{"Fn::GetAtt":
//!    ["R", "Arn"]}`), anchors and merge keys are expanded, plain scalars follow the YAML 1.1
//!    rules CloudFormation accepts. Nesting is limited to 256 levels and alias expansion to two
//!    million nodes, so hostile input is refused in bounded time and memory.
//! 2. **Resolution.** Intrinsic functions are resolved as CloudFormation resolves them: `Ref` of
//!    a role, user, group or instance profile is its name, of a managed policy its ARN;
//!    `Fn::GetAtt` gives ARNs; `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`,
//!    parameters (defaults, or the values given in [`Options::parameters`]), conditions and
//!    pseudo parameters are evaluated. What is not known offline stays symbolic, as a hole in the
//!    value (`${aws:account}`, `${template.yaml:MyRole.RoleName}`), never as `""` or `*`, with a
//!    diagnostic. A condition that cannot be decided keeps both branches
//!    ([`passgraph_model::NodeKind::Choice`]); what depends on it is `uncertain`. An IAM entity
//!    whose name depends on one (`RoleName: !If [C, app, !Ref AWS::NoValue]`: `app`, or a name
//!    CloudFormation generates) becomes one entity per name it may have, each `uncertain`, and
//!    `Ref`/`Fn::GetAtt` of it give every name or ARN. The reader keeps the condition under
//!    which each entity exists as a formula over the comparisons it cannot decide; entities
//!    of one kind and name whose conditions together always hold (`Condition: IsUsEast1` and
//!    `Condition: NotUsEast1`) become one certain entity, what only some of them hold staying
//!    possible (module `exists`).
//! 3. **Model.** Each IAM resource becomes an entity, each role-taking property a `RoleUse`.
//!    Every fact keeps the position of the node it comes from: a statement points at its mapping,
//!    a role at its logical id, a value computed by a function at the function call.
//!
//! This crate does no I/O, and never fails as a whole: a file that is not a template, or not
//! JSON or YAML at all, gives a diagnostic with a position.

mod doc;
mod exists;
mod iam;
mod ignore;
pub mod links;
mod paramfile;
mod resolve;
mod roleuse;
mod sam;
mod template;
mod yaml;

use passgraph_model::{
    Account, Code, Diagnostic, FileId, Level, Node, NodeKind, Origin, Parsed, Str, TextRange, Tri,
};

pub use crate::paramfile::{ParamFileError, parameters_file};

use crate::exists::{Conditions, Formula};
use crate::resolve::Ctx;
pub use crate::roleuse::ROLE_USES;
use crate::template::{Resource, Template};

/// What the caller knows about the stacks the templates describe.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The account id (`--account-id`); unknown (the `aws:account` hole) when `None`.
    pub account_id: Option<String>,
    /// The partition (`aws`, `aws-cn`, ...); the `aws:partition` hole when `None`.
    pub partition: Option<String>,
    /// The region; the `aws:region` hole when `None`.
    pub region: Option<String>,
    /// Parameter values (`--parameter KEY=VALUE`, or what a parent stack passes), overriding
    /// defaults. Later entries win.
    pub parameters: Vec<(String, String)>,
    /// Parameters given a value not known offline (a parent stack passes a resource's
    /// attribute, its own stack name, ...), each with why, for the note: their `Default` does
    /// not apply and they stay unknown, unless `parameters` gives them a value. `*` stands for
    /// every parameter.
    pub computed_parameters: Vec<(String, String)>,
}

/// Reads one template. Never fails: problems are diagnostics of the result. Values unknown
/// offline are named `cfn#<file>:...`; [`parse_named`] names them after the file.
#[must_use]
pub fn parse(file: FileId, text: &str, options: &Options) -> Parsed {
    parse_named(file, &format!("cfn#{}", file.0), text, options)
}

/// [`parse`], with the file's name as the user gave it (`stacks/app.yaml`): values unknown
/// offline are named after it (`${stacks/app.yaml:MyRole.RoleName}`), so that every output says
/// where they come from.
#[must_use]
pub fn parse_named(file: FileId, name: &str, text: &str, options: &Options) -> Parsed {
    let mut diagnostics = Vec::new();
    let root = match load(file, text, &mut diagnostics) {
        Ok(Some(root)) => root,
        Ok(None) => {
            diagnostics.push(Diagnostic::warning(
                Code::NotAnInput,
                "the file is empty; it is not a CloudFormation template",
                Some(Origin::new(file, TextRange::new(0, 0))),
            ));
            return Parsed {
                account: Account::default(),
                diagnostics,
            };
        }
        Err(d) => {
            diagnostics.push(d);
            return Parsed {
                account: Account::default(),
                diagnostics,
            };
        }
    };
    read_root(file, name, text, root, diagnostics, options)
}

/// [`parse_named`] for a JSON text the caller has already read into `root` (the same tree
/// [`parse_named`] would read: JSON templates are read by `passgraph_json`), so that a file is
/// parsed once whatever detects its kind.
#[must_use]
pub fn parse_named_root(
    file: FileId,
    name: &str,
    text: &str,
    root: Node,
    options: &Options,
) -> Parsed {
    read_root(file, name, text, root, Vec::new(), options)
}

/// Whether a document tree is a CloudFormation template (`AWSTemplateFormatVersion`, or
/// `Resources` with AWS types).
#[must_use]
pub fn is_template_root(root: &Node) -> bool {
    is_template(root)
}

fn read_root(
    file: FileId,
    name: &str,
    text: &str,
    root: Node,
    mut diagnostics: Vec<Diagnostic>,
    options: &Options,
) -> Parsed {
    if !is_template(&root) {
        diagnostics.push(Diagnostic::warning(
            Code::NotAnInput,
            "the file is JSON or YAML but not a CloudFormation template (no AWSTemplateFormatVersion, no Resources with AWS types)",
            Some(Origin::new(root.origin.file, TextRange { start: root.origin.range.start, end: root.origin.range.start })),
        ));
        return Parsed {
            account: Account::default(),
            diagnostics,
        };
    }
    template::check_duplicates(&root, &mut diagnostics);
    let tpl = Template::read(root, &mut diagnostics);
    let mut account = Account {
        account_id: options.account_id.clone(),
        ..Account::default()
    };
    let mut ctx = Ctx::new(file, &tpl, options);
    ctx.label = name.into();
    ctx.set_text(text);
    let mut conds = Conditions::default();
    for (i, r) in tpl.resources.iter().enumerate() {
        // A resource that is neither IAM nor hands a role to a service is not read at all: its
        // condition, parameters and properties can change no finding, and must not be noise.
        if !concerns_iam(r) {
            continue;
        }
        let uncertain = match &r.condition {
            None => false,
            Some((name, origin)) => match ctx.condition(name, origin) {
                Tri::Yes => false,
                Tri::No => continue,
                Tri::Maybe => {
                    let key = ctx.key(&format!("condition:{name}"));
                    ctx.once(
                        &key,
                        Level::Note,
                        Code::UnknownValue,
                        format!("condition {name} cannot be decided offline; what depends on it exists only possibly"),
                        origin,
                    );
                    true
                }
            },
        };
        let before = counts(&account);
        iam::resource(&mut ctx, &mut account, i, r, uncertain);
        record(&mut ctx, &account, i, r, before, &mut conds);
        ignore::collect(&mut account, r, before, &mut diagnostics);
        roleuse::role_uses(&mut ctx, &mut account, r, uncertain);
        sam::ignored_policies(&mut ctx, r);
        if r.ty == "AWS::CloudFormation::Stack" {
            diagnostics.push(Diagnostic::note(
                Code::Unsupported,
                format!(
                    "nested stack {} is not read from here: its template is analysed with this one when it is found in the folder searched with a path its TemplateURL ends with (then with the parameter values this stack passes, where they are known offline), or named beside it (then with its own parameter defaults)",
                    r.id
                ),
                Some(r.origin.clone()),
            ));
        }
    }
    exists::merge(&mut account, &conds);
    diagnostics.append(&mut ctx.diags);
    Parsed {
        account,
        diagnostics,
    }
}

/// Whether a resource can change a finding: IAM, SAM, a nested stack, or a resource of a type
/// of the role-use table that has a property the table names.
fn concerns_iam(r: &template::Resource) -> bool {
    always_read(&r.ty) || roleuse::may_use_roles(r)
}

/// Whether resources of a type may be read ([`concerns_iam`] decides per resource).
pub(crate) fn concerns_iam_type(ty: &str) -> bool {
    always_read(ty) || roleuse::ROLE_USES.iter().any(|s| s.resource_type == ty)
}

/// IAM, SAM and nested stacks: read whatever their properties.
fn always_read(ty: &str) -> bool {
    ty.starts_with("AWS::IAM::")
        || ty.starts_with("AWS::Serverless::")
        || ty == "AWS::CloudFormation::Stack"
}

/// How many users, groups, roles, managed policies and instance profiles an account holds.
fn counts(a: &Account) -> [usize; 5] {
    [
        a.users.len(),
        a.groups.len(),
        a.roles.len(),
        a.policies.len(),
        a.instance_profiles.len(),
    ]
}

/// The names of the entities of `list` from `from` on, and whether each is uncertain.
fn added<T>(list: &[T], from: usize, key: impl Fn(&T) -> (&Str, bool)) -> Vec<(Str, bool)> {
    list.iter()
        .skip(from)
        .map(|x| (key(x).0.clone(), key(x).1))
        .collect()
}

/// Records the condition under which each entity that resource `i` added exists: the
/// resource's `Condition` and the condition under which it has that name. An entity that the
/// reader made uncertain for another reason gets an opaque condition; a certain one, `true`.
fn record(
    ctx: &mut Ctx<'_>,
    acc: &Account,
    i: usize,
    r: &Resource,
    before: [usize; 5],
    conds: &mut Conditions,
) {
    if counts(acc) == before {
        return;
    }
    let base = match &r.condition {
        Some((name, origin)) => ctx.condition_formula(name, origin),
        None => Formula::TRUE,
    };
    let idents = ctx.idents(i);
    let [u, g, ro, p, ip] = before;
    let lists = [
        (
            &mut conds.users,
            added(&acc.users, u, |x| (&x.name, x.uncertain)),
        ),
        (
            &mut conds.groups,
            added(&acc.groups, g, |x| (&x.name, x.uncertain)),
        ),
        (
            &mut conds.roles,
            added(&acc.roles, ro, |x| (&x.name, x.uncertain)),
        ),
        (
            &mut conds.policies,
            added(&acc.policies, p, |x| (&x.name, x.uncertain)),
        ),
        (
            &mut conds.instance_profiles,
            added(&acc.instance_profiles, ip, |x| (&x.name, x.uncertain)),
        ),
    ];
    for (out, list) in lists {
        for (name, uncertain) in list {
            let guard = idents
                .iter()
                .find(|id| id.name == name)
                .map(|id| id.guard.clone());
            out.push(match guard.map(|g| base.clone().and(g)) {
                _ if !uncertain => Formula::TRUE,
                Some(f) if f != Formula::TRUE => f,
                _ => ctx.fresh(),
            });
        }
    }
}

/// True when the text is a CloudFormation template: JSON or YAML with `AWSTemplateFormatVersion`,
/// or a `Resources` mapping whose resources have AWS types (`AWS::...`, SAM's
/// `AWS::Serverless::...`, `Custom::...`, registry modules `...::MODULE`).
///
/// A text that is not valid JSON or YAML but plainly starts a template (a top-level
/// `AWSTemplateFormatVersion:` or `Resources:` line, or a JSON `"AWSTemplateFormatVersion"`) is a
/// broken template: this returns true, and [`parse`] reports where it breaks.
#[must_use]
pub fn looks_like_template(text: &str) -> bool {
    // A cheap test first: both markers are plain words in every template.
    if !text.contains("AWSTemplateFormatVersion") && !text.contains("Resources") {
        return false;
    }
    let mut ignored = Vec::new();
    match load(FileId(0), text, &mut ignored) {
        Ok(Some(root)) => is_template(&root),
        Ok(None) => false,
        Err(_) => has_template_marker(text),
    }
}

/// The markers of a template that do not need the text to parse.
fn has_template_marker(text: &str) -> bool {
    text.contains("\"AWSTemplateFormatVersion\"")
        || (text.contains("\"Resources\"") && text.contains("\"AWS::"))
        || text.lines().any(|l| {
            let l = l.trim_start_matches('\u{feff}');
            l.starts_with("AWSTemplateFormatVersion:") || l.starts_with("Resources:")
        })
}

/// JSON or YAML text → the document tree (`None` for an empty document).
/// Reads a JSON or YAML document into the position-keeping tree the way templates are read
/// (short-form tags, YAML 1.1 scalars, the same limits), for the project's other YAML files
/// (`.passgraph.yaml`). `Ok((None, _))` for an empty document; the error has a position.
pub fn load_document(
    file: FileId,
    text: &str,
) -> Result<(Option<Node>, Vec<Diagnostic>), Diagnostic> {
    let mut diags = Vec::new();
    let root = load(file, text, &mut diags)?;
    Ok((root, diags))
}

fn load(file: FileId, text: &str, diags: &mut Vec<Diagnostic>) -> Result<Option<Node>, Diagnostic> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('{') || body.starts_with('[') {
        match passgraph_json::parse(file, text) {
            Ok(root) => return Ok(Some(root)),
            Err(json_err) => {
                // YAML is a superset of most JSON; if YAML reads it, keep that, else report the
                // JSON error, which is the one the author needs.
                if let Ok(loaded) = yaml::load(file, text)
                    && loaded.root.is_some()
                {
                    diags.extend(loaded.diagnostics);
                    return Ok(loaded.root);
                }
                let code = if json_err.message.starts_with("nesting deeper") {
                    Code::Limit
                } else {
                    Code::Syntax
                };
                return Err(Diagnostic::error(
                    code,
                    format!("invalid JSON: {}", json_err.message),
                    Some(point(file, text, json_err.offset)),
                ));
            }
        }
    }
    match yaml::load(file, text) {
        Ok(loaded) => {
            diags.extend(loaded.diagnostics);
            Ok(loaded.root)
        }
        Err(e) => Err(Diagnostic::error(
            e.code,
            e.message,
            Some(point(file, text, e.offset)),
        )),
    }
}

/// An empty origin at `offset`, moved back to a character boundary (a reader may stop inside a
/// multi-byte character).
fn point(file: FileId, text: &str, offset: usize) -> Origin {
    let mut at = offset.min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    Origin::new(file, TextRange::new(at, at))
}

/// The content test of [`looks_like_template`].
fn is_template(root: &Node) -> bool {
    if !matches!(root.kind, NodeKind::Object(_)) {
        return false;
    }
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources").is_some_and(|res| {
        res.entries().iter().any(|(_, _, r)| {
            r.get("Type").and_then(Node::as_known_str).is_some_and(|t| {
                t.starts_with("AWS::")
                    || t.starts_with("Custom::")
                    || t.starts_with("Alexa::")
                    || t.ends_with("::MODULE")
            })
        })
    })
}

#[cfg(test)]
mod tests;
