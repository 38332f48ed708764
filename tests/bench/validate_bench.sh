#!/usr/bin/env bash
# validate throughput and peak RSS on generated 20 MB and 40 MB multi-document files.
# Usage: tests/bench/validate_bench.sh [BINARY [FORMAT]]   (defaults: build/cmd/kubectl-workload_update, text)
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/cmd/kubectl-workload_update}
FORMAT=${2:-text}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '%-8s %-10s %-10s %-12s %-12s\n' size docs seconds MB/s peakRSS_MB
for mb in 20 40; do
  python3 tests/bench/gen_validate_input.py "$mb" "$T/in.yaml"
  bytes=$(stat -c %s "$T/in.yaml")
  docs=$(grep -c '^---$' "$T/in.yaml")
  best=""
  for run in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$T/time" "$B" validate -f "$T/in.yaml" -o "$FORMAT" > /dev/null || [ $? -eq 1 ]
    read -r secs rss_kb < "$T/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; best_rss=$rss_kb; fi
  done
  awk -v mb="$mb" -v b="$bytes" -v d="$docs" -v s="$best" -v r="$best_rss" \
    'BEGIN{printf "%-8s %-10d %-10.2f %-12.1f %-12.1f\n", mb "MB", d, s, b/1048576/s, r/1024}'
done
