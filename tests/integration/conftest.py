"""The integration tier: components applied to the target, verified, re-planned, destroyed.

Components that need another's resources take them from its outputs, the way Atmos stacks
wire them with `!terraform.output`; the fleet applies the dependency first.
"""

from __future__ import annotations

import pytest

WIRING: dict[str, dict[str, str]] = {
    # eks: the control plane's network interfaces in the vpc component's private subnets.
    "eks": {"subnet_ids": "vpc.private_subnet_ids"},
    # eks-addons: the add-ons on the eks component's cluster, IRSA through its OIDC provider.
    "eks-addons": {
        "cluster_name": "eks.cluster_name",
        "oidc_provider_arn": "eks.oidc_provider_arn",
        "oidc_provider_url": "eks.cluster_oidc_issuer_url",
    },
    "rds": {
        "vpc_id": "vpc.vpc_id",
        "subnet_ids": "vpc.private_subnet_ids",
        "rotation_subnet_ids": "vpc.private_subnet_ids",
        # Clients: the private subnets (the default scenario's client group is a placeholder).
        "allowed_cidr_blocks": "vpc.private_subnet_cidr_blocks",
    },
    "securitygroup": {"vpc_id": "vpc.vpc_id", "vpc_cidr_block": "vpc.vpc_cidr_block"},
}


@pytest.fixture(scope="session")
def fleet_wiring() -> dict[str, dict[str, str]]:
    return WIRING
