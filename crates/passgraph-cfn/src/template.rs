//! The sections of a template that resolution needs: parameters, mappings, conditions and
//! resources (with their logical ids), read from the raw document tree.

use passgraph_model::hash::HashMap;

use passgraph_model::{Code, Diagnostic, Node, NodeKind, Origin, TextRange};

/// The SAM transform.
pub(crate) const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// One resource of the template.
#[derive(Clone, Debug)]
pub(crate) struct Resource {
    /// Logical id.
    pub(crate) id: String,
    /// `Type`.
    pub(crate) ty: String,
    /// `Properties` (merged with SAM `Globals` for serverless resources); `None` when absent.
    pub(crate) props: Option<Node>,
    /// `Condition`, when given.
    pub(crate) condition: Option<(String, Origin)>,
    /// From the logical id to the end of the definition.
    pub(crate) origin: Origin,
    /// For a role that SAM generates, the index of the resource it is generated for.
    pub(crate) generated_for: Option<usize>,
    /// `Metadata`, when given.
    pub(crate) metadata: Option<Node>,
}

/// A template, split into the sections resolution needs.
#[derive(Debug, Default)]
pub(crate) struct Template {
    /// Parameter declarations by name.
    pub(crate) params: HashMap<String, Node>,
    /// `Mappings`.
    pub(crate) mappings: Option<Node>,
    /// `Conditions` by name.
    pub(crate) conditions: HashMap<String, Node>,
    /// Resources in source order.
    pub(crate) resources: Vec<Resource>,
    /// Logical id → index in `resources`.
    pub(crate) index: HashMap<String, usize>,
    /// The SAM transform is declared.
    pub(crate) sam: bool,
}

