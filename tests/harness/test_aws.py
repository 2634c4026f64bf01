"""The read-back helpers the integration tests share: re-plan changes and known misreads."""

from __future__ import annotations

import pytest

from tfharness.checks.aws import backup_tags_misread, changes, differing, drift
from tfharness.terraform.plan import Plan

pytestmark = pytest.mark.harness

ARN = "arn:aws:backup:us-east-1:123456789012:backup-vault:v"


def replan(*resources: tuple[str, str, dict, dict]) -> Plan:
    """A re-plan of (address, action, before, after) managed resource changes."""
    return Plan(
        {
            "resource_changes": [
                {
                    "address": address,
                    "mode": "managed",
                    "type": address.split(".")[0],
                    "name": address.split(".")[1],
                    "change": {"actions": [action], "before": before, "after": after},
                }
                for address, action, before, after in resources
            ]
        }
    )


class Backup:
    def __init__(self, tags: dict[str, str]) -> None:
        self.tags = tags

    def list_tags(self, ResourceArn: str) -> dict:
        assert ResourceArn == ARN
        return {"Tags": self.tags}


def test_changes_leave_out_no_ops_and_differing_names_the_attributes() -> None:
    plan = replan(
        (
            "aws_backup_vault.v",
            "update",
            {"arn": ARN, "tags_all": {}},
            {"arn": ARN, "tags_all": {"a": "1"}},
        ),
        ("aws_sns_topic.t", "no-op", {"name": "t"}, {"name": "t"}),
    )
    [change] = changes(plan)
    assert change.address == "aws_backup_vault.v"
    assert differing(change) == {"tags_all"}
    assert drift(plan) == "aws_backup_vault.v (update): tags_all: {} -> {'a': '1'}"


def test_backup_tags_misread_only_when_tags_are_the_whole_difference_and_held() -> None:
    tags = {"Environment": "dev"}
    before = {"arn": ARN, "tags": None, "tags_all": {}, "name": "v"}
    misread = replan(
        ("aws_backup_vault.v", "update", before, {**before, "tags": tags, "tags_all": tags})
    )
    [change] = changes(misread)
    assert backup_tags_misread(change, Backup(tags))
    assert not backup_tags_misread(change, Backup({})), "the target must hold the tags"
    renamed = replan(
        (
            "aws_backup_vault.v",
            "update",
            before,
            {**before, "tags": tags, "tags_all": tags, "name": "w"},
        )
    )
    assert not backup_tags_misread(changes(renamed)[0], Backup(tags)), "another change is real"
