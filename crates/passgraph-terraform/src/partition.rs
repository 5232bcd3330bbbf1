//! The names of services in a partition, as the AWS provider computes them. Which partition a
//! region belongs to and a partition's DNS suffix are facts about AWS, kept in
//! `passgraph_model::partition` and re-exported here.

pub use passgraph_model::partition::{dns_suffix, partition_of_region};

/// The suffix of a service principal (`data.aws_service_principal.suffix`): `amazonaws.com`,
/// except for the few services whose principal takes the partition's DNS suffix there
/// (provider `servicePrincipalNameForPartition`). `None` when that depends on a partition that
/// is not known (`partition` `None`) or not documented.
#[must_use]
pub fn service_principal_suffix(service: &str, partition: Option<&str>) -> Option<&'static str> {
    const OWN_SUFFIX: &[(&str, &[&str])] = &[
        ("aws-iso", &["cloudhsm", "config", "logs", "workspaces"]),
        ("aws-iso-b", &["dms", "logs"]),
        ("aws-cn", &["codedeploy", "elasticmapreduce", "logs"]),
    ];
    let special = OWN_SUFFIX.iter().any(|(_, s)| s.contains(&service));
    if !special {
        return Some("amazonaws.com");
    }
    let partition = partition?;
    if OWN_SUFFIX
        .iter()
        .any(|(p, s)| *p == partition && s.contains(&service))
    {
        dns_suffix(partition)
    } else {
        Some("amazonaws.com")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_principals_follow_the_provider() {
        // Provider docs: "Service Principal Names should always end in the standard global
        // format: {servicename}.amazonaws.com. However, in some AWS partitions, AWS may expect
        // a different format."
        assert_eq!(service_principal_suffix("ec2", None), Some("amazonaws.com"));
        assert_eq!(
            service_principal_suffix("ec2", Some("aws-cn")),
            Some("amazonaws.com")
        );
        assert_eq!(
            service_principal_suffix("logs", Some("aws-cn")),
            Some("amazonaws.com.cn")
        );
        assert_eq!(
            service_principal_suffix("logs", Some("aws-iso")),
            Some("c2s.ic.gov")
        );
        assert_eq!(
            service_principal_suffix("logs", Some("aws")),
            Some("amazonaws.com")
        );
        assert_eq!(service_principal_suffix("logs", None), None);
    }
}
