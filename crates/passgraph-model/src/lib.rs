//! The format-neutral domain of passgraph: source positions, values that may be unknown until
//! apply, ARNs, IAM wildcard patterns, the policy language and the account model.
//!
//! This crate knows nothing of Terraform, CloudFormation, JSON or the terminal, and does no I/O.
//! Parsers (`passgraph-snapshot`, `-cfn`, `-hcl`, `-tfplan`) build an [`Account`] out of these
//! types; the evaluator and the graph read it without knowing where a fact came from.

pub mod account;
pub mod arn;
pub mod diag;
pub mod hash;
pub mod partition;
pub mod pattern;
pub mod policy;
pub mod relation;
pub mod roleuse;
pub mod service;
pub mod span;
pub mod stack;
pub mod tree;
pub mod tri;
pub mod value;

pub use account::{
    Account, AttachedPolicy, Attachment, EntityKind, Group, Ignore, InlinePolicy, InstanceProfile,
    ManagedPolicy, Membership, PolicyRef, PrincipalTarget, Removal, Role, RoleTarget, RoleUse, Tag,
    User,
};
pub use arn::Arn;
pub use diag::{Code, Diagnostic, Level};
pub use pattern::Glob;
pub use policy::{
    ActionSpec, Condition, Effect, PolicyDocument, PrincipalSpec, ResourceSpec, Statement,
};
pub use relation::{Relation, RelationRemoval, RelationScope};
pub use roleuse::{RoleTargetKind, RoleUseSpec};
pub use span::{FileId, Origin, SourceMap, TextRange};
pub use tree::{Node, NodeKind};
pub use tri::Tri;
pub use value::{Part, Str};

/// What a parser returns for one input: the part of the account it describes, and what it had
/// to say about the input. Parsing never fails as a whole because of one bad resource.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// The account fragment.
    pub account: Account,
    /// Input diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}
