use super::{BUDGET, Formula, covers};

fn atom(a: u32) -> Formula {
    Formula::Atom(a)
}

fn all(fs: &[Formula]) -> bool {
    let mut budget = BUDGET;
    covers(&fs.iter().collect::<Vec<_>>(), &mut budget)
}

#[test]
fn a_condition_and_its_negation_cover_every_case() {
    assert!(all(&[atom(0), atom(0).negate()]));
    // (a ∧ b), (a ∧ ¬b), ¬a.
    assert!(all(&[
        atom(0).and(atom(1)),
        atom(0).and(atom(1).negate()),
        atom(0).negate(),
    ]));
    assert!(all(&[atom(0).or(atom(1).negate()), atom(1)]));
    assert!(all(&[Formula::TRUE, atom(3)]));
}

#[test]
fn unrelated_or_partial_conditions_do_not() {
    assert!(!all(&[atom(0), atom(1)]));
    assert!(!all(&[atom(0).and(atom(1)), atom(0).negate()]));
    assert!(!all(&[atom(0)]));
    assert!(!all(&[]));
    assert!(!all(&[Formula::Const(false), atom(0)]));
}

#[test]
fn constants_simplify() {
    assert_eq!(Formula::TRUE.and(atom(1)), atom(1));
    assert_eq!(Formula::Const(false).and(atom(1)), Formula::Const(false));
    assert_eq!(Formula::TRUE.or(atom(1)), Formula::TRUE);
    assert_eq!(atom(2).negate().negate(), atom(2));
    assert_eq!(atom(0).and(atom(1)).size(), 3);
}

#[test]
fn too_many_atoms_or_no_budget_prove_nothing() {
    // a0 ∨ ¬a0 with 13 unrelated atoms around it is a tautology, but beyond the bound.
    let mut wide = atom(0);
    for a in 1..13 {
        wide = wide.and(atom(a));
    }
    let fs = [wide.clone().or(atom(0)), atom(0).negate()];
    assert!(!all(&fs));
    let mut small = [atom(0), atom(0).negate()];
    let mut budget = 3;
    assert!(!covers(&small.iter().collect::<Vec<_>>(), &mut budget));
    small[0] = Formula::TRUE;
    assert!(covers(&small.iter().collect::<Vec<_>>(), &mut budget));
}
