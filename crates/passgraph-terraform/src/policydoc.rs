//! `data "aws_iam_policy_document"` rendered as the AWS provider renders it, once for both front
//! ends: each reads the data source's arguments into a [`DocumentInput`] (values as [`Node`]s
//! that keep their positions) and [`render`] builds the JSON document the provider would write.
//!
//! Rules (provider `policy_document_data_source.go`, `policy_model.go`; semantics.md section
//! 4.7): `source_policy_documents` first, then this document's statements (a statement whose
//! `sid` is already there replaces it), then `override_policy_documents` with the same rule;
//! `effect` defaults to `Allow`; sets are de-duplicated, a single element is written bare and
//! several are sorted in reverse; principals group by type, `{type = "*", identifiers = ["*"]}`
//! alone is `"*"`; conditions group by test and variable; unless the version is `2008-10-17`,
//! `&{...}` becomes `${...}` in resources, principals and condition values
//! (`dataSourcePolicyDocumentVarReplacer`).

use passgraph_model::{Node, NodeKind, Origin, Part, Str};

/// The arguments of one `aws_iam_policy_document`, read by a front end.
#[derive(Clone, Debug)]
pub struct DocumentInput {
    /// The data source.
    pub origin: Origin,
    /// `version`, when set (default `2012-10-17`).
    pub version: Option<Str>,
    /// `policy_id`, when set.
    pub policy_id: Option<(Origin, Node)>,
    /// `source_policy_documents` (and the deprecated `source_json`): parsed documents, or
    /// [`NodeKind::Unknown`] nodes for those that cannot be read.
    pub sources: Vec<Node>,
    /// The `statement` blocks, in order.
    pub statements: Vec<StatementInput>,
    /// `override_policy_documents` (and `override_json`), like `sources`.
    pub overrides: Vec<Node>,
}

/// A set-valued argument of a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetArg {
    /// `actions` → `Action`.
    Actions,
    /// `not_actions` → `NotAction`.
    NotActions,
    /// `resources` → `Resource`.
    Resources,
    /// `not_resources` → `NotResource`.
    NotResources,
}

impl SetArg {
    /// Every set argument with its Terraform name, in rendering order.
    pub const ALL: [(SetArg, &'static str); 4] = [
        (SetArg::Actions, "actions"),
        (SetArg::NotActions, "not_actions"),
        (SetArg::Resources, "resources"),
        (SetArg::NotResources, "not_resources"),
    ];

    fn key(self) -> &'static str {
        match self {
            SetArg::Actions => "Action",
            SetArg::NotActions => "NotAction",
            SetArg::Resources => "Resource",
            SetArg::NotResources => "NotResource",
        }
    }

    fn substitutes(self) -> bool {
        matches!(self, SetArg::Resources | SetArg::NotResources)
    }
}

/// One `statement` block.
#[derive(Clone, Debug)]
pub struct StatementInput {
    /// The block.
    pub origin: Origin,
    /// Made by a `dynamic` block whose `for_each` is not known: may not exist.
    pub uncertain: bool,
    /// `sid`, when set.
    pub sid: Option<(Origin, Node)>,
    /// `effect`, when set.
    pub effect: Option<(Origin, Node)>,
    /// The set arguments that are set, each with the position of the argument and its items
    /// (an item wholly unknown is one [`NodeKind::Unknown`] node).
    pub sets: Vec<(SetArg, Origin, Vec<Node>)>,
    /// `principals` blocks.
    pub principals: Vec<PrincipalInput>,
    /// `not_principals` blocks.
    pub not_principals: Vec<PrincipalInput>,
    /// `condition` blocks.
    pub conditions: Vec<ConditionInput>,
}

impl StatementInput {
    /// A `statement` block at `origin` with nothing read yet.
    #[must_use]
    pub fn new(origin: Origin) -> StatementInput {
        StatementInput {
            origin,
            uncertain: false,
            sid: None,
            effect: None,
            sets: Vec::new(),
            principals: Vec::new(),
            not_principals: Vec::new(),
            conditions: Vec::new(),
        }
    }
}

/// One `principals` (or `not_principals`) block.
#[derive(Clone, Debug)]
pub struct PrincipalInput {
    /// The block.
    pub origin: Origin,
    /// `type`.
    pub kind: Str,
    /// `identifiers`.
    pub identifiers: Vec<Node>,
}

/// One `condition` block.
#[derive(Clone, Debug)]
pub struct ConditionInput {
    /// The block.
    pub origin: Origin,
    /// `test`.
    pub test: Str,
    /// `variable`.
    pub variable: Str,
    /// `values`, in order.
    pub values: Vec<Node>,
}

