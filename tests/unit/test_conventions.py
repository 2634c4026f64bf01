"""Catalog-wide conventions (CONTRIBUTING.md, "A component" and "Shared modules"), checked once
for every first-party component and every shared module instead of once per test file.

Two kinds of check:

* **on the configuration** (the HCL, read like Terraform reads it): every variable typed and
  described, every output described, and the rules of `.tflint.hcl` that tflint would enforce
  where it runs (names in snake_case, the standard module structure, `required_version` and
  `required_providers`, no unused variable, local or data source). The CI workflows run tflint
  itself; these hold the repository to the same rules on machines without it;
* **on the planned values** of every scenario that must plan cleanly (its `expect_failures`
  is empty), so a key or a bucket that exists only behind a feature flag is checked in the
  scenario that turns it on: customer-managed keys rotate and have a policy, log groups are
  KMS-encrypted with a retention, buckets block public access, default to SSE-KMS and refuse
  plain HTTP, and no policy allows `"*"` or `"<service>:*"` without a reason written in
  `WILDCARD_ALLOWANCES` below.

Plans come from the session's planner (cached, shared with every other test).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tfharness import UNKNOWN
from tfharness.planning.components import Component, all_plannable, is_shared_module
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import load_scenario, scenario_names_or_default
from tfharness.terraform import configuration
from tfharness.terraform.plan import Plan, ResourceChange

pytestmark = pytest.mark.unit

# First-party components and shared modules; adopted modules keep their own conventions.
CHECKED: list[Component] = [c for c in all_plannable() if c.first_party or is_shared_module(c)]
NAMES = [c.name for c in CHECKED]
BY_NAME = {c.name: c for c in CHECKED}

# Files of the provider standard (tfharness/tooling/standard.py): written byte for byte by the
# standard and held to it by tests/unit/test_standard.py, not by the component's author.
STANDARD_FILES = frozenset({"provider.tf", "context.tf", "versions.tf"})

# The retention values CloudWatch Logs accepts (0, "never expire", is refused here).
CLOUDWATCH_RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557}
    | {2922, 3288, 3653}
)
BUCKET_KMS_ALGORITHMS = frozenset({"aws:kms", "aws:kms:dsse"})
PUBLIC_ACCESS_FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)


@dataclass(frozen=True)
class Allowance:
    """An Allow statement that may keep a wildcard action: where it is written (a component,
    or the shared module it lives in, however it is called), its Sid, the wildcard actions it
    may hold (None: any `<service>:*`, for statements built from an input), and why."""

    owner: str
    sid: str
    actions: frozenset[str] | None
    reason: str


WILDCARD_ALLOWANCES = (
    Allowance(
        "kms-key",
        "AccountAdministration",
        frozenset({"kms:*"}),
        "The default key policy's root statement: it delegates the key to the account's IAM "
        "policies. Without it no IAM principal could ever manage the key, and a key nobody "
        "can manage is unrecoverable. The module refuses `kms:*` in service_statements.",
    ),
    Allowance(
        "iam",
        "AllowListedServices",
        None,
        "A permissions boundary is an upper bound, not a grant: it lists the services the "
        "platform's roles may ever use (permissions_boundary_allowed_services); what a role "
        "can do is what its own policies allow within it.",
    ),
)


# --------------------------------------------------------------------------------------------
# Scenarios and plans
# --------------------------------------------------------------------------------------------
def _clean_scenarios(component: str) -> list[str]:
    """The scenarios that must plan cleanly (a refused one has no planned values)."""
    names = []
    for name in scenario_names_or_default(component):
        try:
            if not load_scenario(component, name).expect_failures:
                names.append(name)
        except Exception:  # a broken file fails test_scenario_expectations, with the reason
            names.append(name)
    return names


def _plans(planner: Planner, component: str) -> Iterator[tuple[str, Plan]]:
    for scenario in _clean_scenarios(component):
        yield scenario, planner.plan(component, scenario)


def _report(component: str, problems: dict[str, list[str]]) -> str:
    """One line per problem, with the scenarios it shows in (the same resource usually fails
    the same way in several)."""
    lines = [f"{component}: {len(problems)} convention problem(s):"]
    for problem, scenarios in sorted(problems.items()):
        shown = ", ".join(scenarios[:4]) + (
            f" (+{len(scenarios) - 4})" if len(scenarios) > 4 else ""
        )
        lines.append(f"  - [{shown}] {problem}")
    return "\n".join(lines)


def _collect(planner: Planner, component: str, check) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for scenario, plan in _plans(planner, component):
        for problem in check(plan):
            problems.setdefault(problem, []).append(scenario)
    return problems


def assert_every_plan(planner: Planner, component: str, check) -> None:
    """`check(plan)` yields problems; none may show in any clean scenario of the component."""
    problems = _collect(planner, component, check)
    assert not problems, _report(component, problems)


def _of_type(plan: Plan, resource_type: str) -> list[ResourceChange]:
    """Managed resources of a type that the plan keeps (a delete leaves nothing to check)."""
    return [c for c in plan.of_type(resource_type) if c.action != "delete"]


# --------------------------------------------------------------------------------------------
# Variables and outputs
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("component", NAMES)
def test_every_variable_is_typed_and_described(component: str) -> None:
    module = configuration.read(BY_NAME[component].path)
    problems = [
        f"{v.file.name}: variable {name!r}: "
        + " and ".join(
            p
            for p, bad in (("no `type`", not v.typed), ("no `description`", not v.description))
            if bad
        )
        for name, v in sorted(module.variables.items())
        if not v.typed or not (v.description or "").strip()
    ]
    assert not problems, (
        f"{component}: every variable needs a `type` and a `description` saying what it sets "
        "(the README's inputs table is built from them):\n  " + "\n  ".join(problems)
    )


@pytest.mark.parametrize("component", NAMES)
def test_every_output_is_described(component: str) -> None:
    module = configuration.read(BY_NAME[component].path)
    problems = [
        f"{o.file.name}: output {name!r} has no `description`"
        for name, o in sorted(module.outputs.items())
        if not (o.description or "").strip()
    ]
    assert not problems, (
        f"{component}: add a `description` to every output (what it is, and null when its "
        "resource is off):\n  " + "\n  ".join(problems)
    )


# --------------------------------------------------------------------------------------------
# KMS keys
# --------------------------------------------------------------------------------------------
def key_problems(plan: Plan) -> Iterator[str]:
    for key in _of_type(plan, "aws_kms_key"):
        spec = key.get("customer_master_key_spec") or "SYMMETRIC_DEFAULT"
        usage = key.get("key_usage") or "ENCRYPT_DECRYPT"
        # KMS rotates only symmetric encryption keys; an asymmetric or HMAC key is rotated by
        # replacing it (modules/kms-key turns rotation off for those only; dns's DNSSEC
        # key-signing key says how).
        if (spec, usage) == ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT") and key.get(
            "enable_key_rotation"
        ) is not True:
            yield (
                f"{key.address}: enable_key_rotation is {key.get('enable_key_rotation')!r}: "
                "set enable_key_rotation = true (build the key with modules/kms-key, which does)"
            )
        if key.get("policy") in (None, ""):
            yield (
                f"{key.address}: policy is not set: give the key a key policy (modules/kms-key "
                "writes the root statement and the service statements you ask for)"
            )


@pytest.mark.parametrize("component", NAMES)
def test_kms_keys_rotate_and_have_a_policy(planner: Planner, component: str) -> None:
    assert_every_plan(planner, component, key_problems)


# --------------------------------------------------------------------------------------------
# Log groups
# --------------------------------------------------------------------------------------------
def log_group_problems(plan: Plan) -> Iterator[str]:
    for group in _of_type(plan, "aws_cloudwatch_log_group"):
        if group.get("kms_key_id") is None:  # UNKNOWN (a key created with it) is fine
            yield (
                f"{group.address}: kms_key_id is null: encrypt the log group with a "
                "customer-managed key (modules/log-group takes kms_key_arn; the key needs "
                "kms-key's log_group_names for CloudWatch Logs to use it)"
            )
        retention = group.get("retention_in_days")
        if retention == UNKNOWN:
            continue
        if retention not in CLOUDWATCH_RETENTION_DAYS:
            yield (
                f"{group.address}: retention_in_days is {retention!r}: set one of CloudWatch's "
                f"values ({min(CLOUDWATCH_RETENTION_DAYS)}-{max(CLOUDWATCH_RETENTION_DAYS)} "
                "days); 0 or null keeps logs forever"
            )


@pytest.mark.parametrize("component", NAMES)
def test_log_groups_are_encrypted_and_expire(planner: Planner, component: str) -> None:
    assert_every_plan(planner, component, log_group_problems)


# --------------------------------------------------------------------------------------------
# Buckets
# --------------------------------------------------------------------------------------------
def _config_module(plan: Plan, module_address: str | None) -> dict[str, Any]:
    """The configuration of the module instance at `module_address` (indexes dropped)."""
    module = (plan.raw.get("configuration") or {}).get("root_module") or {}
    for call in re.findall(r"module\.([A-Za-z0-9_-]+)", module_address or ""):
        module = ((module.get("module_calls") or {}).get(call) or {}).get("module") or {}
    return module


def _references(plan: Plan, change: ResourceChange, attribute: str) -> list[str]:
    """What the configuration's expression for `attribute` refers to (`aws_s3_bucket.this.id`,
    `aws_s3_bucket.this`): how a companion names its bucket while the bucket's id is unknown."""
    for resource in _config_module(plan, change.module_address).get("resources") or []:
        if resource.get("type") == change.type and resource.get("name") == change.name:
            expression = (resource.get("expressions") or {}).get(attribute) or {}
            return list(expression.get("references") or [])
    return []


