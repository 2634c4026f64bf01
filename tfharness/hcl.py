"""Just enough reading of a component's HCL for the harness: declared variables, outputs and
provider blocks. Components are ours and `terraform fmt` clean, so block-level scanning with
brace matching (strings and comments skipped) is exact for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_BLOCK_START = re.compile(
    r'^(?P<kind>variable|output|provider)\s+"(?P<name>[^"]+)"\s*\{', re.MULTILINE
)


@dataclass(frozen=True)
class Block:
    kind: str
    name: str
    file: Path
    start: int  # offset of the block's first character
    end: int  # offset just past its closing brace
    body: str


def _matching_brace(text: str, open_at: int) -> int:
    depth, i, n = 0, open_at, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "#" or text.startswith("//", i):
            i = text.find("\n", i)
            if i < 0:
                return n
        elif text.startswith("/*", i):
            i = text.find("*/", i) + 1
        elif text.startswith("<<", i):
            match = re.match(r"<<-?(\w+)\n", text[i:])
            if match:
                close = re.compile(rf"^\s*{match[1]}\s*$", re.MULTILINE)
                found = close.search(text, i + match.end())
                i = found.end() if found else n
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced braces")


def blocks(directory: Path, kind: str) -> list[Block]:
    """Top-level blocks of one kind in the `*.tf` files of a directory."""
    found = []
    for path in sorted(directory.glob("*.tf")):
        text = path.read_text()
        for match in _BLOCK_START.finditer(text):
            if match["kind"] != kind:
                continue
            end = _matching_brace(text, match.end() - 1)
            found.append(
                Block(kind, match["name"], path, match.start(), end, text[match.end() : end - 1])
            )
    return found


def declared_variables(directory: Path) -> set[str]:
    return {b.name for b in blocks(directory, "variable")}


def outputs(directory: Path) -> dict[str, bool]:
    """Output names, each with whether it is declared sensitive."""
    return {
        b.name: bool(re.search(r"^\s*sensitive\s*=\s*true\s*$", b.body, re.MULTILINE))
        for b in blocks(directory, "output")
    }


def provider_blocks(directory: Path) -> list[Block]:
    return blocks(directory, "provider")


def attributes(body: str) -> dict[str, str]:
    """Top-level `name = value` lines of a block body (values as written)."""
    return dict(re.findall(r"^\s*(\w+)\s*=\s*(.+?)\s*$", body, re.MULTILINE))
