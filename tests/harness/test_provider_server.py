"""Provider servers: batches attach to one AWS provider process a region instead of starting
their own each run, plan exactly what they would otherwise, and leave no process behind."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tfharness.planning.batch import Member, attach_region
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import Scenario, load_scenarios
from tfharness.terraform.provider_server import (
    AWS_PROVIDER_ADDRESS,
    REATTACH,
    ProviderServer,
    ProviderServers,
    _reattach_value,
    attachable,
    provider_binary,
)

pytestmark = pytest.mark.harness


def _debug_providers() -> list[int]:
    """Pids of this process's children that are AWS providers serving in debug mode (what a
    server is)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            status = (entry / "status").read_text()
        except OSError:
            continue
        parent = next(
            (line.split()[1] for line in status.splitlines() if line.startswith("PPid:")), ""
        )
        if (
            parent == str(os.getpid())
            and len(argv) > 1
            and b"terraform-provider-aws" in argv[0]
            and argv[1] == b"-debug"
        ):
            found.append(int(entry.name))
    return found


def test_servers_attach_only_to_plain_http_endpoints() -> None:
    assert attachable({"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"})
    assert attachable(
        {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_S3": "http://[::1]:1"}
    )
    # TLS needs the CA bundle, which the SDK refuses to take twice in one process.
    assert not attachable({"AWS_ENDPOINT_URL": "https://localhost.localstack.cloud:4566"})
    assert not attachable(
        {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_STS": "https://sts"}
    )
    assert not attachable({})  # real AWS
    assert not attachable({"AWS_ENDPOINT_URL": ""})


def test_the_reattach_line_is_read_and_checked() -> None:
    value = (
        '{"registry.terraform.io/hashicorp/aws":{"Protocol":"grpc","ProtocolVersion":5,'
        '"Pid":1,"Test":true,"Addr":{"Network":"unix","String":"/tmp/plugin1"}}}'
    )
    assert _reattach_value(f"\t{REATTACH}='{value}'\n") == value
    assert _reattach_value("Provider started. To attach Terraform CLI, set ...") is None
    assert _reattach_value(f"{REATTACH}='{{\"registry.terraform.io/x/y\": {{}}}}'") is None
    assert _reattach_value(f"{REATTACH}='not json'") is None


def test_one_region_a_batch_and_only_the_provider_standard() -> None:
    def member(region: str | None, aliases: dict[str, str] | None = None, standard=True):
        scenario = Scenario("c", f"s{region}", {} if region is None else {"region": region})
        return Member("k", scenario, None, aliases or {}, {}, standard=standard)  # type: ignore[arg-type]

    assert attach_region([member("eu-west-1"), member("eu-west-1")]) == "eu-west-1"
    assert attach_region([member(None), member("us-east-1")]) == "us-east-1"  # the default
    assert attach_region([member("us-east-1", {"g": "us-east-1"})]) == "us-east-1"
    # One process holds one configuration: two regions cannot share it.
    assert attach_region([member("eu-west-1"), member("us-east-1")]) is None
    assert attach_region([member("eu-west-1", {"us_east_1": "us-east-1"})]) is None
    # A module that configures its own providers gets them from Terraform, not a server.
    assert attach_region([member("us-east-1"), member("us-east-1", standard=False)]) is None
    assert attach_region([]) is None


def test_a_provider_that_does_not_come_up_is_not_handed_out(tmp_path: Path) -> None:
    fake = tmp_path / "terraform-provider-aws_v5.0.0_x5"
    fake.write_text("#!/bin/sh\necho 'not a provider'\nexit 3\n")
    fake.chmod(0o755)
    servers = ProviderServers(lambda: fake, {"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}, tmp_path)
    with servers.lease("us-east-1") as attach:
        assert attach == {}  # Terraform starts its own provider, as without servers
    assert len(servers.failures) == 1 and f"printed no {REATTACH} line" in servers.failures[0]
    assert "not a provider" in (tmp_path / "aws-us-east-1-1.log").read_text()
    servers.close()

    missing = ProviderServers(lambda: None, {"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}, tmp_path)
    with missing.lease("us-east-1") as attach:
        assert attach == {}
    assert missing.failures == ["no installed AWS provider to serve"] and not missing.enabled


@pytest.mark.runs_terraform
def test_a_server_is_leased_to_one_command_at_a_time_and_stopped_at_close(
    planned_tiny: Planner, tmp_path: Path
) -> None:
    binary = provider_binary(planned_tiny._providers.dir / "providers")
    assert binary is not None and binary.name.startswith("terraform-provider-aws_v")
    env = {**os.environ, "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_CA_BUNDLE": "/x.pem"}
    servers = ProviderServers(lambda: binary, env, tmp_path)
    with servers.lease("us-east-1") as first:
        reattach = json.loads(first[REATTACH])[AWS_PROVIDER_ADDRESS]
        assert reattach["Protocol"] == "grpc" and reattach["Pid"] in _debug_providers()
        with servers.lease("us-east-1") as busy, servers.lease("eu-west-1") as other:
            pids = {json.loads(a[REATTACH])[AWS_PROVIDER_ADDRESS]["Pid"] for a in (busy, other)}
            assert reattach["Pid"] not in pids and len(pids) == 2  # each its own process
    with servers.lease("us-east-1") as again:  # a free one is reused, not started anew
        assert json.loads(again[REATTACH])[AWS_PROVIDER_ADDRESS]["Pid"] in {
            reattach["Pid"],
            *pids,
        }
    assert servers.started == 3
    # The bundle is kept from the server (the SDK would refuse a second configuration).
    server = ProviderServer(binary, env, tmp_path / "x.log")
    assert "AWS_CA_BUNDLE" not in server.env and REATTACH not in server.env
    servers.close()
    assert not {reattach["Pid"], *pids} & set(_debug_providers())
    with servers.lease("us-east-1") as closed:
        assert closed == {}


@pytest.mark.runs_terraform
def test_planned_batches_attached_to_servers_that_are_gone_after(planned_tiny: Planner) -> None:
    # test_batch's batched-equals-standalone test compares these outcomes with standalone plans.
    assert planned_tiny.timings.by_phase().get("attach"), planned_tiny.timings.report()
    logs = sorted((planned_tiny.root / "provider-servers").glob("aws-us-east-1-*.log"))
    assert logs and all("Provider started" in log.read_text() for log in logs)
    assert planned_tiny._servers is None
    assert not _debug_providers()


def test_a_phase_fills_its_batches_with_one_region_and_gives_the_rest_to_the_last(
    tiny_planner: Planner, fixture_catalog
) -> None:
    tiny_planner.template("tiny").ensure_ready()  # as the planner's templates are by then
    base = next(s for s in load_scenarios("tiny") if s.name == "default")
    common = [Scenario("tiny", f"u{i:02d}", {**base.vars, "name": f"u{i}"}) for i in range(30)]
    rest = [
        Scenario("tiny", f"e{i}", {**base.vars, "region": "eu-west-1", "name": f"e{i}"})
        for i in range(3)
    ]
    pending = [(s, s.id) for s in common + rest]
    groups = tiny_planner._groups(pending)
    assert sorted(s.id for g in groups for s, _ in g) == sorted(s.id for s, _ in pending)
    assert len(groups) == 2 and abs(len(groups[0]) - len(groups[1])) <= 1
    regions = [{s.vars["region"] for s, _ in g} for g in groups]
    # One batch a server can serve; the other holds every eu-west-1 scenario as well.
    assert sorted(map(sorted, regions)) == [["eu-west-1", "us-east-1"], ["us-east-1"]]
    # Too few for two batches: one, served or not by what its members share.
    assert len(tiny_planner._groups(pending[:5])) == 1
