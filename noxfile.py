"""Sessions: `nox -s unit` for the plan checks, `nox` for everything CI runs.

Default sessions (what `bash .ci/run` runs): lint, unit, harness, rotation, validate,
integration, localstack.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nox

nox.options.sessions = [
    "lint",
    "unit",
    "harness",
    "rotation",
    "validate",
    "integration",
    "localstack",
]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
PYTHON = "3.11"
NO_TESTS_COLLECTED = 5


STAMP = ".tfharness-installed"  # in each environment: what was last installed into it


def install(session: nox.Session, *args: str) -> None:
    """`session.install(*args)`, once per set of requirements: a reused environment whose stamp
    records the same arguments and, for the project itself, the same pyproject.toml is not
    installed into again (the editable install follows code changes by itself). A change to
    pyproject.toml or to the arguments installs again; `nox -N` rebuilds from scratch."""
    wanted = {"args": list(args)}
    if any(a == "." or a.startswith(".[") for a in args):
        wanted["pyproject"] = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = Path(session.virtualenv.location) / STAMP
    try:
        if json.loads(stamp.read_text()) == wanted:
            session.log(f"requirements unchanged since the last install ({stamp.name}): skipped")
            return
    except (OSError, ValueError):
        pass
    stamp.unlink(missing_ok=True)  # an install that fails half-way leaves no stamp
    session.install(*args)
    # run_install, like install, is skipped under --no-install: no stamp without an install.
    session.run_install(
        "python",
        "-c",
        "import pathlib, sys; pathlib.Path(sys.argv[1]).write_text(sys.argv[2])",
        str(stamp),
        json.dumps(wanted),
        silent=True,
    )


def install_harness(session: nox.Session) -> None:
    install(session, "-e", ".[test]")


# Compiled modules are kept between runs, outside the tree, even where PYTHONDONTWRITEBYTECODE
# is set: otherwise every session compiles the harness and the tests again (a second or more).
BYTECODE = {"PYTHONDONTWRITEBYTECODE": None, "PYTHONPYCACHEPREFIX": str(ROOT / ".nox" / "pycache")}


def pytest(session: nox.Session, *args: str, allow_empty: bool = False) -> None:
    """Run pytest; exit code 5 (nothing collected) passes only where `allow_empty`."""
    codes = [0, NO_TESTS_COLLECTED] if allow_empty else [0]
    session.run("pytest", *args, *session.posargs, success_codes=codes, env=BYTECODE)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff on the Python code, terraform fmt on every component and shared module."""
    install(session, "ruff==0.17.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run(
        "terraform", "fmt", "-check", "-recursive", "components", "modules", "tests", external=True
    )


@nox.session(python=PYTHON)
def unit(session: nox.Session) -> None:
    """Plan every component's scenarios and assert on them; harness self-tests (those that run
    Terraform or a pytest session of their own every time are `nox -s harness`)."""
    install_harness(session)
    pytest(
        session,
        "-m",
        "(unit or harness) and not (runs_terraform or inner_session)",
        "tests/unit",
        "tests/harness",
        "--junitxml=build/junit-unit.xml",
    )


@nox.session(python=PYTHON)
def harness(session: nox.Session) -> None:
    """The harness self-tests that run Terraform (marker `runs_terraform`: batching, shared
    init, interrupts, the runner, a user repository) or a pytest session of their own
    (`inner_session`: collection, the summary, the secret scan, --update-inventory) every time."""
    install_harness(session)
    pytest(
        session,
        "-m",
        "runs_terraform or inner_session",
        "tests/harness",
        "--junitxml=build/junit-harness.xml",
    )


@nox.session(python=PYTHON)
def rotation(session: nox.Session) -> None:
    """Drive the RDS rotation function against real PostgreSQL and MariaDB servers."""
    install_harness(session)
    pytest(
        session,
        "-m",
        "rotation",
        "tests/rotation",
        "--junitxml=build/junit-rotation.xml",
        allow_empty=True,
    )


@nox.session(python=PYTHON)
def integration(session: nox.Session) -> None:
    """Apply components to the embedded emulator, verify, destroy. A report in
    build/junit-integration.xml, like every tier (another --junitxml after `--` wins)."""
    install_harness(session)
    pytest(
        session,
        "-m",
        "integration",
        "tests/integration",
        "--junitxml=build/junit-integration.xml",
        allow_empty=True,
    )


CHECKOV = "checkov==3.3.30"


@nox.session(python=PYTHON)
def localstack(session: nox.Session) -> None:
    """The integration tier against an embedded LocalStack (host mode, its own Python 3.13
    environment, built once); skipped with the reason where it cannot run."""
    install_harness(session)
    pytest(
        session,
        "-m",
        # The upgrade proof (moved blocks) is the same on any target: moto's run has it.
        "integration and not upgrade",
        "tests/integration",
        "--target",
        "localstack",
        "--junitxml=build/junit-localstack.xml",
        allow_empty=True,
    )


@nox.session(python=PYTHON)
def validate(session: nox.Session) -> None:
    """scripts/validate-terraform.sh: fmt, validate, checkov (own environment), tflint."""
    install(session, "-e", ".")
    # checkov pins its own boto3 (and much else): it gets an environment of its own, built
    # once beside this session's, never mixed with the harness's pins.
    checkov_env = Path(session.virtualenv.location).parent / CHECKOV.replace("==", "-")
    checkov = checkov_env / "bin" / "checkov"
    if not checkov.is_file():
        session.run("python", "-m", "venv", str(checkov_env))
        session.run(
            str(checkov_env / "bin" / "pip"),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            CHECKOV,
            external=True,
        )
    session.run(
        "bash",
        "scripts/validate-terraform.sh",
        external=True,
        env={"CHECKOV": str(checkov), "PYTHON": str(Path(session.bin) / "python")},
    )


@nox.session(python=PYTHON, default=False)
def standardize(session: nox.Session) -> None:
    """Rewrite every component's provider.tf and context.tf from tfharness/standard.py."""
    install_harness(session)
    session.run("python", "-m", "tfharness.tooling.standard", "--write")


@nox.session(python=PYTHON, default=False)
def build(session: nox.Session) -> None:
    """Build every component's Lambda package into components/terraform/<name>/build/."""
    for script in sorted(ROOT.glob("components/terraform/*/lambda/build.py")):
        session.run("python", str(script), env={"PYTHONDONTWRITEBYTECODE": "1"})


@nox.session(python=PYTHON, default=False)
def tests(session: nox.Session) -> None:
    """Any pytest selection: nox -s tests -- tests/unit/test_vpc.py -k flow."""
    install_harness(session)
    session.run("pytest", *session.posargs, env=BYTECODE)


@nox.session(python=PYTHON, default=False)
def sweep(session: nox.Session) -> None:
    """Destroy what interrupted integration runs left (nox -s sweep), one kept run
    (-- --run <run-id>) or every run (-- --all)."""
    install_harness(session)
    session.run("python", "-m", "tfharness.deploying.sweep", *session.posargs)


@nox.session(python=PYTHON, default=False)
def plan(session: nox.Session) -> None:
    """The plan tier alone, e.g. for affected components: nox -s plan -- --changed-since main."""
    install_harness(session)
    pytest(session, "-m", "unit", "tests/unit", "--junitxml=build/junit-plan.xml", allow_empty=True)


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Plan the same scenarios the naive way, with `terraform test` and the harness way; print
    all three and both ratios."""
    install_harness(session)
    session.run("python", "-m", "tfharness.tooling.bench", *session.posargs)
