#!/usr/bin/env bash
# make generate: format examples/, then render docs/ from the provider
# schema, templates/ and examples/ (scripts/docs-env.sh says with which
# Terraform).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/docs-env.sh
. scripts/docs-env.sh

terraform version | sed -n 1p
terraform fmt -recursive examples/
go tool tfplugindocs generate -provider-name l2msg
