//! Three-valued (Kleene) logic: every question about an account that depends on something not
//! known offline is answered `Maybe`, never silently `Yes` or `No`.

use std::fmt;

/// A truth value that may be unknown. Ordered `No < Maybe < Yes`, so `max` is `or` and `min` is `and`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tri {
    /// Definitely false.
    No,
    /// Depends on something not known offline.
    Maybe,
    /// Definitely true.
    Yes,
}

impl Tri {
    /// Kleene conjunction.
    #[must_use]
    pub fn and(self, other: Tri) -> Tri {
        self.min(other)
    }

    /// Kleene disjunction.
    #[must_use]
    pub fn or(self, other: Tri) -> Tri {
        self.max(other)
    }

    /// `Yes` or `No` from a plain boolean.
    #[must_use]
    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::Yes } else { Tri::No }
    }

    /// True unless definitely false.
    #[must_use]
    pub fn possible(self) -> bool {
        self != Tri::No
    }

    /// Caps `Yes` at `Maybe`: used when a fact itself is uncertain (a conditional resource).
    #[must_use]
    pub fn weaken(self) -> Tri {
        self.min(Tri::Maybe)
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;

    /// Kleene negation.
    fn not(self) -> Tri {
        match self {
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
            Tri::Yes => Tri::No,
        }
    }
}

impl fmt::Display for Tri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tri::No => "no",
            Tri::Maybe => "maybe",
            Tri::Yes => "yes",
        })
    }
}
