//! Input diagnostics: problems in the inputs themselves, never mixed with findings or errors.
//! Every code is listed in [`Code`]; codes are never reused or renumbered.

use std::fmt;

use crate::span::Origin;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Information that may explain a result.
    Note,
    /// Something was not understood or not known; results that depend on it are `possible`.
    Warning,
    /// Part of an input could not be read at all.
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        })
    }
}

macro_rules! codes {
    ($($variant:ident = $id:literal, $slug:literal, $desc:literal;)*) => {
        /// Diagnostic codes (`IAM0xx`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $(#[doc = $desc] $variant,)* }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable identifier, e.g. `IAM001`.
            #[must_use]
            pub fn id(self) -> &'static str { match self { $(Code::$variant => $id,)* } }

            /// The kebab-case name.
            #[must_use]
            pub fn slug(self) -> &'static str { match self { $(Code::$variant => $slug,)* } }

            /// One sentence on what the code means.
            #[must_use]
            pub fn description(self) -> &'static str { match self { $(Code::$variant => $desc,)* } }
        }
    };
}

codes! {
    Syntax = "IAM001", "syntax-error", "The input is not valid JSON, YAML or HCL.";
    Shape = "IAM002", "unexpected-shape", "A value has a type or shape the input format does not allow here.";
    PolicyGrammar = "IAM003", "policy-grammar", "A policy document breaks the IAM policy grammar.";
    UnknownValue = "IAM004", "unknown-value", "A value is not known until apply; results that depend on it are possible.";
    UnknownPolicy = "IAM005", "unknown-policy", "An attached policy's document is not available; findings through it are possible.";
    UnresolvedReference = "IAM006", "unresolved-reference", "A reference names something the inputs do not define.";
    Unsupported = "IAM007", "unsupported-construct", "A construct is not supported; it is kept as an unknown value.";
    UnknownOperator = "IAM008", "unknown-condition-operator", "A condition operator is not known; the condition is treated as unknown.";
    CaseMismatch = "IAM009", "case-only-mismatch", "A pattern differs from a role ARN only by case; AWS treats this as no match.";
    UnreliableCondition = "IAM010", "unreliable-resource-tag-condition", "A PassRole grant is restricted by a resource tag, which AWS documents as unreliable.";
    RemoteModule = "IAM011", "remote-module-not-fetched", "A module source is remote and is never fetched.";
    NotAnInput = "IAM012", "not-an-input", "A file is not a plan, a template, a configuration or a snapshot.";
    TruncatedSnapshot = "IAM013", "truncated-snapshot", "The snapshot is one page of a longer listing; entities on other pages are missing.";
    Limit = "IAM014", "input-limit", "An input exceeds a safety limit (nesting, alias expansion, size).";
    Duplicate = "IAM015", "duplicate-key", "A key or entity is defined twice; the last definition wins.";
    EveryoneTrust = "IAM016", "role-trusts-everyone", "A role's trust policy allows any principal to assume it.";
    ReferenceCycle = "IAM017", "reference-cycle", "Values or modules refer to each other in a cycle; the values in the cycle are unknown.";
    Suppression = "IAM018", "suppression", "An accepted exposure or inline suppression expired, has no reason, or matches nothing.";
    StacksLinked = "IAM020", "stacks-linked", "Stacks found apart are analysed as one account because one refers to the other (an imported export, a nested stack, a plan beside its configuration).";
}

/// A problem in an input, with the place it comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// Seriousness.
    pub level: Level,
    /// Stable code.
    pub code: Code,
    /// Lower-case message without a trailing period.
    pub message: String,
    /// Where, when known.
    pub origin: Option<Origin>,
}

impl Diagnostic {
    /// A warning.
    #[must_use]
    pub fn warning(code: Code, message: impl Into<String>, origin: Option<Origin>) -> Diagnostic {
        Diagnostic {
            level: Level::Warning,
            code,
            message: message.into(),
            origin,
        }
    }

    /// An error.
    #[must_use]
    pub fn error(code: Code, message: impl Into<String>, origin: Option<Origin>) -> Diagnostic {
        Diagnostic {
            level: Level::Error,
            code,
            message: message.into(),
            origin,
        }
    }

    /// A note.
    #[must_use]
    pub fn note(code: Code, message: impl Into<String>, origin: Option<Origin>) -> Diagnostic {
        Diagnostic {
            level: Level::Note,
            code,
            message: message.into(),
            origin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
        let mut slugs: Vec<&str> = Code::ALL.iter().map(|c| c.slug()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), n);
    }
}
