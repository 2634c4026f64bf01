"""CloudWatch Logs filter patterns, evaluated offline so metric filters can be proven on data.

Neither moto nor LocalStack evaluates the filter pattern of a metric filter, yet the pattern is
the whole of the detection. This module evaluates the two pattern forms our components use:

* **space-delimited** patterns over records such as VPC Flow Logs::

      [version, account_id, ..., dstport=22 || dstport=3389, action="REJECT", log_status]

  One slot per field, in record order; ``...`` stands for any number of fields (at most one
  ellipsis). A slot is a field name, optionally followed by a condition that starts with a
  comparison of that field: comparisons (``=``, ``!=``, ``<``, ``>``, ``<=``, ``>=``) of any
  named field with a value, joined by ``&&`` and ``||`` and grouped with parentheses. Without
  an ellipsis a record must have exactly as many fields as the pattern has slots. In records,
  text in double quotes or square brackets is one field.

* **JSON** patterns over JSON events (CloudTrail events delivered by EventBridge)::

      { ($.detail.eventName = "AuthorizeSecurityGroupIngress") && ($.detail.errorCode NOT EXISTS) }

  Selectors are ``$`` followed by ``.key`` and ``[index]`` steps; comparisons as above plus
  ``IS NULL``, ``IS TRUE``, ``IS FALSE`` and ``NOT EXISTS``; ``&&``, ``||``, parentheses.

Values: a double-quoted value is a string; an unquoted value is a number when it reads as
one, a string otherwise. ``*`` in a string value is a wildcard (``10.0.*``, ``4*``). Strings
compare only with ``=`` and ``!=``; ``<``, ``>``, ``<=`` and ``>=`` need a number. A numeric
comparison is false for a field that is not a number (``-`` in a NODATA flow-log record),
``!=`` included, and a comparison on a missing JSON selector is false.

Anything else (term patterns such as ``ERROR ?WARN``, regular expressions ``%...%``, selector
wildcards ``$.a[*]``, the empty pattern that matches every event) raises
``FilterPatternError``: a pattern this module does not understand must fail the test, never
match everything.

    pattern = compile_pattern('[v, a, ..., action="REJECT", status]')
    pattern.matches("2 123456789012 eni-1 ... REJECT OK")
    fields_of(pattern)   # ['v', 'a', 'action', 'status']

Its assertions carry their own messages, the same however the plugin is loaded
(PYTEST_DONT_REWRITE: pytest rewrites the modules of an entry-point plugin's package).
"""

from __future__ import annotations

import json
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfharness.errors import HarnessError

__all__ = [
    "FilterPatternError",
    "JsonPattern",
    "Pattern",
    "SpaceDelimitedPattern",
    "compile_pattern",
    "fields_of",
    "load_records",
    "split_record",
]


class FilterPatternError(HarnessError, ValueError):
    """A filter pattern this evaluator cannot parse or does not support."""


