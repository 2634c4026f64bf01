"""Root conftest: the harness's pytest plugin provides every fixture the tests use."""

pytest_plugins = ["tfharness.pytest_plugin"]
