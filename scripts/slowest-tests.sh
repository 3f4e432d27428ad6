#!/usr/bin/env bash
# The slowest tests of a `go test -json` run: the top N tests and subtests by
# the time go test gave them, then each package's total. Reads the files
# given, or stdin. A parent whose subtests run in parallel is given only its
# own time, so its subtests are listed too; a parent of sequential subtests
# includes theirs.
#
#   TF_ACC=1 go test -json -count=1 ./internal/provider/ > /tmp/t.json
#   scripts/slowest-tests.sh /tmp/t.json        # top 20
#   SLOWEST_N=50 scripts/slowest-tests.sh /tmp/t.json
#
# `make slowest` runs the whole suite that way and prints this. A parallel
# test's time runs from when it resumes after t.Parallel, so it includes the
# waits its steps share the machine with others; compare runs made on the same
# machine under the same load.
set -euo pipefail

n=${SLOWEST_N:-20}
module=github.com/l2msg/terraform-provider-l2msg/

events=$(cat "$@")

echo "slowest $n tests (seconds, result, package, test):"
jq -r --arg m "$module" '
  select((.Action == "pass" or .Action == "fail") and .Test != null)
  | [.Elapsed, .Action, (.Package | ltrimstr($m)), .Test] | @tsv' <<<"$events" |
  sort -t$'\t' -k1,1 -gr |
  # awk reads to the end, where head would stop early and sort die of
  # SIGPIPE, which pipefail makes the script's exit (and the packages lost).
  awk -F'\t' -v n="$n" 'NR <= n { printf "%8.2f  %-4s  %-18s  %s\n", $1, $2, $3, $4 }'

echo "packages (seconds, result, package):"
jq -r --arg m "$module" '
  select((.Action == "pass" or .Action == "fail") and .Test == null)
  | [.Elapsed, .Action, (.Package | ltrimstr($m))] | @tsv' <<<"$events" |
  sort -t$'\t' -k1,1 -gr |
  awk -F'\t' '{ printf "%8.2f  %-4s  %s\n", $1, $2, $3 }'