def _belongs_to(plan: Plan, companion: ResourceChange, bucket: ResourceChange) -> bool:
    """Whether a bucket's companion resource (public access block, encryption, policy) is for
    this bucket: the same name when both are known at plan time, or, in the same module
    instance, a `bucket` expression that refers to the bucket resource (same index)."""
    name, target = bucket.get("bucket"), companion.get("bucket")
    if isinstance(name, str) and isinstance(target, str):
        return name == target
    if companion.module_address != bucket.module_address:
        return False
    own = f"aws_s3_bucket.{bucket.name}"
    referenced = any(
        r == own or r.startswith((f"{own}.", f"{own}["))
        for r in _references(plan, companion, "bucket")
    )
    return referenced and (bucket.index is None or companion.index == bucket.index)


def _companions(plan: Plan, bucket: ResourceChange, resource_type: str) -> list[ResourceChange]:
    return [c for c in _of_type(plan, resource_type) if _belongs_to(plan, c, bucket)]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _denies_plain_http(statement: dict[str, Any]) -> bool:
    if statement.get("Effect") != "Deny":
        return False
    actions = set(_as_list(statement.get("Action") or []))
    condition = (statement.get("Condition") or {}).get("Bool") or {}
    secure = [str(v).lower() for v in _as_list(condition.get("aws:SecureTransport"))]
    return bool(actions & {"s3:*", "*"}) and secure == ["false"]


