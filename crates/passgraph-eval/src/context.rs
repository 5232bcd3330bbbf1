//! The request context: the condition keys a question fixes, and what is unknown.

use std::collections::BTreeMap;

use passgraph_model::pattern::VarValue;

/// The value of a condition key in the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CtxValue {
    /// The request carries these values (one for single-valued keys).
    Known(Vec<String>),
    /// The request has no such key.
    Absent,
    /// Not known offline: the key may or may not be present, with any value.
    Unknown,
}

/// A request context. Keys not set are [`CtxValue::Unknown`]: offline, a key the question does
/// not fix could be anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    values: BTreeMap<String, CtxValue>,
}

impl Context {
    /// An empty context: every key unknown.
    #[must_use]
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets a key (names are case-insensitive).
    pub fn set(&mut self, key: &str, value: CtxValue) -> &mut Context {
        self.values.insert(key.to_ascii_lowercase(), value);
        self
    }

    /// Sets a key to one known value.
    pub fn set_str(&mut self, key: &str, value: &str) -> &mut Context {
        self.set(key, CtxValue::Known(vec![value.to_owned()]))
    }

    /// The value of a key (lower-case name).
    #[must_use]
    pub fn get(&self, key: &str) -> &CtxValue {
        static UNKNOWN: CtxValue = CtxValue::Unknown;
        self.values.get(key).unwrap_or(&UNKNOWN)
    }

    /// A policy variable's value (lower-case key).
    #[must_use]
    pub fn variable(&self, key: &str) -> VarValue {
        match self.get(key) {
            CtxValue::Known(v) if v.len() == 1 => VarValue::Known(v[0].clone()),
            CtxValue::Known(_) | CtxValue::Unknown => VarValue::Unknown,
            CtxValue::Absent => VarValue::Absent,
        }
    }
}
