//! The default picture of `graph` and `audit -f dot`: the findings, condensed so that `dot`
//! draws it in seconds whatever the account's size.
//!
//! Principals with identical reach (the same (role, service, certainty) keys) become one node
//! ("37 users: alice, bob, ..."); roles with the same trusted services and the same holders
//! become one node ("1,713 roles EC2-roles-for-ANLT-*"); a role alone in both (it passes roles
//! and is passed) is one node with edges in and out. An edge from a principal node to a role
//! node says which services the role can be passed to: red when exploitable, orange when
//! possibly, grey when not; dashed when only possible; bold when the role is admin-equivalent,
//! whose node is filled red. Role nodes point at the services that trust them. `Focus` narrows
//! the picture to named principals or roles and caps its nodes (the most severe kept first); a
//! note node says what was left out; a legend explains the marks.

use passgraph_model::hash::HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::Arc;

use passgraph_graph::{PrincipalKind, Severity};
use passgraph_model::Tri;

use crate::Report;

/// What the picture shows.
#[derive(Clone, Debug)]
pub struct Focus {
    /// Only these principals (name or ARN); empty: all.
    pub principals: Vec<String>,
    /// Only these roles (name or ARN); empty: all.
    pub roles: Vec<String>,
    /// At most this many nodes (the legend aside).
    pub max_nodes: usize,
}

impl Default for Focus {
    fn default() -> Focus {
        Focus {
            principals: Vec::new(),
            roles: Vec::new(),
            max_nodes: DEFAULT_MAX_NODES,
        }
    }
}

/// The default of `--max-nodes`.
pub const DEFAULT_MAX_NODES: usize = 200;

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// One reach of a principal class: (role, service, certainty, severity, exploitable).
type Reach = (usize, Arc<str>, Tri, Severity, Tri);

struct PClass {
    kind: PrincipalKind,
    members: Vec<usize>,
    reach: Vec<Reach>,
}

fn fnv(h: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *h ^= u64::from(*b);
        *h = h.wrapping_mul(0x0100_0000_01b3);
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "37 users: alice, bob, carol, ..." or "user alice".
fn principal_label(r: &Report<'_>, c: &PClass) -> String {
    let kind = c.kind.as_str();
    let name = |p: usize| r.analysis.principals[p].name.to_string();
    if let [one] = c.members.as_slice() {
        return format!("{kind}\n{}", name(*one));
    }
    let shown: Vec<String> = c.members.iter().take(3).map(|p| name(*p)).collect();
    format!(
        "{} {kind}s:\n{}{}",
        thousands(c.members.len()),
        shown.join(", "),
        if c.members.len() > 3 { ", ..." } else { "" }
    )
}

/// "role web" or "1,713 roles EC2-roles-for-ANLT-*" (their common prefix) or "3 roles: a, b, c".
fn role_label(r: &Report<'_>, members: &[usize]) -> String {
    let names: Vec<String> = members
        .iter()
        .map(|p| r.analysis.principals[*p].name.to_string())
        .collect();
    if let [one] = names.as_slice() {
        return format!("role\n{one}");
    }
    let first = &names[0];
    let mut len = first.len();
    for n in &names[1..] {
        len = len.min(
            first
                .char_indices()
                .zip(n.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, a), _)| i + a.len_utf8()),
        );
    }
    if len >= 3 {
        format!("{} roles\n{}*", thousands(names.len()), &first[..len])
    } else {
        let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
        format!(
            "{} roles:\n{}{}",
            thousands(names.len()),
            shown.join(", "),
            if names.len() > 3 { ", ..." } else { "" }
        )
    }
}

/// Writes the condensed picture of a report's findings.
///
/// # Errors
/// When writing fails.
pub fn emit(w: &mut dyn Write, r: &Report<'_>, focus: &Focus) -> crate::Result {
    emit_titled(w, r, focus, None)
}