def bucket_problems(plan: Plan) -> Iterator[str]:
    for bucket in _of_type(plan, "aws_s3_bucket"):
        where = f"{bucket.address} (bucket {bucket.get('bucket')!r})"
        blocks = _companions(plan, bucket, "aws_s3_bucket_public_access_block")
        open_flags = sorted(
            {
                flag
                for block in blocks
                for flag in PUBLIC_ACCESS_FLAGS
                if block.get(flag) is not True
            }
        )
        if not blocks or open_flags:
            yield (
                f"{where}: public access is not fully blocked "
                f"({'no aws_s3_bucket_public_access_block' if not blocks else open_flags} ): "
                "build the bucket with modules/s3-bucket, or add a public access block with "
                "all four flags true"
            )
        encryptions = _companions(
            plan, bucket, "aws_s3_bucket_server_side_encryption_configuration"
        )
        algorithms = {
            default.get("sse_algorithm")
            for encryption in encryptions
            for rule in encryption.get("rule") or []
            for default in rule.get("apply_server_side_encryption_by_default") or []
        }
        if not algorithms or not algorithms <= BUCKET_KMS_ALGORITHMS:
            yield (
                f"{where}: default encryption is {sorted(map(str, algorithms)) or 'not set'}: "
                'set sse_algorithm = "aws:kms" with a customer-managed key '
                "(modules/s3-bucket does)"
            )
        policies = _companions(plan, bucket, "aws_s3_bucket_policy")
        statements = [
            statement
            for policy in policies
            if isinstance(policy.get("policy"), str)
            for statement in _as_list(json.loads(policy["policy"]).get("Statement") or [])
        ]
        if any(policy.get("policy") == UNKNOWN for policy in policies):
            yield (
                f"{where}: its bucket policy is known only after apply, so it cannot be "
                "checked: build it from known parts (modules/s3-bucket builds the ARN from the "
                "bucket name)"
            )
        elif not any(_denies_plain_http(s) for s in statements):
            yield (
                f"{where}: no bucket policy statement denies s3:* when aws:SecureTransport is "
                "false: add one (modules/s3-bucket's DenyInsecureTransport)"
            )


