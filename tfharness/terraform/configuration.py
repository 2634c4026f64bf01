"""A module's configuration as Terraform reads it: declared variables, outputs, provider
blocks, module calls and required providers, from every ``*.tf`` file (parsed with
python-hcl2; ``parse_hcl`` keeps each text's parse on disk, so an unchanged file is parsed
once, not once per session) and every ``*.tf.json`` file (Terraform's JSON syntax) of one
directory.

Override files (``override.tf``, ``*_override.tf``) are read like the others: the harness only
asks which names exist, and an override cannot declare a new one.

``local_module_dirs`` follows relative module sources (``./x``, ``../../modules/x``)
recursively, as ``terraform init`` does, so a workspace can hold everything a configuration
needs; a source that points nowhere is an error that names the file and the call.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import hcl2

from tfharness.errors import ConfigurationError

META = ("__start_line__", "__end_line__")


@dataclass(frozen=True)
class Variable:
    name: str
    file: Path
    start_line: int | None
    end_line: int | None
    typed: bool
    description: str | None
    sensitive: bool


@dataclass(frozen=True)
class Output:
    name: str
    file: Path
    description: str | None
    sensitive: bool


@dataclass(frozen=True)
class Provider:
    """One `provider` block; `attributes` as python-hcl2 reads them (expressions as `${...}`)."""

    name: str
    alias: str | None
    attributes: dict[str, Any] = field(hash=False)
    file: Path = Path()
    start_line: int | None = None
    end_line: int | None = None

    @property
    def is_json(self) -> bool:
        return self.file.name.endswith(".tf.json")

    def nested_source(self, block: str) -> str | None:
        """The body of a nested block (e.g. `default_tags`) as written, or None if absent."""
        if self.is_json:
            return None
        nested = self.attributes.get(block)
        if not nested:
            return None
        first = nested[0]
        lines = self.file.read_text().splitlines()
        body = lines[first["__start_line__"] - 1 : first["__end_line__"]]
        text = "\n".join(body)
        opened, closed = text.find("{"), text.rfind("}")
        return text[opened + 1 : closed].strip()


@dataclass(frozen=True)
class ModuleCall:
    name: str
    source: str
    file: Path

    @property
    def local(self) -> bool:
        return self.source.startswith(("./", "../"))


@dataclass(frozen=True)
class Module:
    directory: Path
    variables: dict[str, Variable]
    outputs: dict[str, Output]
    providers: list[Provider]
    module_calls: dict[str, ModuleCall]
    required_providers: dict[str, str]  # local name -> source address

    def provider_aliases(self, name: str = "aws") -> list[str]:
        return sorted(p.alias for p in self.providers if p.name == name and p.alias)

    def default_provider(self, name: str = "aws") -> Provider | None:
        return next((p for p in self.providers if p.name == name and not p.alias), None)


def _unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _literal(value: Any) -> Any:
    """An attribute value, with the `${...}` python-hcl2 wraps bare references in removed."""
    value = _unquote(value)
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    return value


def _entries(value: Any) -> list[dict[str, Any]]:
    """JSON syntax allows a block type to hold one object or a list of objects."""
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return [value] if isinstance(value, dict) else []


def _labelled(blocks: Any) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for entry in _entries(blocks):
        for label, body in entry.items():
            if label in META:
                continue
            for item in _entries(body):
                found.append((_unquote(label), item))
    return found


def _key_lines(path: Path, names: list[str]) -> dict[str, int]:
    """Line of the first `"<name>":` key in a JSON file (for rules reported by line)."""
    lines = path.read_text().splitlines()
    found = {}
    for name in names:
        pattern = re.compile(rf'"{re.escape(name)}"\s*:')
        for number, line in enumerate(lines, start=1):
            if pattern.search(line):
                found[name] = number
                break
    return found


class _Unreadable(Exception):
    pass


@cache
def _parser() -> str:
    return f"python-hcl2 {metadata.version('python-hcl2')}"


def parse_hcl(text: str, *, with_meta: bool = True) -> dict[str, Any]:
    """python-hcl2's reading of an HCL text, kept on disk by the text's hash and python-hcl2's
    version (``<cache root>/hcl``): an unchanged file is parsed once, not once per session.
    A damaged entry is parsed again; a text that does not parse raises as hcl2.loads does."""
    from tfharness.terraform.toolchain import cache_root  # toolchain imports this module

    identity = f"{_parser()}; with_meta={with_meta}\0{text}"
    directory = cache_root() / "hcl"
    entry = directory / f"{hashlib.sha256(identity.encode()).hexdigest()}.json"
    try:
        return json.loads(entry.read_text())
    except (OSError, ValueError):
        pass
    data = hcl2.loads(text, with_meta=with_meta)
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    except OSError:
        return data  # no cache to write to: parsed again next time
    try:
        with os.fdopen(handle, "w") as stream:
            json.dump(data, stream)
        os.replace(temporary, entry)  # atomic: two sessions may write the same entry
    finally:
        Path(temporary).unlink(missing_ok=True)
    return data


@cache
def _parse_text(text: str, json_syntax: bool) -> dict[str, Any]:
    """Parse a file's text: cached by content, so the copies of a component in workspaces and
    batches are parsed once."""
    if json_syntax:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise _Unreadable(f"{error.lineno}: not valid JSON: {error.msg}") from None
        if not isinstance(data, dict):
            raise _Unreadable(": a *.tf.json file must hold a JSON object")
        return data
    try:
        return parse_hcl(text)
    except Exception as error:  # lark raises several kinds; all mean "cannot read this file"
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise _Unreadable(
            f": the harness cannot parse this file ({first}). Check it with "
            "`terraform validate`; if Terraform accepts it, report the construct to tfharness."
        ) from None


def _parse(path: Path) -> dict[str, Any]:
    try:
        return _parse_text(path.read_text(), path.name.endswith(".tf.json"))
    except _Unreadable as error:
        raise ConfigurationError(f"{path}{error}") from None


def files_of(directory: Path) -> list[Path]:
    """The configuration files Terraform loads from a directory."""
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and (p.suffix == ".tf" or p.name.endswith(".tf.json"))
    )


def _variables_of(path: Path, data: dict[str, Any]) -> dict[str, Variable]:
    is_json = path.name.endswith(".tf.json")
    declared = _labelled(data.get("variable"))
    json_lines = _key_lines(path, [n for n, _ in declared]) if is_json else {}
    return {
        name: Variable(
            name,
            path,
            json_lines.get(name) if is_json else body.get("__start_line__"),
            None if is_json else body.get("__end_line__"),
            "type" in body,
            _unquote(body.get("description")),
            _literal(body.get("sensitive")) in (True, "true"),
        )
        for name, body in declared
    }


def read(directory: Path) -> Module:
    """Read a module directory (each file's parse is cached by its content)."""
    directory = Path(directory)
    variables: dict[str, Variable] = {}
    outputs: dict[str, Output] = {}
    providers: list[Provider] = []
    calls: dict[str, ModuleCall] = {}
    required: dict[str, str] = {}
    for path in files_of(directory):
        data = _parse(path)
        variables.update(_variables_of(path, data))
        for name, body in _labelled(data.get("output")):
            outputs[name] = Output(
                name,
                path,
                _unquote(body.get("description")),
                _literal(body.get("sensitive")) in (True, "true"),
            )
        for name, body in _labelled(data.get("provider")):
            alias = _unquote(body.get("alias"))
            providers.append(
                Provider(
                    name,
                    alias,
                    body,
                    path,
                    body.get("__start_line__"),
                    body.get("__end_line__"),
                )
            )
        for name, body in _labelled(data.get("module")):
            source = _unquote(body.get("source"))
            if isinstance(source, str):
                calls[name] = ModuleCall(name, source, path)
        for block in _entries(data.get("terraform")):
            for entry in _entries(block.get("required_providers")):
                for local, spec in entry.items():
                    if local in META:
                        continue
                    if isinstance(spec, dict) and spec.get("source"):
                        required[local] = _unquote(spec["source"])
                    elif isinstance(spec, str):  # the legacy `aws = "~> 5.0"` form
                        required[local] = f"hashicorp/{local}"
    return Module(directory, variables, outputs, providers, calls, required)


def declared_variables(directory: Path) -> set[str]:
    return set(read(directory).variables)


def outputs(directory: Path) -> dict[str, bool]:
    """Output names, each with whether it is declared sensitive."""
    return {name: o.sensitive for name, o in read(directory).outputs.items()}


def local_module_dirs(directory: Path) -> list[Path]:
    """Every directory reached through relative module sources, recursively (resolved)."""
    found: list[Path] = []
    pending = [Path(directory).resolve()]
    seen = set(pending)
    while pending:
        current = pending.pop()
        for call in read(current).module_calls.values():
            if not call.local:
                continue
            target = (current / call.source).resolve()
            if not target.is_dir() or not files_of(target):
                raise ConfigurationError(
                    f"{call.file}: module {call.name!r} has source {call.source!r}, which "
                    f"resolves to {target}: there is no Terraform module there (no *.tf or "
                    "*.tf.json files). Fix the path; it is relative to the calling module's "
                    "folder."
                )
            if target not in seen:
                seen.add(target)
                found.append(target)
                pending.append(target)
    return sorted(found)


def variable_at(directory: Path, filename: str, line: int) -> str | None:
    """The `var.<name>` whose block encloses (HCL) or starts nearest before (JSON) a line.
    Only that one file is read (rules are looked up for every refused scenario)."""
    path = Path(directory) / filename
    if not path.is_file():
        return None
    try:
        variables = _variables_of(path, _parse(path))
    except ConfigurationError:
        return None
    best: Variable | None = None
    for variable in variables.values():
        if variable.start_line is None:
            continue
        encloses = variable.start_line <= line and (
            variable.end_line is None or line <= variable.end_line
        )
        if encloses and (best is None or variable.start_line > (best.start_line or 0)):
            best = variable
    return f"var.{best.name}" if best else None


# Rules as written -------------------------------------------------------------------------
@dataclass(frozen=True)
class Condition:
    """One rule of a file: a variable's validation, a resource's or data source's
    precondition or postcondition, an output's precondition, or a check block's assertion.

    `rule` is the name the harness gives the rule when it fires (`tfharness.terraform.
    diagnostics`); `index` of `count` tells apart the rules one block holds (a variable's
    second validation). Lines are those of the nested block, which hold the lines Terraform
    reports: a validation's first line, the condition of the others. In a `*.tf.json` file
    only validations are read (Terraform names no rule for the other kinds there), each at
    the line of its variable's `"validation"` key, with no end line.
    """

    kind: str  # validation | precondition | postcondition | output | check
    rule: str
    index: int
    count: int
    file: Path
    start_line: int
    end_line: int | None
    error_message: str  # the text as written (a template keeps its ${...})


_NESTED = {"precondition": "precondition", "postcondition": "postcondition"}


def conditions(path: Path) -> list[Condition]:
    """Every rule a configuration file declares, in file order (the parse is cached)."""
    path = Path(path)
    data = _parse(path)
    if path.name.endswith(".tf.json"):
        return _json_validations(path, data)
    lines = path.read_text().splitlines()
    found: list[Condition] = []

    def add(kind: str, rule: str, blocks: Any) -> None:
        entries = [b for b in _entries(blocks) if "__start_line__" in b]
        for index, block in enumerate(entries, start=1):
            start, end = block["__start_line__"], block["__end_line__"]
            message = _source_of(lines, start, end, "error_message")
            if message is None:
                message = str(_unquote(block.get("error_message", "")))
            found.append(Condition(kind, rule, index, len(entries), path, start, end, message))

    for name, body in _labelled(data.get("variable")):
        add("validation", f"var.{name}", body.get("validation"))
    for mode, prefix in (("resource", ""), ("data", "data.")):
        for type_, named in _labelled(data.get(mode)):
            for name, body in _labelled(named):
                for lifecycle in _entries(body.get("lifecycle")):
                    for nested, kind in _NESTED.items():
                        add(kind, f"{prefix}{type_}.{name}", lifecycle.get(nested))
    for name, body in _labelled(data.get("output")):
        add("output", f"output.{name}", body.get("precondition"))
    for name, body in _labelled(data.get("check")):
        add("check", f"check.{name}", body.get("assert"))
    return sorted(found, key=lambda c: c.start_line)


_REFERENCE = re.compile(r"(?<![\w.])(var|local|data|module)\.([A-Za-z_][\w-]*)")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
VALIDATE_WALK, PLAN_WALK = "validate", "plan"


@dataclass(frozen=True)
class Walked:
    """One validation of a variable: the walk that checks it and its message as written."""

    walk: str  # VALIDATE_WALK | PLAN_WALK
    error_message: str
    # It reads a local, a data source or a module: Terraform may still decide it in the
    # validate walk (a constant local is known there), which the variables alone cannot.
    reads_objects: bool = False


def validation_walks(directory: Path) -> dict[str, tuple[Walked, ...]]:
    """For each variable with validations: which walk of Terraform's run checks each, when
    the module is called with literal inputs (a batch member).

    Terraform checks rules in two walks. The first (validate) knows only the inputs each
    module call passes, so a condition on the variable alone is decided there, and a failing
    one ends the run before anything is planned. A condition that reads anything else (an
    other variable, a local, a data source, a module) waits for the plan walk, as do a nested
    module's validations (its inputs are expressions) and every precondition and
    postcondition. Variables of `*.tf.json` files are counted as checked in the validate
    walk (their conditions are strings, not read here)."""
    found: dict[str, list[Walked]] = {}
    for path in files_of(Path(directory)):
        data = _parse(path)
        if path.name.endswith(".tf.json"):
            for name, body in _labelled(data.get("variable")):
                for entry in _entries(body.get("validation")):
                    message = str(entry.get("error_message", ""))
                    found.setdefault(name, []).append(Walked(VALIDATE_WALK, message))
            continue
        lines = path.read_text().splitlines()
        for condition in conditions(path):
            if condition.kind == "validation":
                walk, reads_objects = _walk_of(condition, lines)
                found.setdefault(condition.rule.removeprefix("var."), []).append(
                    Walked(walk, condition.error_message, reads_objects)
                )
    return {name: tuple(walked) for name, walked in found.items()}


def _walk_of(condition: Condition, lines: list[str]) -> tuple[str, bool]:
    """The walk that checks a variable's validation (`validation_walks`), and whether it
    reads anything but variables (`Walked.reads_objects`)."""
    name = condition.rule.removeprefix("var.")
    text = _source_of(lines, condition.start_line, condition.end_line or 0, "condition")
    references = set(_REFERENCE.findall(_STRING.sub('""', text or "")))
    alone = text is not None and references <= {("var", name)}
    return VALIDATE_WALK if alone else PLAN_WALK, text is None or any(
        kind != "var" for kind, _ in references
    )


def variables_only(directory: Path) -> dict[str, str] | None:
    """The module as its validate walk decides a refusal: file name -> text holding only its
    `variable` blocks, each with only the validations that walk checks (`validation_walks`).
    Every other line is left empty, so what Terraform reports (a rule's file, line and
    column) is where it stands in the module. None when a `*.tf.json` file is among the
    module's files (its blocks have no lines to keep).

    Planned with the inputs of a scenario refused there, this module is refused by the same
    rules with the same messages: the validate walk stops the run before anything else is
    planned, and what it checks in a variable is its type, its nullability and the
    validations that read only the variable. The rest of the module costs that walk most of
    its time (the resources' configuration is validated too), and the empty module needs no
    provider."""
    kept: dict[str, str] = {}
    for path in files_of(Path(directory)):
        if path.name.endswith(".tf.json"):
            return None
        declared = _variables_of(path, _parse(path))
        if not declared:
            continue
        lines = path.read_text().splitlines()
        keep = [False] * len(lines)
        for variable in declared.values():
            assert variable.start_line and variable.end_line
            keep[variable.start_line - 1 : variable.end_line] = [True] * (
                variable.end_line - variable.start_line + 1
            )
        for condition in conditions(path):
            if condition.kind == "validation" and _walk_of(condition, lines)[0] == PLAN_WALK:
                end = condition.end_line or condition.start_line
                keep[condition.start_line - 1 : end] = [False] * (end - condition.start_line + 1)
        kept[path.name] = "".join(
            (line if keep[number] else "") + "\n" for number, line in enumerate(lines)
        )
    return kept


# What the plan walk of a refusal needs ------------------------------------------------------
_NAME = r"[A-Za-z_][\w-]*"
_DATA = re.compile(rf"(?<![\w.])data\.({_NAME})\.({_NAME})")
_ATTRIBUTE = re.compile(rf"^(?P<indent>[ \t]+)(?P<name>{_NAME})\s*=(?!=)")


@dataclass
class _Block:
    """One object of a module that the plan walk evaluates: a variable, a local, a
    resource, a data source, a module call, an output, a check or a provider block."""

    file: str
    lines: tuple[int, int]  # first and last line (1-based, inclusive)
    text: str  # its body as python-hcl2 reads it, for the references it makes
    rules: bool  # it holds rules, or may (a module call)


def _locals_lines(lines: list[str], block: dict[str, Any]) -> dict[str, tuple[int, int]] | None:
    """Each local of one `locals` block: its first line and the last before the next one
    (a comment above the next one counts with this one). None when the attributes do not
    each start a line at one indentation, as `terraform fmt` writes them."""
    start, end = block["__start_line__"], block["__end_line__"]
    names = [k for k in block if k not in META]
    found: list[tuple[str, int]] = []
    indent = None
    for number in range(start + 1, end):
        match = _ATTRIBUTE.match(lines[number - 1])
        if not match or match["name"] not in names:
            continue
        if indent is None:
            indent = match["indent"]
        if match["indent"] == indent:
            found.append((match["name"], number))
    if sorted(n for n, _ in found) != sorted(names):
        return None
    ranges = {}
    for index, (name, first) in enumerate(found):
        last = found[index + 1][1] - 1 if index + 1 < len(found) else end - 1
        ranges[name] = (first, last)
    return ranges


def _blocks(directory: Path) -> dict[str, _Block] | None:
    """Every object of the module by its address (`var.x`, `local.x`, `aws_x.y`,
    `data.aws_x.y`, `module.x`, `output.x`, `check.x`, `provider.aws.<alias>`); None when a
    file is `*.tf.json` or a `locals` block is not laid out as `_locals_lines` reads it."""
    found: dict[str, _Block] = {}
    for path in files_of(Path(directory)):
        if path.name.endswith(".tf.json"):
            return None
        data = _parse(path)
        lines = path.read_text().splitlines()

        def add(address: str, body: dict[str, Any], rules: bool, file: str = path.name) -> None:
            span = (body["__start_line__"], body["__end_line__"])
            found[address] = _Block(file, span, json.dumps(body), rules)

        for name, body in _labelled(data.get("variable")):
            add(f"var.{name}", body, True)
        for block in _entries(data.get("locals")):
            spans = _locals_lines(lines, block)
            if spans is None:
                return None
            for name, span in spans.items():
                found[f"local.{name}"] = _Block(path.name, span, json.dumps(block[name]), False)
        for mode, prefix in (("resource", ""), ("data", "data.")):
            for type_, named in _labelled(data.get(mode)):
                for name, body in _labelled(named):
                    conditions_ = any(
                        lifecycle.get("precondition") or lifecycle.get("postcondition")
                        for lifecycle in _entries(body.get("lifecycle"))
                    )
                    add(f"{prefix}{type_}.{name}", body, conditions_)
        for name, body in _labelled(data.get("module")):
            add(f"module.{name}", body, True)  # its own module may hold rules
        for name, body in _labelled(data.get("output")):
            add(f"output.{name}", body, bool(body.get("precondition")))
        for name, body in _labelled(data.get("check")):
            add(f"check.{name}", body, True)
        for name, body in _labelled(data.get("provider")):  # kept: what it reads must stay
            add(f"provider.{name}.{_unquote(body.get('alias')) or ''}", body, True)
    return found


def _references(text: str, resources: set[str], pattern: re.Pattern[str] | None) -> set[str]:
    """The objects an expression (python-hcl2's reading of a body) names; `pattern` matches
    the module's resource addresses (`type.name`)."""
    named = {f"{kind}.{name}" for kind, name in _REFERENCE.findall(text) if kind != "data"}
    named |= {f"data.{type_}.{name}" for type_, name in _DATA.findall(text)}
    if pattern is not None:
        named |= {f"{t}.{n}" for t, n in pattern.findall(text) if f"{t}.{n}" in resources}
    return named


def rules_only(directory: Path) -> dict[str, str] | None:
    """The module as its plan walk decides a refusal: file name -> text holding every object
    that holds a rule (variables, resources and data sources with conditions, outputs with
    preconditions, checks, module calls) and everything those read, directly or through
    others. The resources, data sources, locals and outputs no rule reads are emptied line
    for line, so a rule stands at the file and line it has in the module; so are `moved`,
    `removed` and `import` blocks (they act on state, and a batch plans none). None when the
    module cannot be read so (`_blocks`).

    Planned with the inputs of a scenario refused in the plan walk, this module is refused by
    the same rules with the same messages: every rule is there with all it reads, evaluated
    from the same inputs. What it no longer plans are objects whose only possible failure is
    not a rule (the AWS provider refusing a value), as with `variables_only`."""
    blocks = _blocks(directory)
    if blocks is None:
        return None
    resources = {
        a
        for a in blocks
        if not a.startswith(
            ("var.", "local.", "module.", "output.", "check.", "data.", "provider.")
        )
    }
    types = "|".join(sorted({re.escape(r.split(".")[0]) for r in resources}))
    pattern = re.compile(rf"(?<![\w.])({types})\.({_NAME})") if resources else None
    kept = {address for address, block in blocks.items() if block.rules}
    pending = list(kept)
    while pending:
        for named in _references(blocks[pending.pop()].text, resources, pattern):
            if named in blocks and named not in kept:
                kept.add(named)
                pending.append(named)
    emptied: dict[str, list[tuple[int, int]]] = {}
    for address, block in blocks.items():
        if address not in kept:
            emptied.setdefault(block.file, []).append(block.lines)
    result: dict[str, str] = {}
    for path in files_of(Path(directory)):
        data = _parse(path)
        spans = list(emptied.get(path.name, []))
        for kind in ("moved", "removed", "import"):
            spans += [(b["__start_line__"], b["__end_line__"]) for b in _entries(data.get(kind))]
        if not spans:
            continue
        lines = path.read_text().splitlines()
        for first, last in spans:
            lines[first - 1 : last] = [""] * (last - first + 1)
        result[path.name] = "".join(line + "\n" for line in lines)
    return result


def may_say(error_message: str, message: str) -> bool:
    """Whether a rule whose message is written `error_message` (a template: `${...}` stands
    for anything) can say `message`."""
    parts = re.split(r"[$%]\{[^}]*\}", error_message)
    pattern = ".*".join(re.escape(part.replace('\\"', '"')) for part in parts)
    return re.fullmatch(pattern, message, re.S) is not None


def may_contain(error_message: str, text: str) -> bool:
    """Whether a rule whose message is written `error_message` may say a message containing
    `text` (a `contains` expectation): `text` lies within one literal part of the template,
    or runs from inside one, through the later parts in order (anything between them), to
    inside a later one. A `${...}` could render any text, but renders a value: `text` must
    share at least 4 of its characters (all, when shorter) with the literal parts. A guess
    about how a scenario is planned, never a verdict (`planner.decided_by_variables`)."""
    parts = [p.replace('\\"', '"') for p in re.split(r"[$%]\{[^}]*\}", error_message)]
    if any(text in part for part in parts):
        return True
    for first in range(len(parts)):
        for last in range(first + 1, len(parts)):
            head, tail, middle = parts[first], parts[last], parts[first + 1 : last]
            for lead in range(min(len(head), len(text)) + 1):  # text starts with head's end
                if lead and not head.endswith(text[:lead]):
                    continue
                for trail in range(min(len(tail), len(text) - lead) + 1):
                    if trail and not tail.startswith(text[len(text) - trail :]):
                        continue
                    at, inner = 0, text[lead : len(text) - trail]
                    for part in middle:
                        found = inner.find(part, at)
                        if found < 0:
                            break
                        at = found + len(part)
                    else:
                        if lead + trail + sum(map(len, middle)) >= min(4, len(text)):
                            return True
    return False


def _json_validations(path: Path, data: dict[str, Any]) -> list[Condition]:
    lines = path.read_text().splitlines()
    starts = _key_lines(path, [name for name, _ in _labelled(data.get("variable"))])
    found = []
    for name, body in _labelled(data.get("variable")):
        entries = _entries(body.get("validation"))
        after = starts.get(name, 1)
        line = next(
            (n for n in range(after, len(lines) + 1) if '"validation"' in lines[n - 1]), after
        )
        for index, entry in enumerate(entries, start=1):
            message = str(entry.get("error_message", ""))
            found.append(
                Condition(
                    "validation", f"var.{name}", index, len(entries), path, line, None, message
                )
            )
    return found


def _source_of(lines: list[str], start: int, end: int, attribute: str) -> str | None:
    """An attribute's expression as written between two lines: a quoted string without its
    quotes (escapes kept), a heredoc's body, or any other expression whole."""
    pattern = re.compile(rf"^\s*{re.escape(attribute)}\s*=\s*(?P<rest>.*)$")
    for number in range(start, min(end, len(lines)) + 1):
        match = pattern.match(lines[number - 1])
        if not match:
            continue
        rest = match["rest"].rstrip()
        heredoc = re.match(r"^<<-?(?P<marker>[A-Za-z_]+)$", rest)
        if heredoc:
            body = []
            for line in lines[number:end]:
                if line.strip() == heredoc["marker"]:
                    break
                body.append(line)
            return "\n".join(body)
        text = rest
        following = iter(lines[number:end])
        while _scan(text)[0]:
            try:
                text += "\n" + next(following)
            except StopIteration:
                break
        closed = _scan(text)[1]
        if text.startswith('"') and closed:
            after = text[closed:].strip()
            if not after or after.startswith(("#", "//")):  # one string, maybe a comment
                return text[1 : closed - 1]
        return text
    return None


def _scan(text: str) -> tuple[list[str], int | None]:
    """Read an HCL expression: what it leaves open (brackets, strings, `${` templates), and
    where its first string literal ends (the index after its closing quote), if it does."""
    stack: list[str] = []
    first_end: int | None = None
    index = 0
    while index < len(text):
        char, top = text[index], stack[-1] if stack else ""
        if top == '"':
            if char == "\\":
                index += 1
            elif char == '"':
                stack.pop()
                if not stack and first_end is None:
                    first_end = index + 1
            elif text.startswith(("${", "%{"), index):
                stack.append("{")
                index += 1
        elif char == '"':
            stack.append('"')
        elif char in "([{":
            stack.append(char)
        elif char in ")]}" and stack:
            stack.pop()
        index += 1
    return stack, first_end
