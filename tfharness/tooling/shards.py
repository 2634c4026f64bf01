"""Sharding: `--shard I/N` (or ``TFHARNESS_SHARD``) runs the I-th of N parts of the components.

Each component goes to exactly one shard with all its tests and scenarios, so a shard's
scenarios still plan in shared batches. The assignment is longest-processing-time first: the
components by scenario count, largest first (ties by name), each to the shard with the fewest
scenarios so far (ties: the one with fewer components, then the lower number). It depends only
on the names and the counts, never on the order they are given in, the machine or a hash seed,
so every job of a CI matrix computes the same split. Each shard exceeds the lightest by at most
its own smallest component (that one went in while the shard was the lightest), and no shard is
empty while there are at least N components.

The split is over the whole catalog (``catalog_loads``), not over the components a session
happens to test: a component stays in the same shard whatever ``-k`` or ``--changed-since``
selects, so each matrix job keeps planning (and caching) the same components, and its plan
cache restored from an earlier run holds exactly them. Balancing only the components a pull
request affects would even out small runs, but those are small anyway (a shard never plans
more than its share of a full run), and it would move components between jobs from one run to
the next, leaving each job's cache with the wrong entries. Tests of no component in the
catalog (harness self-tests, checks of the CI files) run in shard 1 only.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from dataclasses import dataclass

USAGE = (
    "write I/N with whole numbers 1 <= I <= N: --shard 2/3 (or TFHARNESS_SHARD=2/3) runs the "
    "second of three parts"
)
_SPEC = re.compile(r"\s*([0-9]+)\s*/\s*([0-9]+)\s*")


@dataclass(frozen=True)
class Shard:
    """The `index`-th (1-based) of `total` shards."""

    index: int
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


class ShardSpecError(ValueError):
    """A `--shard` value that is not I/N with 1 <= I <= N."""


def parse(spec: str) -> Shard:
    """`"2/3"` -> Shard(2, 3); anything else raises, saying what to write."""
    match = _SPEC.fullmatch(str(spec))
    if match is None:
        raise ShardSpecError(f"{spec!r} is not I/N: {USAGE}")
    index, total = int(match[1]), int(match[2])
    if total < 1 or not 1 <= index <= total:
        raise ShardSpecError(f"{spec!r}: there is no shard {index} of {total}: {USAGE}")
    return Shard(index, total)


def option(spec: str) -> Shard:
    """`parse` for the `--shard` option: a bad value is pytest's usage error, with the reason."""
    try:
        return parse(spec)
    except ShardSpecError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def assign(loads: Mapping[str, int], total: int) -> list[list[str]]:
    """The components (name -> scenario count) split into `total` shards, each sorted by name.

    Largest first to the least-loaded shard (see the module docstring)."""
    if total < 1:
        raise ShardSpecError(f"cannot split into {total} shards: {USAGE}")
    members: list[list[str]] = [[] for _ in range(total)]
    weight = [0] * total
    for name in sorted(loads, key=lambda n: (-loads[n], n)):
        target = min(range(total), key=lambda i: (weight[i], len(members[i]), i))
        members[target].append(name)
        weight[target] += loads[name]
    return [sorted(names) for names in members]


def components_of(shard: Shard, loads: Mapping[str, int]) -> list[str]:
    """The components of one shard."""
    return assign(loads, shard.total)[shard.index - 1]


def catalog_loads() -> dict[str, int]:
    """Every plannable component and shared module with its number of scenarios (a file that
    cannot be read counts as one: its tests fail in their shard, saying why)."""
    from tfharness.planning.components import all_plannable
    from tfharness.planning.scenarios import scenario_names_or_default

    return {c.name: len(scenario_names_or_default(c.name)) for c in all_plannable()}
