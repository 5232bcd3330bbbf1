//! Role ARNs by their parts, so that holes do not defeat the candidate index.
//!
//! In a CloudFormation template or a Terraform folder the account (and often the partition) is
//! a hole in every role ARN and in every policy's resource pattern, so the literal prefix of a
//! pattern stops at `arn:aws:iam::` and narrows nothing. But a role ARN has exactly five `:`
//! (`arn:partition:iam::account:role/path/name`; names and paths hold no `:`), and a pattern's
//! literal `:` can match only a `:` of the subject, in order: when the pattern has five literal
//! `:`, the literal text right after its fifth is a prefix of the role's resource part
//! (`role/path/name`), whatever the partition and account holes turn out to be. Roles are kept
//! sorted by resource part, and a pattern scans only the range that shares that prefix.
//!
//! A role is indexed this way only when its resource part is known and free of `:` and every
//! hole before it is a segment hole (partition, region or account: values without `:`), so the
//! five `:` are its only ones; other roles are candidates for every pattern.

use passgraph_model::value::{ACCOUNT_HOLE, PARTITION_HOLE, REGION_HOLE};
use passgraph_model::{Part, Str};

/// Role ARNs split at their fifth `:`.
#[derive(Debug, Default)]
pub(crate) struct RoleParts {
    /// (resource part, role principal index), sorted.
    pub(crate) by_resource: Vec<(String, usize)>,
    /// Roles whose ARN could not be split: candidates for every pattern.
    pub(crate) unsplit: Vec<usize>,
}

/// The resource part of an ARN whose only `:` are its five separators (holes before it are
/// segment holes); `None` otherwise.
pub(crate) fn resource_part(arn: &Str) -> Option<String> {
    let mut colons = 0;
    let mut resource = String::new();
    for part in arn.parts() {
        match part {
            Part::Hole(k) => {
                let segment = matches!(&**k, ACCOUNT_HOLE | PARTITION_HOLE | REGION_HOLE);
                if colons >= 5 || !segment {
                    return None;
                }
            }
            Part::Lit(text) => {
                for c in text.chars() {
                    if colons >= 5 {
                        if c == ':' {
                            return None;
                        }
                        resource.push(c);
                    } else if c == ':' {
                        colons += 1;
                    }
                }
            }
        }
    }
    (colons == 5).then_some(resource)
}

impl RoleParts {
    pub(crate) fn build<'a>(roles: impl Iterator<Item = (usize, &'a Str)>) -> RoleParts {
        let mut out = RoleParts::default();
        for (pi, arn) in roles {
            match resource_part(arn) {
                Some(r) => out.by_resource.push((r, pi)),
                None => out.unsplit.push(pi),
            }
        }
        out.by_resource.sort();
        out
    }

    /// The indexed roles whose resource part starts with `prefix`.
    pub(crate) fn with_prefix<'s>(&'s self, prefix: &'s str) -> impl Iterator<Item = usize> + 's {
        let start = self
            .by_resource
            .partition_point(|(r, _)| r.as_str() < prefix);
        self.by_resource[start..]
            .iter()
            .take_while(move |(r, _)| r.starts_with(prefix))
            .map(|(_, pi)| *pi)
    }
}
