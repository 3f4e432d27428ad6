#!/usr/bin/env bash
# make docs-check: regenerate docs/ from the provider schema, templates/ and
# examples/, validate them, check that examples/ is terraform fmt-clean, and
# fail if that left docs/ or examples/ different from what git has: the
# committed docs must be the generated ones.
#
# scripts/docs-env.sh sets up tfplugindocs' environment: the Terraform it
# reads the schema with, and a scratch folder removed on exit; the only
# repository paths written are docs/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

fail() {
  echo "docs-check: FAIL: $*" >&2
  exit 1
}

command -v go >/dev/null || fail "go is not on PATH"
command -v git >/dev/null || fail "git is not on PATH"
# shellcheck source=scripts/docs-env.sh
. scripts/docs-env.sh
terraform version | sed -n 1p

echo "==> tfplugindocs generate"
go tool tfplugindocs generate -provider-name l2msg

echo "==> tfplugindocs validate"
go tool tfplugindocs validate -provider-name l2msg

echo "==> terraform fmt -check -recursive examples/"
terraform fmt -check -recursive -diff examples/ || fail "examples/ is not terraform fmt-clean: run make generate (or make fmt)"

echo "==> docs/ and examples/ against git"
changes=$(git status --porcelain -- docs/ examples/)
if [ -n "$changes" ]; then
  echo "$changes" >&2
  git --no-pager diff --stat -- docs/ examples/ >&2 || true
  fail "docs/ or examples/ differ from what is committed (listed above): run make generate and commit the result"
fi
echo "==> docs are up to date"
