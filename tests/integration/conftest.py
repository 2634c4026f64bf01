"""The integration tier: components applied to the target, verified, re-planned, destroyed.

Components that need another's resources take them from its outputs, the way Atmos stacks
wire them with `!terraform.output`; the fleet applies the dependency first.
"""

from __future__ import annotations

import pytest

WIRING: dict[str, dict[str, str]] = {
    "rds": {
        "vpc_id": "vpc.vpc_id",
        "subnet_ids": "vpc.private_subnet_ids",
        "rotation_subnet_ids": "vpc.private_subnet_ids",
    },
    "securitygroup": {"vpc_id": "vpc.vpc_id"},
}


@pytest.fixture(scope="session")
def fleet_wiring() -> dict[str, dict[str, str]]:
    return WIRING