/// The default and the only other version the provider accepts.
const DEFAULT_VERSION: &str = "2012-10-17";

/// The document the provider renders into `json`.
#[must_use]
pub fn render(input: DocumentInput) -> Node {
    let DocumentInput {
        origin,
        version,
        policy_id,
        sources,
        statements: own,
        overrides,
    } = input;
    let version = version
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| Str::lit(DEFAULT_VERSION));
    let substitute = version.as_known() != Some("2008-10-17");
    let mut statements: Vec<Node> = Vec::new();
    let mut adopted_id: Option<Node> = None;
    merge_documents(sources, &mut statements, &mut adopted_id);
    for st in own {
        let uncertain = st.uncertain;
        let so = st.origin.clone();
        let mut node = statement(st, substitute);
        if uncertain {
            node = Node::new(NodeKind::Choice(vec![node]), so);
        }
        merge_statement(&mut statements, node);
    }
    merge_documents(overrides, &mut statements, &mut adopted_id);
    let mut entries = vec![(
        Str::lit("Version"),
        origin.clone(),
        Node::new(NodeKind::String(version), origin.clone()),
    )];
    match policy_id {
        Some((o, n)) => entries.push((Str::lit("Id"), o, n)),
        None => {
            if let Some(n) = adopted_id {
                entries.push((Str::lit("Id"), origin.clone(), n));
            }
        }
    }
    entries.push((
        Str::lit("Statement"),
        origin.clone(),
        Node::new(NodeKind::Array(statements), origin.clone()),
    ));
    Node::new(NodeKind::Object(entries), origin)
}

/// Merges source or override documents into the statements; what is not a document stays as
/// an unknown statement.
fn merge_documents(docs: Vec<Node>, statements: &mut Vec<Node>, id: &mut Option<Node>) {
    for d in docs {
        match &d.kind {
            NodeKind::Null => {}
            NodeKind::Object(_) => {
                if let Some(i) = d.get("Id") {
                    *id = Some(i.clone());
                }
                match d.get("Statement") {
                    Some(Node {
                        kind: NodeKind::Array(items),
                        ..
                    }) => {
                        for s in items {
                            merge_statement(statements, s.clone());
                        }
                    }
                    Some(s) => merge_statement(statements, s.clone()),
                    None => {}
                }
            }
            NodeKind::Unknown(_) => statements.push(d),
            _ => {
                let why = format!("a {} where a policy document was expected", d.kind_name());
                statements.push(Node::new(NodeKind::Unknown(why.into()), d.origin));
            }
        }
    }
}

fn statement(st: StatementInput, substitute: bool) -> Node {
    let mut entries: Vec<(Str, Origin, Node)> = Vec::new();
    if let Some((o, sid)) = st.sid
        && sid.as_known_str().is_none_or(|t| !t.is_empty())
        && !matches!(sid.kind, NodeKind::Null)
    {
        entries.push((Str::lit("Sid"), o, sid));
    }
    let (eo, effect) = st.effect.unwrap_or_else(|| {
        (
            st.origin.clone(),
            Node::new(NodeKind::String(Str::lit("Allow")), st.origin.clone()),
        )
    });
    entries.push((Str::lit("Effect"), eo, effect));
    for (arg, _) in SetArg::ALL {
        for (a, o, items) in &st.sets {
            if *a != arg {
                continue;
            }
            let mut items = items.clone();
            if substitute && arg.substitutes() {
                items.iter_mut().for_each(replace_vars);
            }
            let items = dedupe_sorted(items);
            if !items.is_empty() {
                entries.push((Str::lit(arg.key()), o.clone(), bare_or_list(items, o)));
            }
        }
    }
    for (blocks, key) in [
        (st.principals, "Principal"),
        (st.not_principals, "NotPrincipal"),
    ] {
        if let Some((o, node)) = principals(blocks, substitute) {
            entries.push((Str::lit(key), o, node));
        }
    }
    if let Some((o, node)) = conditions(st.conditions, substitute) {
        entries.push((Str::lit("Condition"), o, node));
    }
    Node::new(NodeKind::Object(entries), st.origin)
}

