//! The petgraph view of an analysis: principals, groups, policies, services and resources as
//! typed nodes; memberships, attachments, trust, assume-role and PassRole as typed edges.
//! Built once, in sorted order, then immutable; node ids are stable for a given input.

use std::collections::BTreeMap;

use petgraph::stable_graph::{NodeIndex, StableDiGraph};

use crate::index::Index;
use crate::{AssumeEdge, PrincipalKind};

/// A node id, stable for a given input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

/// A node of the graph.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node {
    /// A user (index into principals).
    User(usize),
    /// A role (index into principals).
    Role(usize),
    /// A group, by name.
    Group(String),
    /// A managed policy, by ARN.
    Policy(String),
    /// A service principal.
    Service(String),
    /// A resource that hands a role to a service (index into `Account::role_uses`).
    Resource(usize),
    /// Every principal: the source of the edges to roles whose trust policy names `"*"`.
    Anyone,
}

/// An edge of the graph.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edge {
    /// User is in group.
    MemberOf,
    /// Policy attached to principal or group.
    Attached,
    /// Principal may assume role (definite or possible).
    CanAssume {
        /// Definite.
        definite: bool,
    },
    /// Principal may pass role to service.
    CanPass {
        /// The service principal.
        service: String,
        /// Definite.
        definite: bool,
    },
    /// Role trusts service.
    Trusts,
    /// Resource hands role to service.
    UsedBy,
}

/// The graph.
#[derive(Clone, Debug, Default)]
pub struct IamGraph {
    graph: StableDiGraph<Node, Edge>,
    by_node: BTreeMap<Node, NodeIndex>,
}

impl IamGraph {
    fn node(&mut self, n: Node) -> NodeIndex {
        if let Some(i) = self.by_node.get(&n) {
            return *i;
        }
        let i = self.graph.add_node(n.clone());
        self.by_node.insert(n, i);
        i
    }

    /// Nodes in id order.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.graph.node_indices().map(|i| {
            (
                NodeId(u32::try_from(i.index()).unwrap_or(u32::MAX)),
                &self.graph[i],
            )
        })
    }

    /// Edges in insertion order: (from, to, edge).
    pub fn edges(&self) -> impl Iterator<Item = (NodeId, NodeId, &Edge)> {
        self.graph.edge_indices().filter_map(|e| {
            let (a, b) = self.graph.edge_endpoints(e)?;
            let id = |x: NodeIndex| NodeId(u32::try_from(x.index()).unwrap_or(u32::MAX));
            Some((id(a), id(b), &self.graph[e]))
        })
    }

    /// The id of a node, if present.
    #[must_use]
    pub fn find(&self, n: &Node) -> Option<NodeId> {
        self.by_node
            .get(n)
            .map(|i| NodeId(u32::try_from(i.index()).unwrap_or(u32::MAX)))
    }

    /// Number of nodes.
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }
}

pub(crate) fn build(
    idx: &Index<'_>,
    engine: &crate::sets::Engine,
    assume: &[AssumeEdge],
    open: &crate::pass::OpenEdges,
) -> IamGraph {
    let mut g = IamGraph::default();
    let pnode = |p: usize| match idx.principals[p].kind {
        PrincipalKind::User => Node::User(p),
        PrincipalKind::Role => Node::Role(p),
    };
    for p in 0..idx.principals.len() {
        g.node(pnode(p));
    }
    let acct = idx.account;
    for gr in &acct.groups {
        g.node(Node::Group(gr.name.to_string()));
    }
    for p in 0..idx.n_users {
        let u = &acct.users[idx.source[p]];
        let un = g.node(pnode(p));
        for gname in &u.groups {
            let gn = g.node(Node::Group(gname.to_string()));
            g.graph.add_edge(un, gn, Edge::MemberOf);
        }
        for a in &u.attached {
            let pn = g.node(Node::Policy(a.arn.to_string()));
            g.graph.add_edge(pn, un, Edge::Attached);
        }
    }
    let users = crate::index::Resolver::new(
        (0..idx.n_users).map(|p| (p, &idx.principals[p].name, &idx.principals[p].arn)),
    );
    for m in &acct.memberships {
        for (p, _) in users.resolve(&m.user) {
            let un = g.node(pnode(p));
            let gn = g.node(Node::Group(m.group.to_string()));
            g.graph.add_edge(un, gn, Edge::MemberOf);
        }
    }
    for gr in &acct.groups {
        let gn = g.node(Node::Group(gr.name.to_string()));
        for a in &gr.attached {
            let pn = g.node(Node::Policy(a.arn.to_string()));
            g.graph.add_edge(pn, gn, Edge::Attached);
        }
    }
    for p in idx.n_users..idx.principals.len() {
        let r = &acct.roles[idx.source[p]];
        let rn = g.node(pnode(p));
        for a in &r.attached {
            let pn = g.node(Node::Policy(a.arn.to_string()));
            g.graph.add_edge(pn, rn, Edge::Attached);
        }
        for ts in &idx.trusted_services[p] {
            let sn = g.node(Node::Service(ts.service.clone()));
            g.graph.add_edge(rn, sn, Edge::Trusts);
        }
        for (u, _) in &idx.uses[p] {
            let un = g.node(Node::Resource(*u));
            g.graph.add_edge(un, rn, Edge::UsedBy);
        }
    }
    // Roles that trust everyone: one edge from "anyone" each, definite when some key may assume
    // them definitely.
    let mut open_roles: BTreeMap<usize, bool> = BTreeMap::new();
    for list in &open.by_key {
        for e in list {
            *open_roles.entry(e.role).or_default() |= e.certainty == passgraph_model::Tri::Yes;
        }
    }
    if !open_roles.is_empty() {
        let anyone = g.node(Node::Anyone);
        for (r, definite) in open_roles {
            let rn = g.node(pnode(r));
            g.graph.add_edge(anyone, rn, Edge::CanAssume { definite });
        }
    }
    for e in assume {
        let (a, b) = (g.node(pnode(e.from)), g.node(pnode(e.to)));
        g.graph.add_edge(
            a,
            b,
            Edge::CanAssume {
                definite: e.certainty == passgraph_model::Tri::Yes,
            },
        );
    }
    // A principal's own grants, in finding order; definite when any way makes them so.
    for p in 0..idx.principals.len() {
        let (def, _) = engine.sets(p);
        for (pair, _) in engine.classes[engine.class_of[p]].directs.iter() {
            let Some((role, service)) = engine.pairs.get(pair as usize) else {
                continue;
            };
            let (a, b) = (g.node(pnode(p)), g.node(pnode(*role)));
            g.graph.add_edge(
                a,
                b,
                Edge::CanPass {
                    service: service.to_string(),
                    definite: def.contains(pair),
                },
            );
        }
    }
    g
}
