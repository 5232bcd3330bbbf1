//! Hash maps and sets with a fast hasher, for every crate's hot tables.
//!
//! The standard library's SipHash was 5 to 8 % of every run (role ARNs, statement identities,
//! Terraform addresses as keys). foldhash is seeded per process, like the standard hasher, so
//! no input can choose its collisions in advance; nothing iterates these maps to decide the
//! order of output (that is always sorted), so the hasher cannot change a result.
//!
//! Build them with `HashMap::default()` and `HashMap::with_capacity_and_hasher(n,
//! Default::default())`; `new` and `with_capacity` belong to the standard hasher only.

/// A `std` hash map with foldhash.
pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A `std` hash set with foldhash.
pub type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// foldhash with a fixed seed: for a hash computed on one thread and looked up on another
/// (the JSON lines writer hashes statements where it renders them, in parallel).
pub type FixedState = foldhash::fast::FixedState;
