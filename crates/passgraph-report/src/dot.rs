//! `--format dot` and `graph`: Graphviz, hand-written with stable node ids and escaped labels.
//! Clusters per kind; PassRole edges red and bold (dashed when possible); assume-role edges blue.

use std::io::Write;

use passgraph_graph::{Edge, Node};

use crate::Report;

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn label(r: &Report<'_>, n: &Node) -> (String, &'static str) {
    match n {
        Node::User(p) => (
            format!(
                "user\\n{}",
                esc(&r.analysis.principals[*p].name.to_string())
            ),
            "users",
        ),
        Node::Role(p) => (
            format!(
                "role\\n{}",
                esc(&r.analysis.principals[*p].name.to_string())
            ),
            "roles",
        ),
        Node::Group(g) => (format!("group\\n{}", esc(g)), "groups"),
        Node::Policy(p) => (
            format!("policy\\n{}", esc(p.rsplit('/').next().unwrap_or(p))),
            "policies",
        ),
        Node::Service(s) => (esc(s), "services"),
        Node::Anyone => ("anyone (\\\"*\\\")".to_owned(), "users"),
        Node::Resource(u) => {
            let x = r.account.role_uses.get(*u);
            (
                x.map_or_else(String::new, |x| {
                    format!("{}\\n{}", esc(&x.resource_type), esc(&x.resource))
                }),
                "resources",
            )
        }
    }
}

/// Writes the graph of an analysis. With `findings_only`, only principals and roles that take
/// part in a finding or an assume-role edge, and the services they reach.
///
/// # Errors
/// When writing fails.
pub fn emit(w: &mut dyn Write, r: &Report<'_>, findings_only: bool) -> crate::Result {
    let g = &r.analysis.graph;
    let mut keep = vec![!findings_only; g.node_count().max(1) * 2 + 16];
    if findings_only {
        for (a, b, e) in g.edges() {
            if matches!(e, Edge::CanPass { .. } | Edge::CanAssume { .. }) {
                for id in [a, b] {
                    if let Some(k) = keep.get_mut(id.0 as usize) {
                        *k = true;
                    }
                }
            }
        }
    }
    let kept = |id: passgraph_graph::NodeId| keep.get(id.0 as usize).copied().unwrap_or(false);
    writeln!(w, "digraph passgraph {{")?;
    writeln!(w, "  rankdir=LR;")?;
    writeln!(
        w,
        "  node [shape=box, style=rounded, fontname=\"Helvetica\"];"
    )?;
    writeln!(w, "  edge [fontname=\"Helvetica\", fontsize=10];")?;
    for cluster in [
        "users",
        "groups",
        "roles",
        "policies",
        "services",
        "resources",
    ] {
        let members: Vec<(passgraph_graph::NodeId, String)> = g
            .nodes()
            .filter(|(id, _)| kept(*id))
            .filter_map(|(id, n)| {
                let (l, c) = label(r, n);
                (c == cluster).then_some((id, l))
            })
            .collect();
        if members.is_empty() {
            continue;
        }
        writeln!(w, "  subgraph cluster_{cluster} {{")?;
        writeln!(w, "    label=\"{cluster}\";")?;
        for (id, l) in members {
            let shape = if cluster == "services" {
                ", shape=ellipse"
            } else {
                ""
            };
            writeln!(w, "    n{} [label=\"{l}\"{shape}];", id.0)?;
        }
        writeln!(w, "  }}")?;
    }
    let mut passes: Vec<(u32, u32, String, bool)> = Vec::new();
    for (a, b, e) in g.edges() {
        if !(kept(a) && kept(b)) {
            continue;
        }
        match e {
            Edge::MemberOf => writeln!(
                w,
                "  n{} -> n{} [label=\"member of\", color=gray50];",
                a.0, b.0
            )?,
            Edge::Attached => writeln!(
                w,
                "  n{} -> n{} [label=\"attached\", color=gray50];",
                a.0, b.0
            )?,
            Edge::Trusts => writeln!(
                w,
                "  n{} -> n{} [label=\"trusts\", color=darkgreen];",
                a.0, b.0
            )?,
            Edge::UsedBy => writeln!(w, "  n{} -> n{} [label=\"uses\", color=gray50];", a.0, b.0)?,
            Edge::CanAssume { definite } => {
                writeln!(
                    w,
                    "  n{} -> n{} [label=\"can assume\", color=blue{}];",
                    a.0,
                    b.0,
                    if *definite { "" } else { ", style=dashed" }
                )?;
            }
            Edge::CanPass { service, definite } => {
                passes.push((a.0, b.0, service.clone(), *definite))
            }
        }
    }
    for (a, b, service, definite) in passes {
        writeln!(
            w,
            "  n{a} -> n{b} [label=\"can pass to {}\", color=red, penwidth=2{}];",
            esc(&service),
            if definite { "" } else { ", style=dashed" }
        )?;
    }
    writeln!(w, "}}")
}
