//! Stacks: how the inputs found by searching a folder are split into accounts.
//!
//! Every Terraform root module, CloudFormation template, plan and snapshot found in a folder is
//! a *unit*. Each unit is its own account unless something links it to another (a template that
//! imports another's export, a nested stack whose template is in the tree): linked units form
//! one stack. `one_account` merges everything into one stack. The CLI finds the units and the
//! links; this module only groups them, so the rule is the same whoever calls it.

/// One input found by searching a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Its name in output: the root module's folder or the file's path, relative to the folder
    /// searched, with `/`.
    pub name: String,
}

/// A group of units analysed as one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stack {
    /// The stack's name: its unit's name; the names of its units joined with ` + ` when they
    /// are [`JOIN_UP_TO`] or fewer; else the first unit that refers to others and that none
    /// refers to (the parent of nested stacks) and how many more (`master.yaml + 7 more`);
    /// `.` (the whole folder) with `one_account`.
    pub name: String,
    /// Indices of its units, ascending.
    pub members: Vec<usize>,
}

/// Up to this many units, a stack's name lists them all.
pub const JOIN_UP_TO: usize = 3;

/// Groups `units` into stacks: units connected by `links` (pairs of indices, in any order and
/// with repeats) are one stack; with `one_account`, all units are one stack. Stacks are sorted
/// by name; indices out of range are ignored.
#[must_use]
pub fn split(units: &[Unit], links: &[(usize, usize)], one_account: bool) -> Vec<Stack> {
    let n = units.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let union = |a: usize, b: usize, parent: &mut Vec<usize>| {
        let (ra, rb) = (find(parent, a), find(parent, b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent[hi] = lo;
        }
    };
    for &(a, b) in links {
        if a < n && b < n {
            union(a, b, &mut parent);
        }
    }
    if one_account {
        for i in 1..n {
            union(0, i, &mut parent);
        }
    }
    // Units that refer to others, and units referred to by another.
    let refers: crate::hash::HashSet<usize> = links.iter().map(|&(a, _)| a).collect();
    let referred: crate::hash::HashSet<usize> = links
        .iter()
        .filter(|&&(a, b)| a != b)
        .map(|&(_, b)| b)
        .collect();
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..n {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Vec<Stack> = groups
        .into_values()
        .map(|members| {
            let mut names: Vec<&str> = members.iter().map(|&i| units[i].name.as_str()).collect();
            names.sort_unstable();
            let name = if one_account && n > 1 {
                ".".to_owned()
            } else if names.len() <= JOIN_UP_TO {
                names.join(" + ")
            } else {
                // The parent: refers to others, referred to by none of the group.
                let head = members
                    .iter()
                    .filter(|&&m| refers.contains(&m) && !referred.contains(&m))
                    .map(|&m| units[m].name.as_str())
                    .min()
                    .unwrap_or(names[0]);
                format!("{head} + {} more", names.len() - 1)
            };
            Stack { name, members }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.members.cmp(&b.members)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(names: &[&str]) -> Vec<Unit> {
        names
            .iter()
            .map(|n| Unit {
                name: (*n).to_owned(),
            })
            .collect()
    }

    #[test]
    fn unlinked_units_are_separate_stacks() {
        let s = split(&units(&["b.yaml", "a.yaml"]), &[], false);
        assert_eq!(
            s,
            [
                Stack {
                    name: "a.yaml".into(),
                    members: vec![1]
                },
                Stack {
                    name: "b.yaml".into(),
                    members: vec![0]
                }
            ]
        );
    }

    #[test]
    fn links_are_transitive_and_one_account_merges_all() {
        let u = units(&["net.yaml", "app.yaml", "db.yaml", "other.yaml"]);
        let s = split(&u, &[(1, 0), (2, 1), (2, 1), (9, 0)], false);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "app.yaml + db.yaml + net.yaml");
        assert_eq!(s[0].members, [0, 1, 2]);
        assert_eq!(s[1].members, [3]);
        let s = split(&u, &[], true);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].members, [0, 1, 2, 3]);
        // A parent with many nested stacks names the group.
        let nested = units(&["a.yaml", "b.yaml", "master.yaml", "c.yaml", "z.yaml"]);
        let s = split(&nested, &[(2, 0), (2, 1), (2, 3), (2, 4)], false);
        assert_eq!(s[0].name, "master.yaml + 4 more");
        let s = split(&u, &[], true);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].members, [0, 1, 2, 3]);
        assert!(split(&[], &[], true).is_empty());
    }
}