/// Like [`emit`], with a title drawn above the picture (the stack's name when a folder search
/// found several: each picture says which it is).
///
/// # Errors
/// When writing fails.
pub fn emit_titled(
    w: &mut dyn Write,
    r: &Report<'_>,
    focus: &Focus,
    title: Option<&str>,
) -> crate::Result {
    // Principal classes: identical reach, same kind.
    let mut classes: Vec<PClass> = Vec::new();
    let mut class_by: HashMap<(PrincipalKind, u64, u64, usize), usize> = HashMap::default();
    let mut admin: HashMap<usize, Tri> = HashMap::default();
    let named = |keys: &[String]| {
        let names = crate::Names::new(keys);
        (!names.is_empty()).then(|| {
            r.analysis
                .principals
                .iter()
                .map(|p| names.matches(&p.name, &p.arn))
                .collect::<Vec<bool>>()
        })
    };
    // Per principal, whether `--principal` / `--role` name it (decided once, not per finding).
    let (principal_named, role_named) = (named(&focus.principals), named(&focus.roles));
    for g in r.groups() {
        if principal_named.as_ref().is_some_and(|n| !n[g.principal]) {
            continue;
        }
        let keep_role = |role: usize| role_named.as_ref().is_none_or(|n| n[role]);
        let (mut h1, mut h2) = (0xcbf2_9ce4_8422_2325_u64, 0x8422_2325_cbf2_9ce4_u64);
        let mut n = 0;
        for (role, service, t, _) in g.keys.iter().filter(|k| keep_role(k.0)) {
            for h in [&mut h1, &mut h2] {
                fnv(h, &role.to_le_bytes());
                fnv(h, service.as_bytes());
                fnv(h, &[*t as u8]);
            }
            n += 1;
        }
        if n == 0 {
            continue;
        }
        let kind = r.analysis.principals[g.principal].kind;
        let key = (kind, h1, h2, n);
        if let Some(c) = class_by.get(&key) {
            classes[*c].members.push(g.principal);
            continue;
        }
        let mut reach = Vec::with_capacity(n);
        for f in g.findings() {
            if !keep_role(f.role) {
                continue;
            }
            admin.insert(f.role, f.role_admin);
            reach.push((
                f.role,
                f.service.clone(),
                f.certainty,
                f.severity,
                f.exploitable,
            ));
        }
        class_by.insert(key, classes.len());
        classes.push(PClass {
            kind,
            members: vec![g.principal],
            reach,
        });
    }
    // Role classes: the same trusted services and the same holders.
    let mut holders: BTreeMap<usize, BTreeSet<(usize, Arc<str>, Tri)>> = BTreeMap::new();
    for (ci, c) in classes.iter().enumerate() {
        for (role, service, t, _, _) in &c.reach {
            holders
                .entry(*role)
                .or_default()
                .insert((ci, service.clone(), *t));
        }
    }
    let mut rclass_by: BTreeMap<(Vec<String>, Vec<(usize, Arc<str>, Tri)>), usize> =
        BTreeMap::new();
    let mut rclasses: Vec<Vec<usize>> = Vec::new();
    let mut rclass_of: HashMap<usize, usize> = HashMap::default();
    for (role, hs) in &holders {
        let trusted: Vec<String> = r
            .analysis
            .trusted_services
            .get(*role)
            .map(|v| v.iter().map(|(s, _)| s.clone()).collect())
            .unwrap_or_default();
        let key = (trusted, hs.iter().cloned().collect::<Vec<_>>());
        let k = *rclass_by.entry(key).or_insert_with(|| {
            rclasses.push(Vec::new());
            rclasses.len() - 1
        });
        rclasses[k].push(*role);
        rclass_of.insert(*role, k);
    }
    // A role that passes roles and is passed itself, alone in its principal class and in its
    // role class, is one node (it was drawn twice, once on each side).
    let merged: HashMap<usize, usize> = classes
        .iter()
        .enumerate()
        .filter_map(|(ci, c)| {
            let [p] = c.members.as_slice() else {
                return None;
            };
            if c.kind != PrincipalKind::Role {
                return None;
            }
            let k = *rclass_of.get(p)?;
            (rclasses[k].len() == 1).then_some((ci, k))
        })
        .collect();
    // Edges: principal class -> role class, with services, certainty, severity, exploitable.
    #[derive(Clone)]
    struct E {
        services: BTreeSet<Arc<str>>,
        certainty: Tri,
        severity: Severity,
        exploitable: Tri,
    }
    let mut edges: BTreeMap<(usize, usize), E> = BTreeMap::new();
    let mut role_services: BTreeMap<usize, BTreeSet<Arc<str>>> = BTreeMap::new();
    for (ci, c) in classes.iter().enumerate() {
        for (role, service, t, sev, ex) in &c.reach {
            let Some(k) = rclass_of.get(role) else {
                continue;
            };
            role_services.entry(*k).or_default().insert(service.clone());
            let e = edges.entry((ci, *k)).or_insert(E {
                services: BTreeSet::new(),
                certainty: Tri::No,
                severity: Severity::Low,
                exploitable: Tri::No,
            });
            e.services.insert(service.clone());
            e.certainty = e.certainty.max(*t);
            e.severity = e.severity.max(*sev);
            e.exploitable = e.exploitable.max(*ex);
        }
    }
    let role_admin = |k: usize| {
        rclasses[k]
            .iter()
            .map(|role| admin.get(role).copied().unwrap_or(Tri::No))
            .max()
            .unwrap_or(Tri::No)
    };
    // Keep the most important edges while the nodes fit.
    let mut order: Vec<(&(usize, usize), &E)> = edges.iter().collect();
    order.sort_by(|a, b| {
        (
            b.1.severity,
            role_admin(b.0.1),
            b.1.exploitable,
            b.1.certainty,
        )
            .cmp(&(
                a.1.severity,
                role_admin(a.0.1),
                a.1.exploitable,
                a.1.certainty,
            ))
    });
    let (mut pk, mut rk, mut sk): (BTreeSet<usize>, BTreeSet<usize>, BTreeSet<Arc<str>>) =
        Default::default();
    let mut kept_edges = Vec::new();
    let mut dropped = 0usize;
    for (key, e) in order {
        let mut new_nodes = usize::from(!pk.contains(&key.0)) + usize::from(!rk.contains(&key.1));
        let svcs = role_services.get(&key.1).cloned().unwrap_or_default();
        new_nodes += svcs.iter().filter(|s| !sk.contains(*s)).count();
        if pk.len() + rk.len() + sk.len() + new_nodes > focus.max_nodes.max(3) {
            dropped += 1;
            continue;
        }
        pk.insert(key.0);
        rk.insert(key.1);
        sk.extend(svcs);
        kept_edges.push((*key, e.clone()));
    }
    kept_edges.sort_by_key(|(k, _)| *k);
    writeln!(w, "digraph passgraph {{")?;
    writeln!(w, "  rankdir=LR;")?;
    if let Some(t) = title {
        writeln!(
            w,
            "  label=\"{}\"; labelloc=t; fontname=\"Helvetica\";",
            esc(t)
        )?;
    }
    writeln!(
        w,
        "  node [shape=box, style=rounded, fontname=\"Helvetica\"];"
    )?;
    writeln!(w, "  edge [fontname=\"Helvetica\", fontsize=10];")?;
    // A merged principal class is drawn as its role's node when that node is drawn.
    let node_of = |c: usize| match merged.get(&c) {
        Some(k) if rk.contains(k) => format!("r{k}"),
        _ => format!("p{c}"),
    };
    for c in &pk {
        if node_of(*c).starts_with('r') {
            continue;
        }
        writeln!(
            w,
            "  p{c} [label=\"{}\"];",
            esc(&principal_label(r, &classes[*c]))
        )?;
    }
    for k in &rk {
        let a = role_admin(*k);
        let mut label = role_label(r, &rclasses[*k]);
        let style = match a {
            Tri::Yes => {
                label.push_str("\n(admin-equivalent)");
                ", style=\"rounded,filled\", fillcolor=\"#ffd6d6\", color=red, penwidth=2"
            }
            Tri::Maybe => {
                label.push_str("\n(maybe admin-equivalent)");
                ", style=\"rounded,filled,dashed\", fillcolor=\"#fff0d6\", color=orange"
            }
            Tri::No => "",
        };
        writeln!(w, "  r{k} [label=\"{}\"{style}];", esc(&label))?;
    }
    let services: Vec<&Arc<str>> = sk.iter().collect();
    for (i, s) in services.iter().enumerate() {
        writeln!(w, "  s{i} [label=\"{}\", shape=ellipse];", esc(s))?;
    }
    for ((c, k), e) in &kept_edges {
        let color = match e.exploitable {
            Tri::Yes => "red",
            Tri::Maybe => "orange",
            Tri::No => "gray40",
        };
        let svcs: Vec<&str> = e
            .services
            .iter()
            .map(|s| s.strip_suffix(".amazonaws.com").unwrap_or(s))
            .collect();
        writeln!(
            w,
            "  {} -> r{k} [label=\"can pass to {}\", color={color}{}{}];",
            node_of(*c),
            esc(&svcs.join(", ")),
            if role_admin(*k) == Tri::Yes {
                ", penwidth=3"
            } else {
                ", penwidth=1.5"
            },
            if e.certainty == Tri::Yes {
                ""
            } else {
                ", style=dashed"
            }
        )?;
    }
    for k in &rk {
        for s in role_services.get(k).into_iter().flatten() {
            if let Some(i) = services.iter().position(|x| *x == s) {
                writeln!(w, "  r{k} -> s{i} [color=darkgreen, arrowhead=vee];")?;
            }
        }
    }
    let total = classes.len() + rclasses.len();
    let shown = pk.len() + rk.len();
    if dropped > 0 {
        writeln!(
            w,
            "  omitted [shape=note, label=\"{} of {} principal and role nodes and {dropped} edges left out (--max-nodes {}); --principal, --role and --service focus the picture\"];",
            total - shown,
            total,
            focus.max_nodes
        )?;
    }
    if pk.is_empty() {
        writeln!(w, "  none [shape=note, label=\"no finding to draw\"];")?;
    }
    legend(w)?;
    writeln!(w, "}}")
}

