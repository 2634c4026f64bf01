"""Many scenarios in one Terraform run: the provider loads once, not once per scenario.

A batch is a generated root module (``main.tf.json`` and a ``<key>.tf.json`` per scenario)
that instantiates each scenario as a module: ``module "<key>" { source = "./m/<key>" ...
inputs }``. Each module directory is a copy of the component's template adapted for use as
a child module, which is the general fix for the one thing that stops a root component from
being a child: its provider configuration.

* ``provider.tf`` (the byte-for-byte standard) is replaced by its ``terraform`` block; the root
  configures one ``aws`` provider per region and passes it in.
* Aliased providers in other files (``provider "aws" { alias = "x" region = "..." }``, e.g.
  dns's us-east-1 provider) become ``configuration_aliases`` and are passed in from the root.
  A provider block with anything more than alias and region makes the component unbatchable;
  it is then planned on its own, as before.
* An adopted module (no provider standard) is used as it is. With provider blocks of its own,
  it configures them itself, as a child module may when it is called without ``count`` or
  ``for_each`` (each such member starts its own provider processes, so their batches are
  smaller); without any, it inherits the root's default provider, as it would in place.
* A batch whose members all follow the standard and stand in one region plans against a
  provider server of that region (`provider_server`), leased for the batch's commands.
* The copy keeps the component's tree (its folder and the local modules it calls, laid out
  as in the project), so relative module sources resolve as they do in place.

The plan JSON is split back into one document per scenario (addresses stripped of
``module.<key>.``), so tests see exactly what a standalone plan gives them. A refused batch is
not a lost batch: every error is mapped to its scenario by the module path in its location,
those scenarios become rejections, and the rest is planned again. Errors that cannot be
mapped send the remaining scenarios to standalone plans, so one failure never hides another;
so does an error that is not a rule (a validation, precondition or output condition), which
may be a passing emulator failure rather than the scenario's answer.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tfharness.errors import ScenarioFileError, TerraformFailed
from tfharness.planning.scenarios import Scenario
from tfharness.terraform import configuration
from tfharness.terraform.command import Terraform
from tfharness.terraform.diagnostics import Diagnostic, Rejection, parse_stream
from tfharness.terraform.plan import Plan
from tfharness.terraform.provider_server import ProviderServers, provider_binary
from tfharness.terraform.timings import Timings
from tfharness.terraform.workspace import Template, link_tree
from tfharness.tooling.standard import AWS_PROVIDER_SOURCE, AWS_PROVIDER_VERSION, PROVIDER_TF

Outcome = Plan | Rejection
DEFAULT_REGION = "us-east-1"  # a scenario that sets no region plans in the provider's default


def scenario_region(scenario: Scenario) -> str:
    """The region a scenario's default provider is configured for."""
    return str(scenario.vars.get("region", DEFAULT_REGION))


def one_region(regions: set[str] | frozenset[str]) -> str | None:
    """The region, when providers stand in exactly one (what a provider server can serve)."""
    return next(iter(regions)) if len(regions) == 1 else None


class Unbatchable(Exception):
    """The component cannot be a child module as it stands; plan it on its own."""


@dataclass
class Member:
    key: str
    scenario: Scenario
    template: Template
    aliases: dict[str, str]  # alias -> region
    outputs: dict[str, bool]  # output -> sensitive
    relative_dir: str = "."  # the component's folder inside its copied tree
    standard: bool = True  # the root passes its providers in (the provider standard)
    own_providers: bool = False  # an adopted module that configures its providers itself
    variables_only: bool = False  # its variables alone (`adapt_variables`): no providers
    rules_only: bool = False  # what its rules read (`adapt_rules`)

    @property
    def needs_providers(self) -> bool:
        return not self.variables_only

    @property
    def partial(self) -> bool:
        """Cut down for a refusal: a clean plan of it is not the component's."""
        return self.variables_only or self.rules_only

    @property
    def region(self) -> str:
        """The region of the member's default provider (the root configures one a region)."""
        return scenario_region(self.scenario)

    @property
    def regions(self) -> frozenset[str]:
        """Every region the member's providers are configured for, aliases included."""
        return frozenset({self.region, *self.aliases.values()})

    @property
    def source(self) -> str:
        return f"./m/{self.key}" + ("" if self.relative_dir == "." else f"/{self.relative_dir}")