fn principals(blocks: Vec<PrincipalInput>, substitute: bool) -> Option<(Origin, Node)> {
    let first = blocks.first()?.origin.clone();
    let mut groups: Vec<(Str, Origin, Vec<Node>)> = Vec::new();
    let mut everyone = false;
    for b in blocks {
        let mut ids = b.identifiers;
        if substitute {
            ids.iter_mut().for_each(replace_vars);
        }
        if b.kind.as_known() == Some("*") && ids.iter().all(|n| n.as_known_str() == Some("*")) {
            everyone = true;
            continue;
        }
        match groups.iter_mut().find(|(k, _, _)| *k == b.kind) {
            Some((_, _, v)) => v.extend(ids),
            None => groups.push((b.kind, b.origin, ids)),
        }
    }
    if everyone && groups.is_empty() {
        return Some((
            first.clone(),
            Node::new(NodeKind::String(Str::lit("*")), first),
        ));
    }
    if everyone {
        // `"*"` beside other principals: everyone, written the way IAM reads it in a map.
        let star = Node::new(NodeKind::String(Str::lit("*")), first.clone());
        match groups
            .iter_mut()
            .find(|(k, _, _)| k.as_known() == Some("AWS"))
        {
            Some((_, _, v)) => v.push(star),
            None => groups.push((Str::lit("AWS"), first.clone(), vec![star])),
        }
    }
    let entries = groups
        .into_iter()
        .map(|(t, bo, ids)| (t, bo.clone(), bare_or_list(dedupe_sorted(ids), &bo)))
        .collect();
    Some((first.clone(), Node::new(NodeKind::Object(entries), first)))
}

/// A group keyed by a string, with the position of its first member.
type Grouped<T> = (Str, Origin, T);

fn conditions(blocks: Vec<ConditionInput>, substitute: bool) -> Option<(Origin, Node)> {
    let co = blocks.first()?.origin.clone();
    let mut tests: Vec<Grouped<Vec<Grouped<Vec<Node>>>>> = Vec::new();
    for b in blocks {
        let mut values = b.values;
        if substitute {
            values.iter_mut().for_each(replace_vars);
        }
        let t = match tests.iter().position(|(k, _, _)| *k == b.test) {
            Some(i) => i,
            None => {
                tests.push((b.test, b.origin.clone(), Vec::new()));
                tests.len() - 1
            }
        };
        if let Some((_, _, vars)) = tests.get_mut(t) {
            match vars.iter_mut().find(|(k, _, _)| *k == b.variable) {
                Some((_, _, vals)) => vals.extend(values),
                None => vars.push((b.variable, b.origin, values)),
            }
        }
    }
    let node = Node::new(
        NodeKind::Object(
            tests
                .into_iter()
                .map(|(t, to, vars)| {
                    let inner = vars
                        .into_iter()
                        .map(|(k, ko, vals)| (k, ko.clone(), bare_or_list(vals, &ko)))
                        .collect();
                    (t, to.clone(), Node::new(NodeKind::Object(inner), to))
                })
                .collect(),
        ),
        co.clone(),
    );
    Some((co, node))
}

/// One element written bare, several as a list.
fn bare_or_list(mut items: Vec<Node>, o: &Origin) -> Node {
    if items.len() == 1
        && let Some(n) = items.pop()
    {
        return n;
    }
    Node::new(NodeKind::Array(items), o.clone())
}

/// De-duplicates known strings and sorts them in reverse, as the provider does; unknown items
/// keep their place after the known ones.
fn dedupe_sorted(items: Vec<Node>) -> Vec<Node> {
    let mut known: Vec<Node> = Vec::new();
    let mut other: Vec<Node> = Vec::new();
    for n in items {
        if matches!(n.kind, NodeKind::Null) {
            continue;
        }
        match n.as_known_str() {
            Some(t) => {
                if !known.iter().any(|k| k.as_known_str() == Some(t)) {
                    known.push(n);
                }
            }
            None => other.push(n),
        }
    }
    known.sort_by(|a, b| b.as_known_str().cmp(&a.as_known_str()));
    known.extend(other);
    known
}

/// `&{aws:username}` → `${aws:username}`.
pub fn replace_vars(n: &mut Node) {
    if let NodeKind::String(s) = &mut n.kind
        && s.parts()
            .iter()
            .any(|p| matches!(p, Part::Lit(t) if t.contains("&{")))
    {
        *s = Str::from_parts(s.parts().iter().map(|p| match p {
            Part::Lit(t) => Part::Lit(t.replace("&{", "${")),
            h => h.clone(),
        }));
    }
}

/// Adds a statement, replacing one with the same non-empty `Sid`.
fn merge_statement(statements: &mut Vec<Node>, st: Node) {
    let sid = st
        .get("Sid")
        .and_then(Node::as_known_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if let Some(sid) = sid
        && let Some(slot) = statements
            .iter_mut()
            .find(|s| s.get("Sid").and_then(Node::as_known_str) == Some(sid.as_str()))
    {
        *slot = st;
        return;
    }
    statements.push(st);
}

#[cfg(test)]
mod tests;