fn legend(w: &mut dyn Write) -> crate::Result {
    writeln!(w, "  subgraph cluster_legend {{")?;
    writeln!(
        w,
        "    label=\"legend\"; style=dashed; fontname=\"Helvetica\";"
    )?;
    writeln!(w, "    lp [label=\"principals with\\nthe same reach\"];")?;
    writeln!(
        w,
        "    lr [label=\"roles with the same\\ntrust and holders\"];"
    )?;
    writeln!(
        w,
        "    la [label=\"admin-equivalent role\", style=\"rounded,filled\", fillcolor=\"#ffd6d6\", color=red, penwidth=2];"
    )?;
    writeln!(
        w,
        "    lm [label=\"maybe admin-equivalent\", style=\"rounded,filled,dashed\", fillcolor=\"#fff0d6\", color=orange];"
    )?;
    writeln!(w, "    ls [label=\"service\", shape=ellipse];")?;
    writeln!(
        w,
        "    lp -> la [label=\"exploitable\", color=red, penwidth=3];"
    )?;
    writeln!(
        w,
        "    lp -> lr [label=\"possible, not exploitable\", color=gray40, style=dashed];"
    )?;
    writeln!(
        w,
        "    lp -> lm [label=\"maybe exploitable\", color=orange, penwidth=1.5];"
    )?;
    writeln!(
        w,
        "    lr -> ls [label=\"trusted by\", color=darkgreen, arrowhead=vee];"
    )?;
    writeln!(w, "  }}")
}
