//! Policy documents of templates: a mapping (the usual form) or a JSON string (written out, or
//! built with `Fn::Sub`/`Fn::Join`), read once by [`PolicyDocument::from_node`].
//!
//! A JSON string with unknown parts (`"arn:aws:iam::${AWS::AccountId}:role/x"` inside an
//! `Fn::Sub`) is not JSON text yet. Each hole is replaced by a private-use placeholder, the text
//! is parsed, and the placeholders inside string values are turned back into holes: the
//! document keeps its structure and its unknowns.

use passgraph_model::value::Hole;
use passgraph_model::{Code, Diagnostic, Node, NodeKind, Origin, Part, PolicyDocument, Str};

use crate::resolve::Ctx;

const OPEN: char = '\u{e000}';
const CLOSE: char = '\u{e001}';

/// Reads a resolved policy document value.
pub(crate) fn policy_document(ctx: &mut Ctx<'_>, node: &Node) -> PolicyDocument {
    let tree = to_tree(ctx, node);
    let (doc, diags) = PolicyDocument::from_node(&tree);
    ctx.diags.extend(diags);
    doc
}

/// The document as a tree: strings holding JSON text are parsed.
fn to_tree(ctx: &mut Ctx<'_>, node: &Node) -> Node {
    match &node.kind {
        NodeKind::String(s) => match s.as_known() {
            Some(text) => match passgraph_json::parse_embedded(&node.origin, text, false) {
                Ok(tree) => tree,
                Err(e) => {
                    ctx.diags.push(Diagnostic::warning(
                        Code::PolicyGrammar,
                        format!("the policy document is a string that is not JSON: {e}"),
                        Some(node.origin.clone()),
                    ));
                    Node::new(
                        NodeKind::Unknown(ctx.key_at("document", node.origin.range.start)),
                        node.origin.clone(),
                    )
                }
            },
            None => with_holes(ctx, s, &node.origin),
        },
        NodeKind::Choice(alts) => Node::new(
            NodeKind::Choice(alts.iter().map(|a| to_tree(ctx, a)).collect()),
            node.origin.clone(),
        ),
        _ => node.clone(),
    }
}

/// Parses JSON text with holes, keeping the holes inside its strings.
fn with_holes(ctx: &mut Ctx<'_>, s: &Str, origin: &Origin) -> Node {
    let mut text = String::new();
    let mut holes: Vec<&Hole> = Vec::new();
    for p in s.parts() {
        match p {
            Part::Lit(t) => text.push_str(t),
            Part::Hole(k) => {
                text.push(OPEN);
                text.push_str(&holes.len().to_string());
                text.push(CLOSE);
                holes.push(k);
            }
        }
    }
    match passgraph_json::parse_embedded(origin, &text, false) {
        Ok(mut tree) => {
            restore(&mut tree, &holes);
            tree
        }
        Err(_) => {
            let shown: Vec<&str> = holes.iter().map(|h| h.key()).collect();
            ctx.diags.push(Diagnostic::warning(
                Code::UnknownPolicy,
                format!("the policy document is JSON text with values known only at deploy ({}) where JSON needs them; it is kept as unknown", shown.join(", ")),
                Some(origin.clone()),
            ));
            Node::new(
                NodeKind::Unknown(ctx.key_at("document", origin.range.start)),
                origin.clone(),
            )
        }
    }
}

fn restore(node: &mut Node, holes: &[&Hole]) {
    match &mut node.kind {
        NodeKind::String(s) => *s = unplace(s, holes),
        NodeKind::Array(items) | NodeKind::Choice(items) => {
            items.iter_mut().for_each(|i| restore(i, holes))
        }
        NodeKind::Object(entries) => {
            for (k, _, v) in entries {
                *k = unplace(k, holes);
                restore(v, holes);
            }
        }
        _ => {}
    }
}

/// Turns placeholders back into holes.
fn unplace(s: &Str, holes: &[&Hole]) -> Str {
    let Some(text) = s.as_known() else {
        return s.clone();
    };
    if !text.contains(OPEN) {
        return s.clone();
    }
    let mut out = Str::default();
    let mut rest = text;
    while let Some(i) = rest.find(OPEN) {
        let (lit, after) = rest.split_at(i);
        out.push_str(lit);
        let after = after.get(OPEN.len_utf8()..).unwrap_or("");
        let Some(j) = after.find(CLOSE) else {
            out.push_str(after);
            return out;
        };
        match after
            .get(..j)
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| holes.get(n))
        {
            Some(k) => out.push(Part::Hole((*k).clone())),
            None => out.push_str(after.get(..j).unwrap_or("")),
        }
        rest = after.get(j + CLOSE.len_utf8()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}
