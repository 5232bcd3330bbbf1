#!/usr/bin/env bash
# Copies seed inputs into fuzz/corpus/<target> (never committed: fuzz/corpus is ignored).
# Seeds come from testdata/ and from ../shared/corpora beside the repository; files over 64 KiB
# are skipped so that every run starts quickly. Run from anywhere: `bash fuzz/seed.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
corpora=../shared/corpora
out=fuzz/corpus

seed() { # target, then find(1) arguments
    local target=$1
    shift
    mkdir -p "$out/$target"
    find "$@" -type f -size -64k -print0 2>/dev/null |
        while IFS= read -r -d '' f; do
            # One flat folder per target; the name keeps files with equal basenames apart.
            cp "$f" "$out/$target/$(printf '%s' "$f" | tr '/' '_')"
        done
    echo "$target: $(find "$out/$target" -type f | wc -l) seeds"
}

seed json testdata "$corpora" -name '*.json'
seed snapshot testdata/snapshot "$corpora/aws-cli-examples" "$corpora/cloudmapper" "$corpora/cloudsplaining" -name '*.json'
seed tfplan testdata/tfplan "$corpora/terraform-show-json" "$corpora/trivy-tfplan" "$corpora/terraform-compliance" -name '*.json'
seed cfn testdata/cfn "$corpora/aws-cfn-templates" "$corpora/cfn-lint" "$corpora/cfn-lint-v0" "$corpora/cfn_nag" "$corpora/cfripper" "$corpora/cfn-policy-validator" \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.template' \)
seed hcl testdata/hcl "$corpora/iam-vulnerable" "$corpora/terraform-aws-iam" "$corpora/terraform-aws-iam-v5" "$corpora/cloudgoat" "$corpora/checkov" -name '*.tf'
seed hcl_syntax testdata "$corpora" -name '*.tf'
# The policy target reads its bytes as choices, not as text: it needs no seeds.
mkdir -p "$out/policy"