impl Template {
    /// Reads the sections of a template root; what does not fit becomes a diagnostic.
    /// Takes the template by value: sections and properties move into the template instead
    /// of being copied.
    pub(crate) fn read(mut root: Node, diags: &mut Vec<Diagnostic>) -> Template {
        let mut t = Template::default();
        let transforms = transforms(&root);
        t.sam = transforms.iter().any(|(name, _)| name == SAM_TRANSFORM);
        for (name, origin) in &transforms {
            if name != SAM_TRANSFORM && name != "AWS::LanguageExtensions" {
                diags.push(Diagnostic::warning(
                    Code::Unsupported,
                    format!(
                        "transform {name} is not run; what it would add to the template is missing"
                    ),
                    Some(origin.clone()),
                ));
            }
        }
        let mut section = |name: &str, diags: &mut Vec<Diagnostic>| -> Option<Node> {
            let node = take(&mut root, name)?;
            match node.kind {
                NodeKind::Object(_) => Some(node),
                NodeKind::Null => None,
                _ => {
                    diags.push(Diagnostic::warning(
                        Code::Shape,
                        format!("{name} must be a mapping, found {}", node.kind_name()),
                        Some(node.origin.clone()),
                    ));
                    None
                }
            }
        };
        if let Some(Node {
            kind: NodeKind::Object(entries),
            ..
        }) = section("Parameters", diags)
        {
            for (k, _, v) in entries {
                t.params.insert(k.to_string(), v);
            }
        }
        t.mappings = section("Mappings", diags);
        if let Some(Node {
            kind: NodeKind::Object(entries),
            ..
        }) = section("Conditions", diags)
        {
            for (k, _, v) in entries {
                t.conditions.insert(k.to_string(), v);
            }
        }
        let globals = section("Globals", diags);
        let Some(Node {
            kind: NodeKind::Object(resources),
            ..
        }) = section("Resources", diags)
        else {
            return t;
        };
        for (k, ko, mut v) in resources {
            let id = k.to_string();
            let origin = Origin::new(
                ko.file,
                TextRange {
                    start: ko.range.start,
                    end: v.origin.range.end.max(ko.range.end),
                },
            );
            if id.starts_with("Fn::ForEach") {
                diags.push(Diagnostic::warning(
                    Code::Unsupported,
                    "Fn::ForEach (AWS::LanguageExtensions) is not expanded; the resources it makes are missing",
                    Some(origin),
                ));
                continue;
            }
            if !matches!(v.kind, NodeKind::Object(_)) {
                diags.push(Diagnostic::warning(
                    Code::Shape,
                    format!("resource {id} must be a mapping, found {}", v.kind_name()),
                    Some(v.origin.clone()),
                ));
                continue;
            }
            let Some(ty) = v
                .get("Type")
                .and_then(Node::as_known_str)
                .map(str::to_owned)
            else {
                diags.push(Diagnostic::warning(
                    Code::Shape,
                    format!("resource {id} has no Type"),
                    Some(origin),
                ));
                continue;
            };
            let mut props = match take(&mut v, "Properties") {
                Some(
                    p @ Node {
                        kind: NodeKind::Object(_),
                        ..
                    },
                ) => Some(p),
                Some(Node {
                    kind: NodeKind::Null,
                    ..
                })
                | None => None,
                Some(p) => {
                    diags.push(Diagnostic::warning(
                        Code::Shape,
                        format!(
                            "Properties of {id} must be a mapping, found {}",
                            p.kind_name()
                        ),
                        Some(p.origin.clone()),
                    ));
                    None
                }
            };
            if let Some(kind) = ty.strip_prefix("AWS::Serverless::")
                && let Some(g) = globals.as_ref().and_then(|g| g.get(kind))
            {
                props = Some(with_globals(props, g, &origin));
            }
            let condition = v
                .get("Condition")
                .and_then(|c| c.as_known_str().map(|s| (s.to_owned(), c.origin.clone())));
            let resource = Resource {
                id: id.clone(),
                ty,
                props,
                condition,
                origin,
                generated_for: None,
                metadata: take(&mut v, "Metadata"),
            };
            // A logical id written twice (reported by `check_duplicates`): the last one wins.
            if let Some(slot) = t.index.get(&id).and_then(|&i| t.resources.get_mut(i)) {
                *slot = resource;
            } else {
                t.index.insert(id, t.resources.len());
                t.resources.push(resource);
            }
        }
        if !t.sam
            && let Some(r) = t
                .resources
                .iter()
                .find(|r| r.ty.starts_with("AWS::Serverless::"))
        {
            diags.push(Diagnostic::warning(
                Code::Shape,
                format!("{} is a SAM type but the template has no Transform: {SAM_TRANSFORM}; it is read as SAM", r.id),
                Some(r.origin.clone()),
            ));
            t.sam = true;
        }
        t.add_sam_roles();
        t
    }

    /// Adds the roles SAM generates for serverless functions and state machines without `Role`,
    /// under the logical id SAM gives them (`<Id>Role`), unless the template defines that id.
    fn add_sam_roles(&mut self) {
        if !self.sam {
            return;
        }
        let n = self.resources.len();
        for i in 0..n {
            let Some(r) = self.resources.get(i) else {
                continue;
            };
            if !matches!(
                r.ty.as_str(),
                "AWS::Serverless::Function" | "AWS::Serverless::StateMachine"
            ) {
                continue;
            }
            if r.props.as_ref().and_then(|p| p.get("Role")).is_some() {
                continue;
            }
            let id = format!("{}Role", r.id);
            if self.index.contains_key(&id) {
                continue;
            }
            let generated = Resource {
                id: id.clone(),
                ty: "AWS::IAM::Role".to_owned(),
                props: None,
                condition: r.condition.clone(),
                origin: r.origin.clone(),
                generated_for: Some(i),
                metadata: None,
            };
            self.index.insert(id, self.resources.len());
            self.resources.push(generated);
        }
    }
}

/// Moves the value of `key` out of an object (the last entry with that key, as [`Node::get`]
/// reads it), leaving `null` in its place.
fn take(node: &mut Node, key: &str) -> Option<Node> {
    let NodeKind::Object(entries) = &mut node.kind else {
        return None;
    };
    let (_, _, v) = entries
        .iter_mut()
        .rev()
        .find(|(k, _, _)| k.as_known() == Some(key))?;
    let origin = v.origin.clone();
    Some(std::mem::replace(v, Node::new(NodeKind::Null, origin)))
}

