"""Root conftest. The harness's pytest plugin loads from its `pytest11` entry point when the
package is installed (`pip install -e .[test]`, as every nox session does); this only loads it
when the tests run from a checkout that is on the path but not installed."""

from importlib.metadata import entry_points

if not any(ep.name == "tfharness" for ep in entry_points(group="pytest11")):
    pytest_plugins = ["tfharness.plugin"]
