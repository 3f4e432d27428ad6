#!/usr/bin/env bash
# The changelog: one YAML entry per user-visible change under
# .changes/unreleased (released versions under .changes/<version>.md), and
# CHANGELOG.md generated from them by changie, pinned in tools/go.mod.
#
#   scripts/changelog.sh new KIND 'BODY'   add an entry, then regenerate CHANGELOG.md
#   scripts/changelog.sh write             regenerate CHANGELOG.md
#   scripts/changelog.sh check             fail when CHANGELOG.md is not what changie
#                                          generates, or when it has no entry
#
# Unreleased entries appear under "## <next minor version> (Unreleased)", so
# the changelog shows them before a release batches them (changie batch).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

fail() {
  echo "changelog: FAIL: $*" >&2
  exit 1
}

# Built once per machine and pin, or linked from there (GNUmakefile).
changie=bin/changie
"${MAKE:-make}" --no-print-directory -s "$changie"

generate() {
  local next
  next=$("$changie" next minor)
  "$changie" merge --dry-run --include-unreleased "## ${next#v} (Unreleased)"
}

case "${1:-}" in
  new)
    [ $# -eq 3 ] || fail "usage: $0 new KIND 'BODY' (KIND is one of the kinds in .changie.yaml)"
    "$changie" new --interactive=false --kind "$2" --body "$3"
    generate >CHANGELOG.md
    ;;
  write)
    generate >CHANGELOG.md
    ;;
  check)
    want=$(generate) || fail "changie could not read .changes/ (see above)"
    grep -q '^\* ' <<<"$want" || fail "no changelog entries under .changes/"
    if [ "$want" != "$(cat CHANGELOG.md)" ]; then
      diff -u CHANGELOG.md <(printf '%s\n' "$want") >&2 || true
      fail "CHANGELOG.md is not what changie generates from .changes/ (diff above): run make changelog and commit it"
    fi
    echo "changelog: CHANGELOG.md matches .changes/"
    ;;
  *)
    fail "usage: $0 new KIND 'BODY' | write | check"
    ;;
esac