/// The transforms a template declares (a string or a list), with their positions.
fn transforms(root: &Node) -> Vec<(String, Origin)> {
    let Some(t) = root.get("Transform") else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &t.kind {
        NodeKind::Array(items) => items.iter().collect(),
        _ => vec![t],
    };
    items
        .into_iter()
        .map(|n| match n.as_known_str() {
            Some(s) => (s.to_owned(), n.origin.clone()),
            // `Transform: {Name: AWS::Include, ...}` and the like.
            None => (
                n.get("Name")
                    .and_then(Node::as_known_str)
                    .unwrap_or("a macro")
                    .to_owned(),
                n.origin.clone(),
            ),
        })
        .collect()
}

/// SAM `Globals`: properties a serverless resource does not set are taken from the section.
fn with_globals(props: Option<Node>, globals: &Node, origin: &Origin) -> Node {
    let mut node = props.unwrap_or_else(|| Node::new(NodeKind::Object(Vec::new()), origin.clone()));
    if let NodeKind::Object(entries) = &mut node.kind {
        for (k, ko, v) in globals.entries() {
            if !entries.iter().any(|(e, _, _)| e == k) {
                entries.push((k.clone(), ko.clone(), v.clone()));
            }
        }
    }
    node
}

/// Reports keys written twice in one mapping (CloudFormation rejects such templates; most
/// readers keep the last): a warning where passgraph reads (the top level, parameters,
/// mappings, conditions, output names and exported outputs, resources that `concerns_iam`
/// may read), a note elsewhere
/// (an SNS tag option, an output that is not exported), where it can change no finding.
pub(crate) fn check_duplicates(root: &Node, diags: &mut Vec<Diagnostic>) {
    duplicates_here(root, diags, true);
    for (k, _, v) in root.entries() {
        match k.as_known() {
            Some("Resources") => {
                duplicates_here(v, diags, true);
                for (_, _, r) in v.entries() {
                    let read = r
                        .get("Type")
                        .and_then(Node::as_known_str)
                        .is_none_or(crate::concerns_iam_type);
                    duplicates_below(r, diags, read);
                }
            }
            Some("Outputs") => {
                // Exports link templates into one account: an exported output is read whole.
                duplicates_here(v, diags, true);
                for (_, _, o) in v.entries() {
                    let exported = o
                        .entries()
                        .iter()
                        .any(|(k, _, _)| k.as_known() == Some("Export"));
                    duplicates_below(o, diags, exported);
                }
            }
            Some("Metadata" | "Rules" | "Description") => duplicates_below(v, diags, false),
            _ => duplicates_below(v, diags, true),
        }
    }
}

/// The keys written twice in `n` itself (not below it).
fn duplicates_here(n: &Node, diags: &mut Vec<Diagnostic>, warn: bool) {
    let NodeKind::Object(entries) = &n.kind else {
        return;
    };
    if entries.len() < 2 {
        return;
    }
    let mut seen =
        passgraph_model::hash::HashSet::with_capacity_and_hasher(entries.len(), Default::default());
    for (k, ko, _) in entries {
        if !seen.insert(k) {
            let message = format!("key {k} is written twice in one mapping; the last one wins");
            diags.push(if warn {
                Diagnostic::warning(Code::Duplicate, message, Some(ko.clone()))
            } else {
                Diagnostic::note(Code::Duplicate, message, Some(ko.clone()))
            });
        }
    }
}

/// The keys written twice in `root` and in every mapping below it. Walks iteratively: the tree
/// may be deep.
fn duplicates_below(root: &Node, diags: &mut Vec<Diagnostic>, warn: bool) {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        duplicates_here(n, diags, warn);
        match &n.kind {
            NodeKind::Object(entries) => stack.extend(entries.iter().map(|(_, _, v)| v)),
            NodeKind::Array(items) | NodeKind::Choice(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
}
