#!/usr/bin/env bash
# Validation suite (seed "Validation Suite"): terraform fmt, terraform validate of every
# component and shared module (modules/), checkov, tflint (with the
# repository's .tflint.hcl). Each tool that is not installed is skipped with the reason.
# Exits non-zero when any step fails. Never writes under components/: validate runs on copies.
#
#   scripts/validate-terraform.sh            # everything
#   CHECKOV=/path/to/checkov scripts/...     # a checkov from another environment
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
components="$root/components/terraform"
modules="$root/modules"
trees=("$components")
[ -d "$modules" ] && trees+=("$modules")
failed=()
python=${PYTHON:-python3}

step() { printf '\n== %s\n' "$*"; }
fail() { failed+=("$1"); printf 'FAILED: %s\n' "$1"; }

step "terraform fmt -check -recursive"
if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform is not installed: install Terraform >= 1.9 and put it on PATH." >&2
  exit 2
fi
if out=$(for tree in "${trees[@]}"; do terraform fmt -check -recursive "$tree" || exit 1; done 2>&1); then
  echo "ok: all Terraform files are formatted"
else
  printf '%s\n' "$out"
  fail "terraform fmt (run: terraform fmt -recursive components/terraform modules)"
fi

step "terraform validate (providers from the harness's CLI config)"
cli_config=$(cd "$root" && "$python" -m tfharness.terraform.toolchain --cli-config) || {
  echo "could not write the Terraform CLI config (is the harness installed? pip install -e .)" >&2
  exit 2
}
export TF_CLI_CONFIG_FILE="$cli_config" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for dir in "$components"/*/ "$modules"/*/; do
  [ -d "$dir" ] || continue
  name=$(basename "$dir")
  # The component (or shared module) with the local modules it calls, laid out as in the repository.
  if ! copy=$(cd "$root" && "$python" -m tfharness.tooling.catalog --copy "$name" "$work/$name"); then
    fail "copy: $name"
    continue
  fi
  if ! init=$(terraform -chdir="$copy" init -backend=false -input=false -no-color 2>&1); then
    printf '%s\n' "$init" | tail -20
    fail "terraform init: $name"
    continue
  fi
  if result=$(terraform -chdir="$copy" validate -no-color 2>&1); then
    echo "ok: $name"
  else
    printf '%s\n' "$result"
    fail "terraform validate: $name"
  fi
done

step "checkov (offline)"
checkov_bin=${CHECKOV:-$(command -v checkov || true)}
if [ -z "$checkov_bin" ]; then
  echo "skipped: checkov is not installed (nox -s validate installs it in its own environment)"
else
  # Offline: no platform API key, no policy/guideline downloads, no package scan.
  directories=()
  for tree in "${trees[@]}"; do directories+=(--directory "$tree"); done
  if BC_API_KEY="" BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false \
     "$checkov_bin" "${directories[@]}" --framework terraform --skip-download \
       --quiet --compact --output cli; then
    echo "ok: no failed checkov check (skips carry their reasons in the code)"
  else
    fail "checkov"
  fi
fi

step "tflint (rules: .tflint.hcl)"
if command -v tflint >/dev/null 2>&1; then
  tflint --version
  # The bundled Terraform ruleset only (no plugin source in .tflint.hcl): nothing for
  # `tflint --init` to download. Issues are reported for the module's own files: the provider
  # standard's files (provider.tf, context.tf, versions.tf) are written and checked by
  # tfharness/tooling/standard.py (context.tf declares the shared inputs and locals every
  # component gets, used or not). main.tf, variables.tf and outputs.tf are always in the filter,
  # so a missing one is still reported.
  for dir in "$components"/*/ "$modules"/*/; do
    [ -d "$dir" ] || continue
    filters=(--filter=main.tf --filter=variables.tf --filter=outputs.tf)
    for file in "$dir"*.tf; do
      case $(basename "$file") in
        provider.tf | context.tf | versions.tf | main.tf | variables.tf | outputs.tf) ;;
        *) filters+=("--filter=$(basename "$file")") ;;
      esac
    done
    if tflint --chdir="$dir" --config="$root/.tflint.hcl" --no-color "${filters[@]}"; then
      echo "ok: $(basename "$dir")"
    else
      fail "tflint: $(basename "$dir")"
    fi
  done
else
  echo "skipped: tflint is not installed (it ships only as a GitHub release binary, which" \
       "these machines cannot download; install it from https://github.com/terraform-linters/tflint to enable this step)"
fi

step "summary"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'validation failed: %s\n' "${failed[@]}"
  exit 1
fi
echo "validation passed"
