//! Regions, partitions and the names of services in them, as the AWS provider computes them.

/// The partition a region belongs to (`us-east-1` → `aws`, `cn-north-1` → `aws-cn`,
/// `us-gov-west-1` → `aws-us-gov`, `us-iso-east-1` → `aws-iso`, `us-isob-east-1` →
/// `aws-iso-b`, `eu-isoe-west-1` → `aws-iso-e`, `us-isof-south-1` → `aws-iso-f`).
#[must_use]
pub fn partition_of_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-isof-") {
        "aws-iso-f"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

/// The DNS suffix of a partition (`aws_partition.dns_suffix`), when the partition is one AWS
/// documents.
#[must_use]
pub fn dns_suffix(partition: &str) -> Option<&'static str> {
    Some(match partition {
        "aws" | "aws-us-gov" => "amazonaws.com",
        "aws-cn" => "amazonaws.com.cn",
        "aws-iso" => "c2s.ic.gov",
        "aws-iso-b" => "sc2s.sgov.gov",
        "aws-iso-e" => "cloud.adc-e.uk",
        "aws-iso-f" => "csp.hci.ic.gov",
        _ => return None,
    })
}

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
    fn regions_map_to_their_partitions() {
        for (region, partition) in [
            ("us-east-1", "aws"),
            ("eu-west-3", "aws"),
            ("cn-north-1", "aws-cn"),
            ("cn-northwest-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
            ("us-isof-east-1", "aws-iso-f"),
        ] {
            assert_eq!(partition_of_region(region), partition, "{region}");
        }
    }

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
        assert_eq!(dns_suffix("aws-iso-f"), Some("csp.hci.ic.gov"));
        assert_eq!(dns_suffix("nope"), None);
    }
}