@pytest.mark.parametrize("component", NAMES)
def test_buckets_are_private_kms_encrypted_and_tls_only(planner: Planner, component: str) -> None:
    assert_every_plan(planner, component, bucket_problems)


# --------------------------------------------------------------------------------------------
# Policies: no wildcard actions without a reason
# --------------------------------------------------------------------------------------------
_WILDCARD = re.compile(r"^(\*|[a-z0-9-]+:\*)$")


def _policy_documents(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every IAM policy held in planned values: a JSON string whose object has a `Statement`
    (policy, assume_role_policy, key, bucket, topic and queue policies, inline policies...)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _policy_documents(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _policy_documents(item, f"{path}[{index}]")
    elif isinstance(value, str) and value.lstrip().startswith("{") and "Statement" in value:
        try:
            document = json.loads(value)
        except ValueError:
            return
        if isinstance(document, dict) and "Statement" in document:
            yield path, document


def _statements(change: ResourceChange) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every policy statement of a resource or data source, as IAM JSON. A policy document
    read only at apply (its resources are ARNs created with it) has no `json` yet: its
    statements are read from the planned `statement` blocks, whose actions are known."""
    for attribute, document in _policy_documents(change.after):
        if attribute == "minified_json":  # the same document as `json`
            continue
        for statement in _as_list(document.get("Statement") or []):
            if isinstance(statement, dict):
                yield attribute, statement
    if change.type == "aws_iam_policy_document" and change.get("json") == UNKNOWN:
        for index, block in enumerate(change.get("statement") or []):
            if not isinstance(block, dict):
                continue
            statement = {
                "Sid": block.get("sid") if isinstance(block.get("sid"), str) else "",
                "Effect": block.get("effect") if isinstance(block.get("effect"), str) else "Allow",
                "Action": [a for a in block.get("actions") or [] if isinstance(a, str)],
            }
            if block.get("not_actions"):
                statement["NotAction"] = block["not_actions"]
            yield f"statement[{index}]", statement


def _owner(plan: Plan, component: str, address: str) -> str:
    """Who wrote a resource: the innermost local module it sits in (`kms-key` for
    `module.logs_kms[0].aws_kms_key.this`), else the component. Read from the address: data
    sources read at plan time carry no module address of their own."""
    owner = component
    module = (plan.raw.get("configuration") or {}).get("root_module") or {}
    for call in re.findall(r"module\.([A-Za-z0-9_-]+)", address):
        spec = (module.get("module_calls") or {}).get(call) or {}
        source = str(spec.get("source") or "")
        if source.startswith(("./", "../")):
            owner = Path(source.rstrip("/")).name
        module = spec.get("module") or {}
    return owner


def _allowance(owner: str, sid: str, wildcards: set[str]) -> Allowance | None:
    for allowance in WILDCARD_ALLOWANCES:
        if (allowance.owner, allowance.sid) == (owner, sid) and (
            allowance.actions is None or wildcards <= allowance.actions
        ):
            return allowance
    return None


def wildcard_problems(plan: Plan, component: str) -> Iterator[str]:
    for change in plan.values():
        if change.action == "delete":
            continue
        owner = _owner(plan, component, change.address)
        for attribute, statement in _statements(change):
            if statement.get("Effect", "Allow") != "Allow":
                continue
            sid = str(statement.get("Sid") or "")
            where = (
                f"{change.address}: {attribute}: statement {sid or '(no Sid)'} (written in {owner})"
            )
            if "NotAction" in statement:
                yield (
                    f"{where}: an Allow with NotAction allows every other action: list the "
                    "actions it needs"
                )
                continue
            wildcards = {
                a for a in _as_list(statement.get("Action") or []) if _WILDCARD.match(str(a))
            }
            if wildcards and _allowance(owner, sid, wildcards) is None:
                yield (
                    f"{where}: allows {sorted(wildcards)}: list the actions it needs, or, "
                    "if it truly needs them all, add an Allowance with the reason to "
                    "WILDCARD_ALLOWANCES in tests/unit/test_conventions.py"
                )


@pytest.mark.parametrize("component", NAMES)
def test_policies_allow_no_wildcard_action_without_a_reason(
    planner: Planner, component: str
) -> None:
    assert_every_plan(planner, component, lambda plan: wildcard_problems(plan, component))


def test_every_wildcard_allowance_has_a_reason_and_an_owner() -> None:
    known = set(NAMES)
    for allowance in WILDCARD_ALLOWANCES:
        assert allowance.owner in known, f"{allowance}: no component or module of that name"
        assert len(allowance.reason) > 40, f"{allowance.owner}/{allowance.sid}: write the reason"


# --------------------------------------------------------------------------------------------
# The rules of .tflint.hcl, held by hand where tflint is not installed
# --------------------------------------------------------------------------------------------
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")  # tflint's `snake_case` format


@dataclass(frozen=True)
class Declaration:
    kind: str  # resource, data, variable, output, local, module
    name: str  # `aws_s3_bucket.this`, `data.aws_iam_policy_document.x`, `var.x`, `local.x`...
    label: str  # the name checked against snake_case
    file: str


def _hcl(path: Path) -> dict[str, Any]:
    return configuration.parse_hcl(path.read_text(), with_meta=False)  # python-hcl2, cached


def _tf_files(component: str) -> list[Path]:
    return [p for p in configuration.files_of(BY_NAME[component].path) if p.suffix == ".tf"]


def declarations(component: str) -> list[Declaration]:
    found = []
    for path in _tf_files(component):
        data = _hcl(path)
        for block in data.get("resource") or []:
            for rtype, named in block.items():
                for name in named:
                    found.append(Declaration("resource", f"{rtype}.{name}", name, path.name))
        for block in data.get("data") or []:
            for dtype, named in block.items():
                for name in named:
                    found.append(Declaration("data", f"data.{dtype}.{name}", name, path.name))
        for kind, prefix in (("variable", "var"), ("output", "output"), ("module", "module")):
            for block in data.get(kind) or []:
                for name in block:
                    found.append(Declaration(kind, f"{prefix}.{name}", name, path.name))
        for block in data.get("locals") or []:
            for name in block:
                found.append(Declaration("local", f"local.{name}", name, path.name))
    return found


@pytest.mark.parametrize("component", NAMES)
def test_names_are_snake_case(component: str) -> None:
    """tflint's terraform_naming_convention (format snake_case): resources, data sources,
    variables, outputs, locals and module calls."""
    wrong = [
        f"{d.file}: {d.kind} {d.name}"
        for d in declarations(component)
        if not SNAKE_CASE.match(d.label)
    ]
    assert not wrong, (
        f"{component}: rename to snake_case (lower-case words joined by `_`; a renamed "
        "resource needs a `moved` block):\n  " + "\n  ".join(wrong)
    )


@pytest.mark.parametrize("component", NAMES)
def test_standard_module_structure(component: str) -> None:
    """tflint's terraform_standard_module_structure: main.tf, variables.tf and outputs.tf
    exist; variables are declared in variables.tf and outputs in outputs.tf. The provider
    standard's context.tf declares the shared inputs: it is a standard file, left out of the
    rule here as validate-terraform.sh leaves it out of tflint's report (--filter)."""
    directory = BY_NAME[component].path
    problems = [
        f"no {name}"
        for name in ("main.tf", "variables.tf", "outputs.tf")
        if not (directory / name).is_file()
    ]
    for d in declarations(component):
        if d.file in STANDARD_FILES:
            continue
        expected = {"variable": "variables.tf", "output": "outputs.tf"}.get(d.kind)
        if expected and d.file != expected:
            problems.append(f"{d.kind} {d.label!r} is in {d.file}: move it to {expected}")
    assert not problems, f"{component}: standard module structure:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("component", NAMES)
def test_required_version_and_providers_are_declared(component: str) -> None:
    """tflint's terraform_required_version and terraform_required_providers: a `terraform`
    block sets required_version, and every provider the module uses has a source and a
    version constraint."""
    required_version = None
    required: dict[str, Any] = {}
    used: set[str] = set()
    for path in _tf_files(component):
        data = _hcl(path)
        for block in data.get("terraform") or []:
            required_version = required_version or block.get("required_version")
            for entry in block.get("required_providers") or []:
                required.update(entry)
        for kind in ("resource", "data"):
            for block in data.get(kind) or []:
                used.update(rtype.split("_", 1)[0] for rtype in block)
        for block in data.get("provider") or []:
            used.update(block)
    problems = [] if required_version else ["no terraform { required_version = ... }"]
    for provider in sorted(used):
        spec = required.get(provider)
        if not isinstance(spec, dict) or not spec.get("source") or not spec.get("version"):
            problems.append(
                f"provider {provider!r} has no source and version in required_providers"
            )
    assert not problems, (
        f"{component}: " + "; ".join(problems) + " (the standard writes them: "
        "python -m tfharness.tooling.standard --write)"
    )


def _code_without_comments(path: Path) -> str:
    return "\n".join(
        line for line in path.read_text().splitlines() if not line.lstrip().startswith(("#", "//"))
    )


@pytest.mark.parametrize("component", NAMES)
def test_no_unused_declarations(component: str) -> None:
    """tflint's terraform_unused_declarations: every variable, local and data source is
    referred to somewhere in the module (a text scan of its .tf files). The provider
    standard's context.tf declares the shared context for every component, used or not."""
    code = "\n".join(_code_without_comments(p) for p in _tf_files(component))
    unused = [
        f"{d.file}: {d.name}"
        for d in declarations(component)
        if d.kind in ("variable", "local", "data")
        and d.file not in STANDARD_FILES
        and not re.search(rf"{re.escape(d.name)}\b", code)
    ]
    assert not unused, (
        f"{component}: declared but never used; remove them (or use them):\n  "
        + "\n  ".join(unused)
    )
