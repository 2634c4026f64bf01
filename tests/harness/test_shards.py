"""`--shard I/N` (tfharness.tooling.shards): every N splits the catalog into whole components,
each in exactly one shard, balanced by scenario count, the same way on every machine; bad
values are usage errors that say what to write; pytest sessions of two shards collect disjoint
halves of a selection; the pull-request workflow runs the shards and caches their plans by what
the plan cache key covers."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tfharness.planning import cache
from tfharness.planning.components import all_plannable
from tfharness.planning.scenarios import scenario_names
from tfharness.tooling import REPO_ROOT
from tfharness.tooling.shards import (
    USAGE,
    Shard,
    ShardSpecError,
    assign,
    catalog_loads,
    components_of,
    parse,
)

from .sessions import session_env

pytestmark = pytest.mark.harness

LOADS = catalog_loads()
WORKFLOW = REPO_ROOT / ".github" / "workflows" / "pull-request.yml"


def weights(parts: list[list[str]], loads: dict[str, int]) -> list[int]:
    return [sum(loads[name] for name in part) for part in parts]


def test_the_loads_are_the_catalog_and_its_scenario_counts() -> None:
    assert {c.name: len(scenario_names(c.name)) for c in all_plannable()} == LOADS
    assert len(LOADS) >= 5, "the checks below need at least five components"


@pytest.mark.parametrize("total", [1, 2, 3, 4, 5])
def test_the_shards_partition_the_catalog(total: int) -> None:
    parts = assign(LOADS, total)
    assert len(parts) == total
    placed = Counter(name for part in parts for name in part)
    assert set(placed) == set(LOADS), "every component is in a shard"
    assert [name for name, times in placed.items() if times != 1] == [], "and in only one"
    assert all(parts), f"an empty shard with {len(LOADS)} components: {parts}"
    for index, part in enumerate(parts, 1):
        assert components_of(Shard(index, total), LOADS) == part == sorted(part)


@pytest.mark.parametrize("total", [2, 3, 4, 5])
def test_the_shards_are_balanced_by_scenario_count(total: int) -> None:
    """Largest first to the least-loaded shard guarantees that each shard exceeds the lightest
    by at most its own smallest component (that one went in while it was the lightest): moving
    any component out of the fullest shard could not make it lighter than the emptiest."""
    parts = assign(LOADS, total)
    loads = weights(parts, LOADS)
    assert sum(loads) == sum(LOADS.values())
    for part, load in zip(parts, loads, strict=True):
        assert load - min(loads) <= min(LOADS[name] for name in part), (parts, loads)
    assert max(loads) - min(loads) <= max(LOADS.values())


def test_a_split_by_name_would_fail_the_balance_check() -> None:
    """The check above catches a split that ignores the counts (on a catalog where it must)."""
    loads = {"a": 9, "b": 8, "c": 1, "d": 1}
    by_name = [["a", "b"], ["c", "d"]]
    spread = max(weights(by_name, loads)) - min(weights(by_name, loads))
    assert spread > min(loads["a"], loads["b"])
    assert assign(loads, 2) == [["a", "d"], ["b", "c"]]


def test_largest_first_to_the_least_loaded_on_a_known_case() -> None:
    """Graham's example (three shards, 5 5 4 4 3 3 3): ties go to the shard with fewer
    components, then the lower number."""
    loads = {"a": 5, "b": 5, "c": 4, "d": 4, "e": 3, "f": 3, "g": 3}
    assert assign(loads, 3) == [["a", "e", "g"], ["b", "f"], ["c", "d"]]


def test_components_without_scenarios_still_fill_every_shard() -> None:
    assert assign({"x": 0, "y": 0, "z": 0}, 3) == [["x"], ["y"], ["z"]]
    assert assign({"x": 4}, 3) == [["x"], [], []]


def test_the_assignment_is_stable_and_ignores_the_input_order() -> None:
    for total in range(1, 6):
        expected = assign(LOADS, total)
        assert assign(LOADS, total) == expected
        assert assign(dict(reversed(list(LOADS.items()))), total) == expected
        shuffled = list(LOADS.items())
        random.Random(total).shuffle(shuffled)
        assert assign(dict(shuffled), total) == expected


@pytest.mark.parametrize(("spec", "expected"), [("1/1", Shard(1, 1)), ("2/3", Shard(2, 3))])
def test_good_specs(spec: str, expected: Shard) -> None:
    assert parse(spec) == expected
    assert str(parse(spec)) == spec


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("0/3", "there is no shard 0 of 3"),
        ("4/3", "there is no shard 4 of 3"),
        ("1/0", "there is no shard 1 of 0"),
        ("a/b", "is not I/N"),
        ("3", "is not I/N"),
        ("2/3/4", "is not I/N"),
        ("-1/3", "is not I/N"),
        ("", "is not I/N"),
    ],
)
def test_bad_specs_say_what_to_write(spec: str, reason: str) -> None:
    with pytest.raises(ShardSpecError) as raised:
        parse(spec)
    assert str(raised.value) == f"{spec!r}{':' if 'no shard' in reason else ''} {reason}: {USAGE}"
    assert "--shard 2/3" in USAGE and "TFHARNESS_SHARD" in USAGE


# Sessions ---------------------------------------------------------------------------------
def collect(tmp_path: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=REPO_ROOT,
        env=session_env(tmp_path / "cache", **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(session: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = session.communicate(timeout=300)
    return session.returncode, out, err


PARAMETER = re.compile(r"\[(?P<component>[a-z0-9-]+)\]$")


@pytest.mark.inner_session
def test_two_shards_collect_disjoint_halves_of_a_selection(tmp_path: Path) -> None:
    """`--shard 1/2` and `TFHARNESS_SHARD=2/2` (each with its own hash seed) split the catalog
    tests as `assign` does here: each component's tests whole in one shard, the tests of no
    component in shard 1 only, and together exactly what the unsharded session collects."""
    selection = "tests/unit/test_catalog.py"
    sessions = [  # at once: each pays pytest's start-up
        collect(tmp_path, selection, PYTHONHASHSEED="1"),
        collect(tmp_path, selection, "--shard", "1/2", PYTHONHASHSEED="2"),
        collect(tmp_path, selection, PYTHONHASHSEED="3", TFHARNESS_SHARD="2/2"),
    ]
    results = [finish(session) for session in sessions]
    for code, out, err in results:
        assert code == 0, out + err
    everything, *halves = (
        {line for line in out.splitlines() if "::" in line} for _, out, _ in results
    )

    def components(items: set[str]) -> set[str]:
        found = {m["component"] for m in map(PARAMETER.search, items) if m}
        return found & set(LOADS)

    no_component = {item for item in everything if not components({item})}
    assert no_component, "the selection needs a test of no component"
    assert len(components(everything)) > 2, "and components in both shards"
    for index, (part, items, (_, out, _)) in enumerate(
        zip(assign(LOADS, 2), halves, results[1:], strict=True), 1
    ):
        mine = sorted(components(everything) & set(part))
        assert sorted(components(items)) == mine
        line = (
            f"tfharness: shard {index}/2: {len(mine)} components, "
            f"{sum(LOADS[c] for c in mine)} scenarios: {', '.join(mine)}"
        )
        if index == 1:
            line += f" (and {len(no_component)} tests of no component)"
        assert f"{line}\n" in out, out
    first, second = halves
    assert not first & second
    assert first | second == everything
    assert no_component <= first
    for name in components(everything):  # a component's tests stay together
        holders = [i for i, items in enumerate(halves) if any(f"[{name}]" in t for t in items)]
        assert len(holders) == 1, (name, holders)


@pytest.mark.parametrize(
    ("args", "env", "reason"),
    [
        (["--shard", "4/3"], {}, "'4/3': there is no shard 4 of 3"),
        ([], {"TFHARNESS_SHARD": "a/b"}, "'a/b' is not I/N"),
    ],
)
@pytest.mark.inner_session
def test_a_bad_shard_is_a_usage_error(tmp_path: Path, args, env, reason) -> None:
    code, out, err = finish(collect(tmp_path, "tests/unit/test_catalog.py", *args, **env))
    assert code == pytest.ExitCode.USAGE_ERROR, out + err
    assert f"argument --shard: {reason}: {USAGE}" in err


# The pull-request workflow ----------------------------------------------------------------
def plan_job() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())["jobs"]["plan"]


def test_the_workflow_runs_the_plan_tier_as_a_matrix_of_shards() -> None:
    job = plan_job()
    assert job["strategy"]["fail-fast"] is False
    shards = job["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and len(shards) > 1
    runs = [step for step in job["steps"] if "nox -s plan" in step.get("run", "")]
    assert runs, "the plan job does not run the plan tier"
    for step in runs:
        assert step["env"]["SHARD"] == "${{ matrix.shard }}/${{ strategy.job-total }}"
        junit = step["env"]["JUNIT"]
        assert "${{ matrix.shard }}" in junit
        calls = [line for line in step["run"].splitlines() if "nox -s plan" in line]
        assert calls and all('--shard "$SHARD" --junitxml="$JUNIT"' in c for c in calls), calls
    uploads = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload")]
    assert [s["with"]["name"] for s in uploads] == ["junit-plan-shard-${{ matrix.shard }}"]
    report = junit.replace("junit-", "rule-coverage-").replace(".xml", ".json")
    assert uploads[0]["with"]["path"].splitlines() == [junit, report]


def test_the_workflow_caches_plans_by_what_the_cache_key_covers() -> None:
    """The actions/cache key hashes the files `tfharness.planning.cache` puts in a scenario's
    key (less the modules that only read outcomes): a new harness source the key reads must
    reach the workflow too, or the CI cache would stop saving new entries."""
    job = plan_job()
    (step,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/cache@")]
    assert step["uses"] == "actions/cache@v4"
    assert step["with"]["path"] == "${{ env.TFHARNESS_PLAN_CACHE_DIR }}"
    key = step["with"]["key"]
    (arguments,) = re.findall(r"hashFiles\((.*?)\)", key, re.S)
    patterns = re.findall(r"'([^']+)'", arguments)
    expected = ["components/terraform/**", "modules/**", "tests/scenarios/**", "stacks/**"]
    for source in cache.PLAN_SOURCES:
        path = cache.HARNESS_DIR / source
        expected.append(f"tfharness/{source}/**/*.py" if path.is_dir() else f"tfharness/{source}")
    expected += [f"!tfharness/{reader}" for reader in sorted(cache.OUTCOME_READERS)]
    expected.append("pyproject.toml")  # the moto pin
    assert set(expected) <= set(patterns), sorted(set(expected) - set(patterns))
    for reader in cache.OUTCOME_READERS:  # an exclusion works after what it excludes from
        assert patterns.index(f"!tfharness/{reader}") > patterns.index("tfharness/planning/**/*.py")
    for part in ("runner.os", "env.TERRAFORM_VERSION", "env.AWS_PROVIDER_VERSION", "matrix.shard"):
        assert part in key, part
    prefix = key[: key.index("${{ hashFiles")]
    restore = step["with"]["restore-keys"].splitlines()
    assert restore[0] == prefix, "first fall back to this shard's older caches"
    assert prefix.startswith(restore[-1]), "then to any shard's"
    env = yaml.safe_load(WORKFLOW.read_text())["env"]
    assert env["TFHARNESS_PLAN_CACHE_DIR"].startswith("${{ github.workspace }}/.tfharness/")
    assert ".tfharness/" in (REPO_ROOT / ".gitignore").read_text().split()
