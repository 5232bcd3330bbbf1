//! A format-neutral document tree with positions and unknowns.
//!
//! Every input format turns the parts that hold IAM policy documents into a [`Node`] tree: JSON
//! text, CloudFormation YAML after intrinsics are resolved, Terraform `jsonencode(...)` values.
//! [`crate::policy::PolicyDocument::from_node`] then reads the policy grammar once, for all formats.

use std::sync::Arc;

use crate::span::Origin;
use crate::value::Str;

/// A node of a document tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Where it comes from.
    pub origin: Origin,
}

/// The value of a node.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, possibly with unknown parts.
    String(Str),
    /// A list.
    Array(Vec<Node>),
    /// A map, in source order, keys with their own positions.
    Object(Vec<(Str, Origin, Node)>),
    /// A value wholly unknown offline (a whole list or document known only after apply); the
    /// text says where it comes from.
    Unknown(Arc<str>),
    /// One of several values, decided by something not known offline (an undecidable
    /// CloudFormation condition). Readers keep every alternative and mark what depends on it.
    Choice(Vec<Node>),
}

impl Node {
    /// A node.
    #[must_use]
    pub fn new(kind: NodeKind, origin: Origin) -> Node {
        Node { kind, origin }
    }

    /// The value under `key` of an object, by exact key.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Object(entries) => entries
                .iter()
                .rev()
                .find(|(k, _, _)| k.as_known() == Some(key))
                .map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// Like [`Node::get`], to change or take the value.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.kind {
            NodeKind::Object(entries) => entries
                .iter_mut()
                .rev()
                .find(|(k, _, _)| k.as_known() == Some(key))
                .map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// The entries of an object (empty for other kinds).
    #[must_use]
    pub fn entries(&self) -> &[(Str, Origin, Node)] {
        match &self.kind {
            NodeKind::Object(e) => e,
            _ => &[],
        }
    }

    /// The string value, if the node is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&Str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The string value if it is wholly known.
    #[must_use]
    pub fn as_known_str(&self) -> Option<&str> {
        self.as_str().and_then(Str::as_known)
    }

    /// The items of an array (empty for other kinds).
    #[must_use]
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            NodeKind::Array(a) => a,
            _ => &[],
        }
    }

    /// A short name of the node's kind, for messages.
    #[must_use]
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Number(_) => "a number",
            NodeKind::String(_) => "a string",
            NodeKind::Array(_) => "a list",
            NodeKind::Object(_) => "an object",
            NodeKind::Unknown(_) => "an unknown value",
            NodeKind::Choice(_) => "a conditional value",
        }
    }

    /// The scalar as a string value: strings as they are, numbers and booleans in their JSON
    /// text (IAM compares condition values as strings).
    #[must_use]
    pub fn scalar_text(&self) -> Option<Str> {
        match &self.kind {
            NodeKind::String(s) => Some(s.clone()),
            NodeKind::Number(n) => Some(Str::lit(n.clone())),
            NodeKind::Bool(b) => Some(Str::lit(b.to_string())),
            _ => None,
        }
    }
}