def module_key(scenario: Scenario, index: int) -> str:
    slug = re.sub(r"[^a-z0-9_]", "_", f"{scenario.component}__{scenario.name}".lower())
    return f"s{index:03d}_{slug}"[:64]


def _escape(value: Any) -> Any:
    """Inputs in JSON syntax are templates: keep `${` and `%{` literal."""
    if isinstance(value, str):
        return value.replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, list):
        return [_escape(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape(v) for k, v in value.items()}
    return value


@dataclass
class Adapted:
    aliases: dict[str, str]  # alias -> region, passed in from the root
    outputs: dict[str, bool]  # output -> sensitive
    own_providers: bool  # the module keeps and configures its own provider blocks
    standard: bool  # the provider standard: the root passes the default provider in
    rules_only: bool = False  # cut down to what its rules read (`adapt_rules`)


def adapt(template: Template, destination: Path) -> Adapted:
    """Copy the template's tree as a child module; say how its providers are wired."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    link_tree(template.files(), template.dir, destination)
    workdir = destination / template.relative_dir
    provider_tf = workdir / "provider.tf"
    # Read from the template (parsed once per component, cached), not from this copy: the
    # copy is byte for byte the same, and parsing every member's copy cost ~0.1 s each.
    module = configuration.read(template.workdir)
    outputs = configuration.outputs(template.workdir)
    if not (provider_tf.is_file() and provider_tf.read_text() == PROVIDER_TF):
        # Adopted: used as it is; its own provider blocks (if any) stay and configure it.
        return Adapted({}, outputs, bool(module.providers), False)
    aliases: dict[str, str] = {}
    for block, region in _aliased(module):
        aliases[block.alias or ""] = region
        copied = workdir / block.file.relative_to(template.workdir)
        lines = copied.read_text().splitlines(keepends=True)
        assert block.start_line and block.end_line
        _replace(copied, "".join(lines[: block.start_line - 1] + lines[block.end_line :]))
    configuration_aliases = (
        f"      configuration_aliases = [{', '.join(f'aws.{a}' for a in sorted(aliases))}]\n"
        if aliases
        else ""
    )
    _replace(
        provider_tf,
        "terraform {\n  required_providers {\n    aws = {\n"
        f'      source  = "{AWS_PROVIDER_SOURCE}"\n'
        f'      version = "{AWS_PROVIDER_VERSION}"\n'
        f"{configuration_aliases}    }}\n  }}\n}}\n",
    )
    return Adapted(aliases, outputs, False, True)


def adapt_variables(template: Template, destination: Path) -> bool:
    """Write the template's variables alone as the child module (`configuration.
    variables_only`), for a scenario its validate walk refuses; False (nothing written) when
    the module cannot be cut down so."""
    kept = configuration.variables_only(template.workdir)
    if kept is None:
        return False
    if destination.exists():
        shutil.rmtree(destination)
    workdir = destination / template.relative_dir
    workdir.mkdir(parents=True)
    for name, text in kept.items():
        (workdir / name).write_text(text)
    return True


def adapt_rules(template: Template, destination: Path) -> Adapted | None:
    """`adapt`, then the component's files cut down to what its rules read
    (`configuration.rules_only`), for a scenario refused by a rule; None (nothing cut) when
    the module cannot be read so. When `adapt` rewrote one of the files to cut (an aliased
    provider block taken out, its lines moved), none is cut: the cut is all or nothing, as
    an object left in one file may read one emptied in another."""
    kept = configuration.rules_only(template.workdir)
    if kept is None:
        return None
    adapted = adapt(template, destination)
    workdir = destination / template.relative_dir
    if not kept or any(
        (workdir / name).read_bytes() != (template.workdir / name).read_bytes() for name in kept
    ):
        return adapted
    for name, text in kept.items():
        _replace(workdir / name, text)
    # Its outputs may read what is gone; a refused plan has none to show.
    return Adapted(adapted.aliases, {}, adapted.own_providers, adapted.standard, True)


def _replace(path: Path, text: str) -> None:
    """Write a member's own version of a file: the copy is a hard link to the template's."""
    path.unlink()
    path.write_text(text)


def _aliased(module: configuration.Module) -> list[tuple[configuration.Provider, str]]:
    """A standard component's provider blocks outside provider.tf, each with its region;
    Unbatchable when one sets more than alias and region, or a region that is not a literal."""
    found = []
    for block in module.providers:
        if block.file.name == "provider.tf":
            continue
        attributes = {k: v for k, v in block.attributes.items() if k not in configuration.META}
        if block.is_json or set(attributes) != {"alias", "region"}:
            raise Unbatchable(f"{block.file.name}: provider block with more than alias/region")
        region = attributes["region"]
        if not isinstance(region, str) or "${" in region:
            raise Unbatchable(f"{block.file.name}: provider {block.alias} has a computed region")
        found.append((block, region))
    return found


def alias_regions(template: Template) -> frozenset[str] | None:
    """The regions a component's aliased providers are pinned to (empty without aliases), or
    None when it does not follow the provider standard or cannot be batched (its providers
    are not the root's to configure)."""
    provider_tf = template.workdir / "provider.tf"
    if not (provider_tf.is_file() and provider_tf.read_text() == PROVIDER_TF):
        return None
    try:
        return frozenset(region for _, region in _aliased(configuration.read(template.workdir)))
    except Unbatchable:
        return None


ROOT_FILE = "main.tf.json"  # the batch root's providers; each member's call has a file of its own


def _region_alias(region: str) -> str:
    return "r_" + region.replace("-", "_")


def render_root(members: list[Member]) -> dict[str, dict[str, Any]]:
    """The batch's root module: file name -> JSON document. ``main.tf.json`` holds the
    providers; each member's module call and outputs stand in a file of their own
    (``<key>.tf.json``). Terraform renders each diagnostic's snippet by parsing the file it
    points into again, and a refused variable points at its module call: in one root file of
    92 members (214 KB), 146 refusals cost 6 s of a 10 s run (its small file, 0.1 s).

    Each member's inputs are literals in its module call, so Terraform decides in its
    validate walk the validations that read only their variable: a refusal there costs no
    planning (as root variables, which the validate walk sees as unknown, every refusal cost
    a full plan of its member: vpc's 22 scenarios took 2 s more, in one run fewer)."""
    regions = sorted({r for m in members if m.standard and m.needs_providers for r in m.regions})
    main: dict[str, Any] = {}
    if any(m.needs_providers for m in members):
        required = {"aws": {"source": AWS_PROVIDER_SOURCE, "version": AWS_PROVIDER_VERSION}}
        main["terraform"] = {"required_providers": required}
    if regions:
        main["provider"] = {"aws": [{"alias": _region_alias(r), "region": r} for r in regions]}
    files = {ROOT_FILE: main}
    for member in members:
        call: dict[str, Any] = {"source": member.source}
        if member.standard and member.needs_providers:
            providers = {"aws": f"aws.{_region_alias(member.region)}"}
            providers.update(
                {f"aws.{alias}": f"aws.{_region_alias(r)}" for alias, r in member.aliases.items()}
            )
            call["providers"] = providers
        document: dict[str, Any] = {
            "module": {member.key: {**call, **_escape(member.scenario.vars)}}
        }
        outputs = {
            f"{member.key}__{name}": {
                "value": f"${{module.{member.key}.{name}}}",
                "sensitive": sensitive,
            }
            for name, sensitive in member.outputs.items()
        }
        if outputs:
            document["output"] = outputs
        files[f"{member.key}.tf.json"] = document
    return files


def write_root(directory: Path, members: list[Member]) -> None:
    """The root module's files into the batch's directory, replacing the last round's (a
    later round plans fewer members)."""
    for stale in directory.glob("*.tf.json"):
        stale.unlink()
    for name, document in render_root(members).items():
        (directory / name).write_text(json.dumps(document, indent=1))


def _strip(address: str | None, prefix: str) -> str | None:
    if address is None:
        return None
    if address == prefix.rstrip("."):
        return None
    return address.removeprefix(prefix)


def _localise(value: Any, member: Member) -> Any:
    """Paths as a standalone plan has them: `path.module` of the member is `m/<key>/<dir>` in
    a batch and `.` standalone; a local module's folder is relative to the component's."""
    if isinstance(value, dict):
        return {k: _localise(v, member) for k, v in value.items()}
    if isinstance(value, list):
        return [_localise(v, member) for v in value]
    if not isinstance(value, str) or f"m/{member.key}" not in value:
        return value
    base = f"m/{member.key}"
    own = base if member.relative_dir == "." else f"{base}/{member.relative_dir}"
    value = re.sub(re.escape(own) + r"(?![\w-])", ".", value)
    return re.sub(
        re.escape(base) + r"/([\w./-]+)",
        lambda found: posixpath.relpath(found[1], member.relative_dir),
        value,
    )


def split_plan(raw: dict[str, Any], member: Member) -> dict[str, Any]:
    """The part of a batch plan that belongs to one member, addressed and with paths as if
    standalone."""
    prefix = f"module.{member.key}."
    changes = []
    for change in raw.get("resource_changes") or []:
        if change.get("module_address", "") == prefix.rstrip(".") or (
            change.get("module_address") or ""
        ).startswith(prefix):
            changes.append(
                {
                    **change,
                    "change": _localise(change.get("change") or {}, member),
                    "address": _strip(change["address"], prefix),
                    "module_address": _strip(change.get("module_address"), prefix),
                }
            )
    prior_root: dict[str, Any] = {"resources": [], "child_modules": []}
    prior = ((raw.get("prior_state") or {}).get("values") or {}).get("root_module") or {}
    for child in prior.get("child_modules") or []:
        if child.get("address") == prefix.rstrip("."):
            prior_root = _localise(_restrip_module(child, prefix), member)
    output_changes = {
        name.removeprefix(f"{member.key}__"): _localise(change, member)
        for name, change in (raw.get("output_changes") or {}).items()
        if name.startswith(f"{member.key}__")
    }
    call = (
        ((raw.get("configuration") or {}).get("root_module") or {}).get("module_calls") or {}
    ).get(member.key) or {}
    declared = (call.get("module") or {}).get("variables") or {}
    variables = {
        name: {"value": member.scenario.vars.get(name, spec.get("default"))}
        for name, spec in declared.items()
    }
    return {
        "format_version": raw.get("format_version"),
        "terraform_version": raw.get("terraform_version"),
        "variables": variables,
        "resource_changes": changes,
        "output_changes": output_changes,
        "prior_state": {"values": {"root_module": prior_root}},
        "configuration": {"root_module": call.get("module") or {}},
    }


def _restrip_module(module: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {
        "resources": [
            {**r, "address": _strip(r["address"], prefix)} for r in module.get("resources") or []
        ],
        "child_modules": [
            {**_restrip_module(c, prefix), "address": _strip(c.get("address"), prefix)}
            for c in module.get("child_modules") or []
        ],
    }


# Warnings a child module gets that the same configuration as a root does not.
_CHILD_ONLY_WARNINGS = ("Backend configuration ignored",)


def _member_of(diagnostic: Diagnostic, members: dict[str, Member]) -> tuple[str | None, Diagnostic]:
    """Which member a diagnostic belongs to, and the diagnostic as its standalone plan says it
    (file names relative to the component's folder, addresses without `module.<key>.`)."""
    filename = diagnostic.filename or ""
    parts = filename.split("/")
    if len(parts) >= 3 and parts[0] == "m" and parts[1] in members:
        member = members[parts[1]]
        inside = "/".join(parts[2:])
        local = posixpath.relpath(inside, member.relative_dir)
        rule = diagnostic.rule
        if rule and rule.startswith(f"module.{member.key}."):
            rule = rule.removeprefix(f"module.{member.key}.")
        return member.key, replace(diagnostic, filename=local, rule=rule)
    return None, diagnostic


# What `terraform plan` says when a batch's linked providers do not cover its members.
_NOT_INSTALLED = (
    "Inconsistent dependency lock file",
    "Required plugins are not installed",
    "Missing required provider",
    "Module not installed",
    "Module source has changed",
)


class ProviderShare:
    """The providers installed once a session, linked into every batch.

    `terraform init` costs ~0.7 s of CPU a batch and runs one at a time (it writes the plugin
    cache), so a second batch waited for the first's. `terraform get`, which installs only a
    batch's (local) modules, takes ~0.15 s. `prepare` installs the AWS provider into
    `directory` (the planner runs it beside its template builds, before any batch needs
    it); each batch links its `.terraform/providers` and lock file and gets its modules.
    Where `prepare` did not run or failed, the first batch inits and its providers are kept
    instead (a failure then says so in that batch's words). A batch whose members need a
    provider the share lacks (an adopted module with providers of its own) is told so by
    Terraform ("Inconsistent dependency lock file") and runs its own init (`Batch._plan`).
    """

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self._lock = threading.Lock()
        self._ready = False

    def prepare(self, env: dict[str, str], timings: Timings) -> None:
        """Install the AWS provider into the share ahead of the batches (an error is left for
        the first batch's own init to report)."""
        with self._lock:
            if self._ready:
                return
            root = self.dir.with_name(self.dir.name + "-root")
            root.mkdir(parents=True, exist_ok=True)
            required = {"aws": {"source": AWS_PROVIDER_SOURCE, "version": AWS_PROVIDER_VERSION}}
            (root / ROOT_FILE).write_text(
                json.dumps({"terraform": {"required_providers": required}}, indent=1)
            )
            try:
                Terraform(root, env).init("the batches' providers", timings)
            except TerraformFailed:
                return
            self._keep(root)

    def _keep(self, initialised: Path) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        shutil.copytree(
            initialised / ".terraform" / "providers", self.dir / "providers", symlinks=True
        )
        shutil.copy2(initialised / ".terraform.lock.hcl", self.dir / ".terraform.lock.hcl")
        self._ready = True

    def aws_binary(self) -> Path | None:
        """The AWS provider the share holds (None before it holds one)."""
        with self._lock:
            ready = self._ready
        return provider_binary(self.dir / "providers") if ready else None

    def install(
        self,
        tf: Terraform,
        subject: str,
        timings: Timings,
        manifest: dict[str, Any] | None = None,
    ) -> bool:
        """Providers and modules into the batch's directory (`tf.workdir`); True when linked
        from the share, False when this batch ran `terraform init`. The modules are recorded
        from `manifest` (`module_manifest`) when given, else by `terraform get`."""
        batch_dir = tf.workdir
        with self._lock:
            if not self._ready:
                tf.init(subject, timings)
                self._keep(batch_dir)
                return False
        data = batch_dir / ".terraform"
        data.mkdir(exist_ok=True)
        (data / "providers").symlink_to(self.dir / "providers", target_is_directory=True)
        shutil.copy2(self.dir / ".terraform.lock.hcl", batch_dir / ".terraform.lock.hcl")
        if manifest is not None:
            (data / "modules").mkdir(exist_ok=True)
            (data / "modules" / "modules.json").write_text(json.dumps(manifest))
            return True
        with timings.measure("get", subject):
            result = tf.run("get", "-no-color")
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip()[-4000:]
            raise TerraformFailed(
                f"{subject}: terraform get (installing the batch's local modules) failed:\n"
                f"{detail}",
                command="get",
                returncode=result.returncode,
                stderr=detail,
            )
        return True


class Batch:
    """One generated root module planning several scenarios at once."""

    def __init__(
        self,
        directory: Path,
        env: dict[str, str],
        timings: Timings,
        subject: str,
        providers: ProviderShare | None = None,
        servers: ProviderServers | None = None,
    ) -> None:
        self.dir = directory
        self.env = env
        self.timings = timings
        self.subject = subject
        self.providers = providers
        self.servers = servers
        self._initialised = False
        self._linked = False

    def run(
        self, members: list[Member], standalone: Callable[[Scenario], Outcome]
    ) -> dict[str, Outcome]:
        """Plan every member; return scenario id -> Plan or Rejection."""
        results: dict[str, Outcome] = {}
        remaining = list(members)
        while remaining:
            outcome = self._plan(remaining)
            if isinstance(outcome, dict):  # a clean plan: split it
                for member in remaining:
                    results[member.scenario.id] = (
                        standalone(member.scenario)  # not refused: the whole module decides
                        if member.partial
                        else outcome[member.key]
                    )
                break
            keys = {m.key: m for m in remaining}
            by_member: dict[str, list[Diagnostic]] = {}
            unmapped = []
            for diagnostic in outcome:
                key, local = _member_of(diagnostic, keys)
                if key is None:
                    if diagnostic.severity == "error":
                        unmapped.append(diagnostic)
                else:
                    by_member.setdefault(key, []).append(local)
            failing = {k for k, ds in by_member.items() if any(d.severity == "error" for d in ds)}
            if unmapped or not failing:
                for member in remaining:  # cannot tell who failed: plan each on its own
                    results[member.scenario.id] = standalone(member.scenario)
                break
            for member in remaining:
                if member.key not in failing:
                    continue
                if all(d.rule for d in by_member[member.key] if d.severity == "error"):
                    results[member.scenario.id] = Rejection(
                        member.scenario.id, by_member[member.key]
                    )
                else:  # not a rule: maybe the emulator hiccupped; the scenario's own plan decides
                    results[member.scenario.id] = standalone(member.scenario)
            remaining = [m for m in remaining if m.key not in failing]
            for member in remaining:  # its rules passed: what it plans is the module's
                if member.partial:
                    results[member.scenario.id] = standalone(member.scenario)
            remaining = [m for m in remaining if not m.partial]
        return results

    def _plan(self, members: list[Member]) -> dict[str, Plan] | list[Diagnostic]:
        region = attach_region(members)
        if self.servers is None or region is None:
            return self._plan_with(members, {})
        with self.servers.lease(region) as attach:
            return self._plan_with(members, attach)

    def _plan_with(
        self, members: list[Member], attach: dict[str, str]
    ) -> dict[str, Plan] | list[Diagnostic]:
        """One round: `attach` is the environment that points Terraform at a provider server
        (`provider_server`), or nothing."""
        write_root(self.dir, members)
        tf = Terraform(self.dir, self.env)
        attached = Terraform(self.dir, {**self.env, **attach}) if attach else tf
        label = f"{self.subject} (batch of {', '.join(m.scenario.id for m in members)})"
        if not self._initialised:  # later rounds only drop modules: no new init needed
            if not any(m.needs_providers for m in members):  # variables alone: no provider
                data = self.dir / ".terraform" / "modules"
                data.mkdir(parents=True, exist_ok=True)
                (data / "modules.json").write_text(json.dumps(module_manifest(members)))
            elif self.providers is not None:
                self._linked = self.providers.install(
                    tf, label, self.timings, module_manifest(members)
                )
            else:
                tf.init(label, self.timings)
            self._initialised = True
        with self.timings.measure("plan", self.subject):
            result = attached.run("plan", "-input=false", "-no-color", "-json", "-out=batch.tfplan")
        if self._linked and result.returncode != 0:
            summaries = {d.summary for d in parse_stream(result.stdout.splitlines(), self.dir)}
            if summaries & set(_NOT_INSTALLED):  # the share lacks what these members need
                self._linked = False
                (self.dir / ".terraform" / "providers").unlink()
                (self.dir / ".terraform.lock.hcl").unlink()
                tf.init(label, self.timings)
                with self.timings.measure("plan", self.subject):
                    result = tf.run(
                        "plan", "-input=false", "-no-color", "-json", "-out=batch.tfplan"
                    )
        stdout, failed = result.stdout, result.returncode != 0
        diagnostics = parse_stream(stdout.splitlines(), self.dir)
        if failed:
            if not any(d.severity == "error" for d in diagnostics):
                raise TerraformFailed(
                    f"{self.subject}: batch plan failed without diagnostics",
                    command="plan",
                    returncode=1,
                    stderr=stdout[-4000:],
                )
            return diagnostics
        with self.timings.measure("show", self.subject):
            shown = attached.run("show", "-no-color", "-json", "batch.tfplan")
        if shown.returncode != 0:
            raise TerraformFailed(
                f"{self.subject}: terraform show failed:\n{shown.stderr}",
                command="show",
                returncode=shown.returncode,
                stderr=shown.stderr,
            )
        raw = json.loads(shown.stdout)
        keys = {m.key: m for m in members}
        warnings: dict[str, list[Diagnostic]] = {}
        for diagnostic in diagnostics:
            key, local = _member_of(diagnostic, keys)
            if (
                key
                and diagnostic.severity == "warning"
                and diagnostic.summary not in (_CHILD_ONLY_WARNINGS)
            ):
                warnings.setdefault(key, []).append(local)
        return {
            m.key: Plan(
                split_plan(raw, m), label=m.scenario.id, warnings=tuple(warnings.get(m.key, ()))
            )
            for m in members
        }


def attach_region(members: list[Member]) -> str | None:
    """The one region a provider server may serve all these members in: every member follows
    the provider standard (only the root configures the AWS provider) and all their providers,
    aliases included, are configured for the same region. None otherwise."""
    members = [m for m in members if m.needs_providers]  # variables alone need none
    if not members or not all(m.standard for m in members):
        return None
    return one_region({r for m in members for r in m.regions})


def _local_source(source: str) -> str:
    """A relative module source as Terraform records it (`path.Clean`, "./" kept)."""
    clean = posixpath.normpath(source)
    return clean if clean.startswith("../") else f"./{clean}"


def module_manifest(members: list[Member]) -> dict[str, Any] | None:
    """The module manifest (``.terraform/modules/modules.json``) that `terraform get` would
    write for these members, or None when a member calls a module that is not local to its
    copy (`terraform get` then installs it). Every member and every module it calls are
    folders of its copy, so there is nothing to fetch: writing the record saves a `get` per
    batch (0.6 s of CPU each, 6 a whole-tier run)."""
    entries: list[dict[str, str]] = [{"Key": "", "Source": "", "Dir": "."}]
    for member in members:
        copy = f"m/{member.key}"
        source = member.source
        start = posixpath.normpath(source)
        pending = [(member.key, source, start, member.template.workdir, (start,))]
        if member.variables_only:  # it calls no module
            entries.append({"Key": member.key, "Source": _local_source(source), "Dir": start})
            continue
        while pending:  # key, source as written, folder in the batch and template, callers
            key, source, directory, in_template, chain = pending.pop()
            entries.append({"Key": key, "Source": _local_source(source), "Dir": directory})
            for call in configuration.read(in_template).module_calls.values():
                if not call.local:
                    return None
                target = posixpath.normpath(posixpath.join(directory, call.source))
                found = member.template.dir / posixpath.relpath(target, copy)
                if not target.startswith(f"{copy}/") or not found.is_dir() or target in chain:
                    return None  # `terraform get` installs it, or says what is wrong (a loop)
                pending.append((f"{key}.{call.name}", call.source, target, found, (*chain, target)))
    return {"Modules": sorted(entries, key=lambda entry: entry["Key"])}


def prepare_members(
    batch_dir: Path,
    scenarios: list[tuple[Scenario, Template]],
    early: Collection[str] = frozenset(),
    refused: Collection[str] = frozenset(),
) -> tuple[list[Member], list[Scenario], dict[str, Exception]]:
    """Adapt each scenario's module: (batchable members, scenarios to plan alone, errors).
    A scenario of `early` (ids of scenarios expected to be refused in the validate walk)
    stands in the batch as its variables alone (`adapt_variables`) where it can; one of
    `refused` (expected to be refused otherwise) as what its rules read (`adapt_rules`)."""
    members, alone, errors = [], [], {}
    for index, (scenario, template) in enumerate(scenarios):
        try:
            declared = configuration.declared_variables(template.workdir)
        except Exception as error:  # an unreadable file fails this scenario, not the batch
            errors[scenario.id] = error
            continue
        undeclared = sorted(set(scenario.vars) - declared)
        if undeclared:
            errors[scenario.id] = ScenarioFileError(
                f"{scenario.id}: sets inputs the component does not declare: "
                f"{', '.join(undeclared)}. Fix the name in the scenario file."
            )
            continue
        key = module_key(scenario, index)
        if scenario.id in early and adapt_variables(template, batch_dir / "m" / key):
            relative = template.relative_dir.as_posix()
            members.append(Member(key, scenario, template, {}, {}, relative, variables_only=True))
            continue
        try:
            adapted = (
                scenario.id in refused and adapt_rules(template, batch_dir / "m" / key)
            ) or adapt(template, batch_dir / "m" / key)
        except Unbatchable:
            alone.append(scenario)
            continue
        members.append(
            Member(
                key,
                scenario,
                template,
                adapted.aliases,
                adapted.outputs,
                template.relative_dir.as_posix(),
                adapted.standard,
                adapted.own_providers,
                rules_only=adapted.rules_only,
            )
        )
    return members, alone, errors
