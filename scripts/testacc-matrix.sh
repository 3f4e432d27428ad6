#!/usr/bin/env bash
# The acceptance test matrix: the suite once per CLI our users run.
#
#   terraform on PATH (1.11.4)  `make test`: everything, unit tests too, -race
#   terraform 1.15.9            ../shared/tools/terraform-1.15.9 (TF_1_15)
#   OpenTofu 1.12.6             bin/tofu-1.12.6, built by `make tofu` (TOFU)
#
# The second and third runs repeat only the packages whose tests drive a CLI
# (terraform-plugin-testing or internal/tfrun): the others do not depend on it.
# A CLI that is absent is skipped, loudly, and the summary counts it; with
# MATRIX_STRICT=1 (CI) a skip fails the run, so a missing CLI cannot pass as
# green.
set -uo pipefail
cd "$(dirname "$0")/.."

TF_1_15=${TF_1_15:-../shared/tools/terraform-1.15.9}
TOFU=${TOFU:-bin/tofu-1.12.6}
GO=${GO:-go}
# Legs 2 and 3 run without -race: the race detector checks our Go code, which
# is the same whichever CLI drives it, and leg 1 (`make test`) already runs
# every package with it. Without it the two legs take about a third of the time,
# which keeps the whole matrix well inside CI's budget.
# -parallel: every leg runs as many tests at once as `make test` does
# (TEST_PARALLEL, from the GNUmakefile), for the reason given there.
GO_TEST_FLAGS=${GO_TEST_FLAGS:--count=1 -timeout 60m -parallel ${TEST_PARALLEL:-8}}

cli_pkgs=$($GO list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... |
  awk '/terraform-plugin-testing|\/internal\/tfrun( |$)/ {print $1}')
if [ -z "$cli_pkgs" ]; then
  echo "matrix: found no package whose tests drive a CLI" >&2
  exit 1
fi

# OpenTofu prints a warning for a TF_CLI_CONFIG_FILE that does not exist on
# stdout, ahead of `tofu version -json`, and terraform-exec (inside
# terraform-plugin-testing) then cannot read the version. No configuration
# is what such a setting means anyway.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then
  echo "matrix: TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE does not exist; unset for the runs"
  unset TF_CLI_CONFIG_FILE
fi

passed=0 failed=0 skipped=0
summary=()

# leg LABEL CLI ENV... -- COMMAND...: runs COMMAND with TF_ACC=1 and the CLI
# as TF_ACC_TERRAFORM_PATH, plus ENV.
leg() {
  local label=$1 cli=$2
  shift 2
  if [ -z "$cli" ] || [ ! -x "$cli" ]; then
    echo
    echo "!!! matrix: SKIPPED $label: no executable CLI at '${cli}'" >&2
    skipped=$((skipped + 1))
    summary+=("SKIPPED  $label (not found: '${cli}')")
    return
  fi
  cli=$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")
  local extra=()
  while [ "$1" != -- ]; do
    extra+=("$1")
    shift
  done
  shift
  echo
  echo "=== matrix: $label: $cli"
  "$cli" version | sed -n 1p
  local start=$SECONDS rc=0
  env TF_ACC=1 TF_ACC_TERRAFORM_PATH="$cli" "${extra[@]}" "$@" || rc=$?
  local took=$((SECONDS - start))
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    summary+=("PASS     $label (${took}s)")
  else
    failed=$((failed + 1))
    summary+=("FAIL     $label (${took}s, exit $rc)")
  fi
  echo "=== matrix: $label: $([ $rc -eq 0 ] && echo PASS || echo FAIL) in ${took}s"
}

path_tf=$(command -v terraform || true)
# shellcheck disable=SC2086 # flags and packages are word lists
leg "terraform $("${path_tf:-false}" version 2>/dev/null | sed -n 1p | sed 's/^Terraform v//') (PATH)" "$path_tf" \
  -- ${MAKE:-make} --no-print-directory test
# shellcheck disable=SC2086
leg "terraform 1.15.9" "$TF_1_15" \
  -- $GO test $GO_TEST_FLAGS $cli_pkgs
# OpenTofu reads a provider source without a host, such as the in-process
# provider's in the test configurations, as registry.opentofu.org/…: the
# reattached provider must be offered there (see CONTRIBUTING.md).
# shellcheck disable=SC2086
leg "opentofu 1.12.6" "$TOFU" TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=hashicorp \
  -- $GO test $GO_TEST_FLAGS $cli_pkgs

echo
echo "=== matrix summary"
printf '  %s\n' "${summary[@]}"
echo "matrix: $passed passed, $failed failed, $skipped skipped"
if [ $failed -gt 0 ]; then
  exit 1
fi
if [ $skipped -gt 0 ] && [ "${MATRIX_STRICT:-}" = 1 ]; then
  echo "matrix: MATRIX_STRICT=1 and a CLI was skipped" >&2
  exit 1
fi
