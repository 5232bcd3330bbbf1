//! The Terraform AWS provider's meaning, in one place below both Terraform readers.
//!
//! `passgraph-hcl` (`.tf` folders) and `passgraph-tfplan` (plan JSON) are front ends: each reads
//! its own syntax into values and implements [`ResourceView`] over one resource instance. What
//! an `aws_*` resource means for the account model is written once here:
//!
//! - [`adapt`]: IAM users, groups, roles, managed and inline policies, instance profiles,
//!   attachments and memberships, and the resources that hand a role to a service;
//! - [`ROLE_USES`]: the role-taking attributes, in the model's [`passgraph_model::RoleUseSpec`]
//!   schema;
//! - [`policydoc::render`]: `aws_iam_policy_document` as the provider renders it;
//! - [`names`]: ARN kinds and generated names (`name_prefix`);
//! - [`partition`]: regions to partitions, DNS suffixes and `aws_service_principal`.
//!
//! The crate does no I/O and knows no syntax (neither HCL nor JSON).

mod adapt;
pub mod names;
pub mod partition;
pub mod policydoc;
mod roleuse;

pub use adapt::{Arity, Item, ResourceView, Want, adapt, is_mapped};
pub use roleuse::{ROLE_USES, role_uses_of};
