# tflint configuration for every component (components/terraform/*) and shared module (modules/*).
# scripts/validate-terraform.sh runs `tflint --chdir=<dir> --config=<this file>` in each of them;
# the pull-request and nightly workflows install tflint so the step runs there.
#
# Only the Terraform language ruleset, which tflint bundles: no `source`/`version` here, so
# `tflint --init` has nothing to download. (The AWS ruleset would be a download; checkov and the
# plan-level tests in tests/unit/test_conventions.py cover the AWS side.)
#
# The rules are the ones the terraform-aws-modules and Cloud Posse repositories enforce, each
# enabled explicitly so a change of tflint's presets changes nothing here. Machines without
# tflint hold the same rules with tests/unit/test_conventions.py (names, structure, versions,
# unused declarations) and its typed/described checks.
#
# The provider standard's files (provider.tf, context.tf, versions.tf) are written byte for byte
# by tfharness/tooling/standard.py and held to it by tests/unit/test_standard.py: context.tf
# declares the four shared inputs and the shared locals every component gets, used or not.
# validate-terraform.sh therefore reports only the issues in a module's own files (--filter),
# which is how terraform_standard_module_structure and terraform_unused_declarations can stay
# on for everything an author writes.

config {
  # Evaluate calls to local modules (modules/*) so their inputs are checked with real values.
  call_module_type = "local"
  force            = false
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

# Every variable and output says what it is; the README tables are built from them.
rule "terraform_documented_variables" {
  enabled = true
}

rule "terraform_documented_outputs" {
  enabled = true
}

rule "terraform_typed_variables" {
  enabled = true
}

# Resources, data sources, variables, outputs, locals and module calls are snake_case.
rule "terraform_naming_convention" {
  enabled = true
  format  = "snake_case"
}

# main.tf, variables.tf and outputs.tf exist; variables live in variables.tf, outputs in outputs.tf.
rule "terraform_standard_module_structure" {
  enabled = true
}

rule "terraform_required_version" {
  enabled = true
}

rule "terraform_required_providers" {
  enabled = true
}

rule "terraform_unused_declarations" {
  enabled = true
}

rule "terraform_unused_required_providers" {
  enabled = true
}

# `#` comments only, `x[0]` rather than `x.0`, `var.x` rather than "${var.x}".
rule "terraform_comment_syntax" {
  enabled = true
}

rule "terraform_deprecated_index" {
  enabled = true
}

rule "terraform_deprecated_interpolation" {
  enabled = true
}

rule "terraform_deprecated_lookup" {
  enabled = true
}

rule "terraform_empty_list_equality" {
  enabled = true
}

# Remote module sources are pinned (every module here is called by relative path, which the
# rule leaves alone).
rule "terraform_module_pinned_source" {
  enabled = true
}

rule "terraform_module_version" {
  enabled = true
}

rule "terraform_workspace_remote" {
  enabled = true
}