# Lexing ------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<and>&&)
  | (?P<or>\|\|)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<op>!=|<=|>=|=|<|>)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<word>[^\s,()=!<>&|"]+)
    """,
    re.VERBOSE,
)
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SELECTOR_STEP = re.compile(r"\.(?P<key>[A-Za-z0-9_\-]+)|\[(?P<index>\d+)\]")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokenize(text: str, *, where: str) -> list[_Token]:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise FilterPatternError(
                f"{where}: unexpected character {text[position]!r} at {position} in {text!r}"
            )
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(_Token(kind, match.group(), position))
        position = match.end()
    return tokens


# Values and comparisons --------------------------------------------------------------------


@dataclass(frozen=True)
class _Value:
    """A value on the right of a comparison: a number or a (possibly wildcard) string."""

    raw: str
    number: float | None
    string: str | None

    @classmethod
    def parse(cls, token: _Token, *, where: str) -> _Value:
        if token.kind == "string":
            body = re.sub(r"\\(.)", r"\1", token.text[1:-1])
            return cls(token.text, None, body)
        if token.kind == "word":
            if token.text.startswith("%"):
                raise FilterPatternError(
                    f"{where}: {token.text}: regular expressions (%...%) are not supported"
                )
            if _NUMBER.match(token.text):
                return cls(token.text, float(token.text), None)
            return cls(token.text, None, token.text)
        raise FilterPatternError(f"{where}: expected a value, got {token.text!r}")

    @property
    def is_number(self) -> bool:
        return self.number is not None

    def wildcard(self) -> re.Pattern[str]:
        assert self.string is not None
        return re.compile(
            "^" + ".*".join(re.escape(p) for p in self.string.split("*")) + "$", re.DOTALL
        )


_NUMERIC_OPS: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and _NUMBER.match(value):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _compare(actual: Any, op: str, value: _Value, *, text_numbers: bool) -> bool:
    """`actual op value`; `text_numbers` lets a text field compare as a number (records)."""
    if value.is_number:
        if isinstance(actual, str) and not text_numbers:
            return False
        number = _as_number(actual)
        if number is None:
            return False
        return _NUMERIC_OPS[op](number, value.number)  # type: ignore[arg-type]
    if not isinstance(actual, str):
        return False
    matched = bool(value.wildcard().match(actual))
    return matched if op == "=" else not matched


# Boolean expressions -----------------------------------------------------------------------


class _Expr(ABC):
    @abstractmethod
    def evaluate(self, lookup: Callable[[str], Any]) -> bool: ...

    @abstractmethod
    def names(self) -> list[str]: ...


@dataclass(frozen=True)
class _And(_Expr):
    parts: tuple[_Expr, ...]

    def evaluate(self, lookup: Callable[[str], Any]) -> bool:
        return all(p.evaluate(lookup) for p in self.parts)

    def names(self) -> list[str]:
        return [n for p in self.parts for n in p.names()]


@dataclass(frozen=True)
class _Or(_Expr):
    parts: tuple[_Expr, ...]

    def evaluate(self, lookup: Callable[[str], Any]) -> bool:
        return any(p.evaluate(lookup) for p in self.parts)

    def names(self) -> list[str]:
        return [n for p in self.parts for n in p.names()]


_ABSENT = object()


@dataclass(frozen=True)
class _Comparison(_Expr):
    name: str
    op: str
    value: _Value
    text_numbers: bool

    def evaluate(self, lookup: Callable[[str], Any]) -> bool:
        actual = lookup(self.name)
        if actual is _ABSENT:
            return False
        return _compare(actual, self.op, self.value, text_numbers=self.text_numbers)

    def names(self) -> list[str]:
        return [self.name]


@dataclass(frozen=True)
class _Test(_Expr):
    """JSON-only unary tests: IS NULL / IS TRUE / IS FALSE / NOT EXISTS."""

    name: str
    test: str

    def evaluate(self, lookup: Callable[[str], Any]) -> bool:
        actual = lookup(self.name)
        if self.test == "NOT EXISTS":
            return actual is _ABSENT
        if actual is _ABSENT:
            return False
        return {"IS NULL": actual is None, "IS TRUE": actual is True, "IS FALSE": actual is False}[
            self.test
        ]

    def names(self) -> list[str]:
        return [self.name]


class _Parser:
    """Recursive descent over tokens: or := and ('||' and)*; and := atom ('&&' atom)*."""

    def __init__(self, tokens: list[_Token], *, where: str, json_mode: bool) -> None:
        self.tokens = tokens
        self.index = 0
        self.where = where
        self.json_mode = json_mode

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, kind: str | None = None) -> _Token:
        token = self.peek()
        if token is None:
            raise FilterPatternError(f"{self.where}: the pattern ends too early")
        if kind is not None and token.kind != kind:
            raise FilterPatternError(
                f"{self.where}: expected {kind} at {token.position}, got {token.text!r}"
            )
        self.index += 1
        return token

    def parse(self) -> _Expr:
        expr = self.parse_or()
        leftover = self.peek()
        if leftover is not None:
            raise FilterPatternError(
                f"{self.where}: unexpected {leftover.text!r} at {leftover.position}"
            )
        return expr

    def parse_or(self) -> _Expr:
        parts = [self.parse_and()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else _Or(tuple(parts))

    def parse_and(self) -> _Expr:
        parts = [self.parse_atom()]
        while (token := self.peek()) is not None and token.kind == "and":
            self.take()
            parts.append(self.parse_atom())
        return parts[0] if len(parts) == 1 else _And(tuple(parts))

    def parse_atom(self) -> _Expr:
        token = self.take()
        if token.kind == "lparen":
            expr = self.parse_or()
            self.take("rparen")
            return expr
        if token.kind != "word":
            raise FilterPatternError(
                f"{self.where}: expected a field or selector at {token.position}, "
                f"got {token.text!r}"
            )
        name = self._name(token)
        following = self.peek()
        if (
            self.json_mode
            and following is not None
            and following.kind == "word"
            and following.text in ("IS", "NOT")
        ):
            return self._unary(name)
        op = self.take("op").text
        value = _Value.parse(self.take(), where=self.where)
        if not value.is_number and op not in ("=", "!="):
            raise FilterPatternError(
                f"{self.where}: {name} {op} {value.raw}: {op} needs a number; "
                "strings compare only with = and !="
            )
        return _Comparison(name, op, value, text_numbers=not self.json_mode)

    def _unary(self, name: str) -> _Expr:
        first = self.take().text
        second = self.take("word").text
        test = f"{first} {second}"
        if test not in ("IS NULL", "IS TRUE", "IS FALSE", "NOT EXISTS"):
            raise FilterPatternError(
                f"{self.where}: {name} {test}: supported tests are IS NULL, IS TRUE, "
                "IS FALSE and NOT EXISTS"
            )
        return _Test(name, test)

    def _name(self, token: _Token) -> str:
        if self.json_mode:
            _parse_selector(token.text, where=self.where)
            return token.text
        if not _NAME.match(token.text):
            raise FilterPatternError(
                f"{self.where}: {token.text!r} is not a field name (letters, digits and _, "
                "starting with a letter or _)"
            )
        return token.text


def _parse_selector(text: str, *, where: str) -> tuple[str | int, ...]:
    if not text.startswith("$"):
        raise FilterPatternError(f"{where}: a JSON selector starts with $, got {text!r}")
    if "*" in text:
        raise FilterPatternError(
            f"{where}: {text!r}: wildcard selectors are not supported by this evaluator"
        )
    steps: list[str | int] = []
    position = 1
    while position < len(text):
        match = _SELECTOR_STEP.match(text, position)
        if match is None:
            raise FilterPatternError(f"{where}: cannot read the selector {text!r} at {position}")
        steps.append(match["key"] if match["key"] is not None else int(match["index"]))
        position = match.end()
    if not steps:
        raise FilterPatternError(f"{where}: the selector {text!r} selects nothing")
    return tuple(steps)


# Patterns ----------------------------------------------------------------------------------


class Pattern(ABC):
    """A compiled filter pattern."""

    kind: str
    text: str

    @abstractmethod
    def matches(self, record: str) -> bool:
        """Whether CloudWatch Logs would count this log event."""

    def filter(self, records: Iterable[str]) -> list[str]:
        """The records the pattern matches, in order."""
        return [r for r in records if self.matches(r)]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.text!r}>"


_ELLIPSIS = "..."


@dataclass(frozen=True)
class _Slot:
    name: str | None  # None for the ellipsis
    condition: _Expr | None


def split_record(record: str) -> list[str]:
    """Fields of a space-delimited record; "quoted" and [bracketed] text is one field."""
    fields = []
    for match in re.finditer(r'"([^"]*)"|\[([^\]]*)\]|(\S+)', record):
        fields.append(next(g for g in match.groups() if g is not None))
    return fields


class SpaceDelimitedPattern(Pattern):
    kind = "space-delimited"

    def __init__(self, text: str) -> None:
        self.text = text
        body = text.strip()[1:-1]
        slots: list[_Slot] = []
        for number, part in enumerate(_split_top_level(body, where=text), start=1):
            slots.append(self._slot(part.strip(), where=f"{text!r}: slot {number}"))
        ellipses = [i for i, s in enumerate(slots) if s.name is None]
        if len(ellipses) > 1:
            raise FilterPatternError(
                f"{text!r}: more than one ... is ambiguous; this evaluator allows one"
            )
        names = [s.name for s in slots if s.name is not None]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise FilterPatternError(f"{text!r}: field names used twice: {duplicates}")
        for slot in slots:
            for name in slot.condition.names() if slot.condition else []:
                if name not in names:
                    raise FilterPatternError(
                        f"{text!r}: the condition of {slot.name} uses {name}, which is not a "
                        f"field of the pattern ({', '.join(names)})"
                    )
        self.slots = tuple(slots)
        self.ellipsis = ellipses[0] if ellipses else None
        self.fields = names

    @staticmethod
    def _slot(part: str, *, where: str) -> _Slot:
        if not part:
            raise FilterPatternError(f"{where}: empty slot")
        if part == _ELLIPSIS:
            return _Slot(None, None)
        tokens = _tokenize(part, where=where)
        if tokens[0].kind != "word" or not _NAME.match(tokens[0].text):
            raise FilterPatternError(
                f"{where}: a slot starts with its field name, got {tokens[0].text!r}"
            )
        if len(tokens) == 1:
            return _Slot(tokens[0].text, None)
        if tokens[1].kind != "op":
            raise FilterPatternError(
                f"{where}: after the field name {tokens[0].text} expected a comparison, "
                f"got {tokens[1].text!r}"
            )
        return _Slot(tokens[0].text, _Parser(tokens, where=where, json_mode=False).parse())

    def bind(self, record: str) -> dict[str, str] | None:
        """The record's fields by name, or None when the field count does not fit."""
        values = split_record(record)
        if self.ellipsis is None:
            if len(values) != len(self.slots):
                return None
            pairs = zip(self.slots, values, strict=True)
        else:
            head, tail = self.slots[: self.ellipsis], self.slots[self.ellipsis + 1 :]
            if len(values) < len(head) + len(tail):
                return None
            pairs = [
                *zip(head, values[: len(head)], strict=True),
                *zip(tail, values[len(values) - len(tail) :], strict=True),
            ]
        return {slot.name: value for slot, value in pairs if slot.name is not None}

    def matches(self, record: str) -> bool:
        bound = self.bind(record)
        if bound is None:
            return False

        def lookup(name: str) -> Any:
            return bound.get(name, _ABSENT)

        return all(s.condition.evaluate(lookup) for s in self.slots if s.condition)


def _split_top_level(body: str, *, where: str) -> list[str]:
    parts, depth, current, quoted = [], 0, [], False
    escaped = False
    for char in body:
        if quoted:
            current.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            continue
        if char == '"':
            quoted = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise FilterPatternError(f"{where!r}: unbalanced )")
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if quoted:
        raise FilterPatternError(f"{where!r}: unterminated string")
    if depth:
        raise FilterPatternError(f"{where!r}: unbalanced (")
    parts.append("".join(current))
    return parts


class JsonPattern(Pattern):
    kind = "json"

    def __init__(self, text: str) -> None:
        self.text = text
        body = text.strip()[1:-1]
        if not body.strip():
            raise FilterPatternError(f"{text!r}: an empty JSON pattern")
        tokens = _tokenize(body, where=text)
        self.expr = _Parser(tokens, where=repr(text), json_mode=True).parse()
        self.fields = list(dict.fromkeys(self.expr.names()))
        self._selectors = {n: _parse_selector(n, where=text) for n in self.fields}

    def matches(self, record: str) -> bool:
        try:
            document = json.loads(record)
        except (json.JSONDecodeError, TypeError):
            return False

        def lookup(name: str) -> Any:
            value: Any = document
            for step in self._selectors[name]:
                by_index = isinstance(step, int) and isinstance(value, list) and step < len(value)
                by_key = isinstance(step, str) and isinstance(value, dict) and step in value
                if by_index or by_key:
                    value = value[step]
                else:
                    return _ABSENT
            return value

        return self.expr.evaluate(lookup)


def compile_pattern(text: str) -> Pattern:
    """Compile a filter pattern, or raise FilterPatternError saying what is not supported."""
    if not isinstance(text, str):
        raise FilterPatternError(f"a filter pattern is a string, got {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise FilterPatternError(
            "an empty pattern matches every event; refused so a lost pattern cannot pass"
        )
    if stripped.startswith("[") and stripped.endswith("]"):
        return SpaceDelimitedPattern(stripped)
    if stripped.startswith("{") and stripped.endswith("}"):
        return JsonPattern(stripped)
    raise FilterPatternError(
        f"{text!r}: only space-delimited [..] and JSON {{..}} patterns are supported "
        "(term, ?optional, -excluded and %regex% patterns are not)"
    )


def fields_of(pattern: Pattern | str) -> list[str]:
    """Field names (space-delimited) or selectors (JSON) a pattern uses, in order."""
    compiled = compile_pattern(pattern) if isinstance(pattern, str) else pattern
    return list(compiled.fields)  # type: ignore[attr-defined]


def load_records(path: str | Path) -> list[str]:
    """The log events of a fixture file: one per line; blank lines and `#` comments skipped."""
    return [
        line
        for line in Path(path).read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
