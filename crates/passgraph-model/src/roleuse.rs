//! The schema of the tables that say which resource attributes hand a role to a service. Each
//! infrastructure-as-code reader keeps its table as data in this one shape (CloudFormation in
//! `passgraph-cfn`, the Terraform AWS provider in `passgraph-terraform`); a test walks every
//! table and checks that each service it names is in the catalogue.

use crate::account::RoleTarget;
use crate::service::INSTANCE_PROFILE_SERVICE;
use crate::value::Str;

/// What a role-taking attribute names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoleTargetKind {
    /// A role, by ARN (or name).
    Role,
    /// An instance profile, by name or ARN: the role in it reaches EC2.
    InstanceProfile,
}

/// One attribute of one resource type that hands a role to a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoleUseSpec {
    /// The resource type, as the format names it (`aws_lambda_function`, `AWS::Lambda::Function`).
    pub resource_type: &'static str,
    /// Where the value is, in the format's own path syntax: dot-separated attributes or
    /// properties through nested blocks (`target.role_arn`); CloudFormation adds `Key[]`,
    /// `Key[Field=value]` and `*` (see `passgraph-cfn`).
    pub attribute: &'static str,
    /// The service principal that assumes the role (a catalogue entry).
    pub service: &'static str,
    /// What the value names.
    pub target: RoleTargetKind,
}

impl RoleUseSpec {
    /// An attribute that names a role handed to `service`.
    #[must_use]
    pub const fn role(
        resource_type: &'static str,
        attribute: &'static str,
        service: &'static str,
    ) -> RoleUseSpec {
        RoleUseSpec {
            resource_type,
            attribute,
            service,
            target: RoleTargetKind::Role,
        }
    }

    /// An attribute that names an instance profile: its role is handed to EC2
    /// ([`INSTANCE_PROFILE_SERVICE`]).
    #[must_use]
    pub const fn instance_profile(
        resource_type: &'static str,
        attribute: &'static str,
    ) -> RoleUseSpec {
        RoleUseSpec {
            resource_type,
            attribute,
            service: INSTANCE_PROFILE_SERVICE,
            target: RoleTargetKind::InstanceProfile,
        }
    }

    /// The model's target for a value read at this attribute.
    #[must_use]
    pub fn target_of(&self, value: Str) -> RoleTarget {
        match self.target {
            RoleTargetKind::Role => RoleTarget::Role(value),
            RoleTargetKind::InstanceProfile => RoleTarget::InstanceProfile(value),
        }
    }
}

/// The services of a table that the catalogue does not know (empty when the table is sound).
#[must_use]
pub fn unknown_services(table: &[RoleUseSpec]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = table
        .iter()
        .filter(|s| crate::service::Service::lookup(s.service).info.is_none())
        .map(|s| s.service)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_profile_hands_its_role_to_ec2() {
        let s = RoleUseSpec::instance_profile("aws_instance", "iam_instance_profile");
        assert_eq!(s.service, "ec2.amazonaws.com");
        assert_eq!(
            s.target_of(Str::lit("p")),
            RoleTarget::InstanceProfile(Str::lit("p"))
        );
        let r = RoleUseSpec::role("aws_lambda_function", "role", "lambda.amazonaws.com");
        assert_eq!(r.target_of(Str::lit("r")), RoleTarget::Role(Str::lit("r")));
    }

    #[test]
    fn unknown_services_are_named() {
        let t = [
            RoleUseSpec::role("a", "x", "lambda.amazonaws.com"),
            RoleUseSpec::role("b", "y", "nothing.example.com"),
        ];
        assert_eq!(unknown_services(&t), vec!["nothing.example.com"]);
    }
}
