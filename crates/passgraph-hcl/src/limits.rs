//! Safety limits: the evaluator runs on untrusted configurations and must stay bounded.

/// Deepest nesting of expression evaluation (including references followed through locals,
/// variables, outputs and resource attributes).
pub(crate) const MAX_EVAL_DEPTH: usize = 96;

/// Deepest nesting of module calls.
pub(crate) const MAX_MODULE_DEPTH: usize = 16;

/// Most instances one `count` or `for_each` may create.
pub(crate) const MAX_INSTANCES: usize = 1000;

/// Most module instances in one configuration.
pub(crate) const MAX_MODULE_INSTANCES: usize = 2000;

/// Evaluation steps for one configuration; past it every further value is unknown.
pub(crate) const FUEL: u64 = 3_000_000;

/// Longest string a function may build.
pub(crate) const MAX_STRING: usize = 1 << 20;

/// Longest list a function may build.
pub(crate) const MAX_LIST: usize = 100_000;

/// Most holes a JSON text with unknown parts may have.
pub(crate) const MAX_HOLES: usize = 4096;

/// Largest value an expression may produce (nodes plus a quarter of the string bytes).
pub(crate) const MAX_VALUE_SIZE: u64 = 1 << 20;
