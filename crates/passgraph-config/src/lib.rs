//! The project's configuration and the exposures a team has accepted.
//!
//! - [`Config`]: `.passgraph.yaml` (accepted exposures, excluded paths, per-path account ids,
//!   CloudFormation parameters, Terraform variables, default flags), read with positions so that
//!   every error names file:line:col. Unknown keys and bad values are errors.
//! - [`accept`]: whether a finding is accepted — by the configuration, by an inline suppression
//!   written where the principal or role is defined, or by a baseline — and why.
//! - [`baseline`]: the baseline file (`--write-baseline`, `--baseline`).
//!
//! No I/O: the caller reads the files and gives their text.

pub mod accept;
pub mod baseline;
mod config;
mod date;

pub use accept::{Acceptance, Exposure, Suppressed, SuppressionKind, Suppressor};
pub use config::{Config, Defaults, PathAccount, parse};
pub use date::Date;

/// The name of the configuration file, found upward from the first input.
pub const FILE_NAME: &str = ".passgraph.yaml";
