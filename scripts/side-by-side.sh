#!/usr/bin/env bash
# Side by side on the same generated inputs: passgraph, cloudsplaining (the snapshot) and checkov
# (the same account as a one-line Terraform plan). Installs both tools from PyPI into a local
# virtual environment, generates the accounts with the testkit generator (seed 42), and prints
# wall time and peak memory per tool and size (GNU time). Long: run it by hand, never in CI.
#
#   bash scripts/side-by-side.sh            # sizes 1000 and 5000 (users = roles)
#   SIZES="1000 5000 20000 50000" bash scripts/side-by-side.sh
#   TOOLS=passgraph SIZES="1000 2000 5000 10000 20000 50000" bash scripts/side-by-side.sh
#                                           # passgraph alone: how it grows (docs/performance.md)
# JSON lines go to /dev/null (20,000 users and roles make 10 GB of them); JSONL_MAX (default
# 20000) is the largest size they are written for.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=${SIZES:-"1000 5000"}
tools=${TOOLS:-"passgraph cloudsplaining checkov"}
jsonl_max=${JSONL_MAX:-20000}
work=${WORK:-target/side-by-side}
venv=${VENV:-target/side-by-side/venv}
mkdir -p "$work"

if [ ! -x /usr/bin/time ]; then
    echo "error: GNU time (/usr/bin/time) is needed: apt-get install -y time" >&2
    exit 1
fi
uses() { [[ " $tools " == *" $1 "* ]]; }
if { uses cloudsplaining || uses checkov; } &&
    { [ ! -x "$venv/bin/cloudsplaining" ] || [ ! -x "$venv/bin/checkov" ]; }; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        'cloudsplaining==0.7.0' 'checkov==3.2.459'
fi

cargo build --release --locked -p passgraph-cli -p passgraph-graph --example gen-account >/dev/null
pg=target/release/passgraph
gen=target/release/examples/gen-account

# measure NAME COMMAND...: one row, wall seconds and peak resident memory.
measure() {
    local name=$1
    shift
    local log
    log=$(mktemp)
    if /usr/bin/time -f '%e %M' -o "$log" "$@" >/dev/null 2>&1; then status=ok; else status="exit $?"; fi
    # GNU time writes "Command exited with non-zero status N" first when the tool fails.
    read -r secs kb < <(tail -n 1 "$log")
    rm -f "$log"
    printf '| %s | %s s | %s MB | %s |\n' "$name" "$secs" "$((kb / 1024))" "$status"
    # checkov exits 1 when checks fail, which is a result, not an error.
}

echo "| size (users = roles, policies = size / 2.5, groups = size / 20) and tool | time | peak | |"
echo "|---|---|---|---|"
for n in $sizes; do
    policies=$((n * 2 / 5))
    groups=$((n / 20))
    snap="$work/s$n.json"
    plan="$work/p$n.json"
    [ -f "$snap" ] || "$gen" snapshot "$n" "$n" "$policies" "$groups" "$snap"
    [ -f "$plan" ] || "$gen" plan "$n" "$n" "$policies" "$groups" "$plan"
    if uses passgraph; then
        echo "| $n: $("$pg" audit --fail-on none "$snap" | head -n 1) | | | |"
        measure "$n: passgraph audit (snapshot, text)" "$pg" audit --fail-on none "$snap"
        if [ "$n" -le "$jsonl_max" ]; then
            measure "$n: passgraph audit -f jsonl (snapshot, to /dev/null)" "$pg" audit --fail-on none -f jsonl -o /dev/null "$snap"
        fi
        measure "$n: passgraph audit (plan, text)" "$pg" audit --fail-on none "$plan"
    fi
    if uses cloudsplaining; then
        mkdir -p "$work/cloudsplaining-$n"
        measure "$n: cloudsplaining scan (snapshot)" "$venv/bin/cloudsplaining" scan --input-file "$snap" --output "$work/cloudsplaining-$n" --skip-open-report
    fi
    if uses checkov; then
        measure "$n: checkov (plan)" "$venv/bin/checkov" -f "$plan" --framework terraform_plan --quiet --compact --skip-download
    fi
done
