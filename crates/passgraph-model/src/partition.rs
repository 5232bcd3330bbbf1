//! AWS partitions: which partition a region belongs to and a partition's DNS suffix, for every
//! reader (Terraform's `aws_partition`, CloudFormation's `AWS::URLSuffix`) and the CLI, which
//! binds the canonical holes ([`crate::value::PARTITION_HOLE`],
//! [`crate::value::DNS_SUFFIX_HOLE`]) with `--partition`.

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
    fn partitions_have_their_dns_suffixes() {
        assert_eq!(dns_suffix("aws"), Some("amazonaws.com"));
        assert_eq!(dns_suffix("aws-us-gov"), Some("amazonaws.com"));
        assert_eq!(dns_suffix("aws-cn"), Some("amazonaws.com.cn"));
        assert_eq!(dns_suffix("aws-iso-f"), Some("csp.hci.ic.gov"));
        assert_eq!(dns_suffix("nope"), None);
    }
}
