import pytest

pytestmark = pytest.mark.unit

COMPONENT = "idp-platform"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
BUCKET = "idp-dev-techdocs-123456789012"
SECRET_PATTERN = (
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:idp-dev/portal/database-??????"
)
# The shared modules the component is built from (modules/): addresses inside their calls.
KEY = "module.kms.aws_kms_key.this"
TECHDOCS = "module.techdocs_bucket[0]"
ROLE = "module.portal_role[0].aws_iam_role.this"
REPOSITORY = 'module.ecr.aws_ecr_repository.this["portal"]'
LIFECYCLE = 'module.ecr.aws_ecr_lifecycle_policy.this["portal"]'


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_techdocs_bucket_private_encrypted_versioned(plan_for):
    plan = plan_for(COMPONENT)
    plan.assert_attr(f"{TECHDOCS}.aws_s3_bucket.this", "bucket", BUCKET)
    plan.assert_attr(f"{TECHDOCS}.aws_s3_bucket.this", "force_destroy", False)
    plan.assert_attr(
        f"{TECHDOCS}.aws_s3_bucket_ownership_controls.this",
        "rule[0].object_ownership",
        "BucketOwnerEnforced",
    )
    sse = plan[f"{TECHDOCS}.aws_s3_bucket_server_side_encryption_configuration.this"]["rule"][0]
    assert plan[f"{TECHDOCS}.aws_s3_bucket_server_side_encryption_configuration.this"].is_unknown(
        "rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id"
    )
    assert sse["bucket_key_enabled"] is True
    plan.assert_attr(
        f"{TECHDOCS}.aws_s3_bucket_versioning.this", "versioning_configuration[0].status", "Enabled"
    )
    rule = plan[f"{TECHDOCS}.aws_s3_bucket_lifecycle_configuration.this[0]"]["rule"][0]
    assert rule["noncurrent_version_expiration"][0]["noncurrent_days"] == 30
    plan.assert_absent("aws_s3_bucket_logging")


def test_techdocs_bucket_is_tls_only(plan_for):
    plan = plan_for(COMPONENT)
    policy = plan[f"{TECHDOCS}.data.aws_iam_policy_document.this"].json("json")
    statement = policy["Statement"][0]
    assert statement["Principal"] == "*"
    assert sorted(statement["Resource"]) == [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
    # The s3-bucket module's own rules come with it: TLS 1.2 and SSE-KMS uploads only.
    assert [s["Sid"] for s in policy["Statement"]] == [
        "DenyInsecureTransport",
        "DenyOutdatedTLS",
        "DenyNonKmsEncryption",
    ]


def test_kms_key_has_the_longest_deletion_window(plan_for):
    key = plan_for(COMPONENT).one("aws_kms_key")
    assert key["deletion_window_in_days"] == 30


def test_portal_repository_immutable_scanned_encrypted(plan_for):
    plan = plan_for(COMPONENT)
    repo = plan[REPOSITORY]
    assert repo["name"] == "idp-dev/portal"
    assert repo["image_tag_mutability"] == "IMMUTABLE"
    assert repo["image_scanning_configuration"] == [{"scan_on_push": True}]
    assert repo["encryption_configuration"][0]["encryption_type"] == "KMS"
    assert repo.is_unknown("encryption_configuration[0].kms_key")  # the portal key
    assert repo["force_delete"] is False
    plan.assert_tags(REPOSITORY, {"Environment": "dev", "Name": "idp-dev/portal"})
    rules = plan[LIFECYCLE].json("policy")["rules"]
    assert [r["selection"]["tagStatus"] for r in rules] == ["untagged", "any"]
    assert [r["selection"]["countNumber"] for r in rules] == [7, 30]
    plan.assert_attr(LIFECYCLE, "repository", "idp-dev/portal")
    # modules/ecr-repository: an empty map when the repository is off, never count on the call
    # (moved.tf moves aws_ecr_repository.portal[0] to the "portal" key).
    call = plan.module_call("ecr")
    assert call["source"] == "../../../modules/ecr-repository"
    assert "for_each_expression" not in call and "count_expression" not in call
    assert "module.kms" in call["expressions"]["kms_key_arn"]["references"]


def test_database_secret_encrypted_and_value_left_out_of_band(plan_for):
    plan = plan_for(COMPONENT)
    secret = plan["aws_secretsmanager_secret.database[0]"]
    assert secret["name"] == "idp-dev/portal/database"
    assert secret.is_unknown("kms_key_id")
    assert secret["recovery_window_in_days"] == 30
    plan.assert_absent("aws_secretsmanager_secret_version")
    plan.assert_absent("aws_secretsmanager_secret_rotation")
    assert not any("password" in name or "credentials" in name for name in plan.outputs)


def test_portal_role_trust_and_least_privilege(plan_for):
    plan = plan_for(COMPONENT)
    trust = plan[ROLE].json("assume_role_policy")["Statement"]
    assert trust == [
        {
            "Sid": "ServiceAccountsOfThisCluster",
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": f"arn:aws:iam::123456789012:oidc-provider/{ISSUER}"},
            "Condition": {
                "StringEquals": {
                    f"{ISSUER}:sub": "system:serviceaccount:backstage:backstage",
                    f"{ISSUER}:aud": "sts.amazonaws.com",
                }
            },
        }
    ]
    statements = {
        s["Sid"]: s
        for s in plan["data.aws_iam_policy_document.portal[0]"].json("json")["Statement"]
    }
    assert statements["ReadDatabaseSecret"]["Resource"] == SECRET_PATTERN
    assert sorted(statements["ReadDatabaseSecret"]["Action"]) == [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
    ]
    assert statements["ListTechDocsBucket"]["Resource"] == f"arn:aws:s3:::{BUCKET}"
    assert statements["ReadWriteTechDocsObjects"]["Resource"] == f"arn:aws:s3:::{BUCKET}/*"
    assert sorted(statements["ReadWriteTechDocsObjects"]["Action"]) == [
        "s3:DeleteObject",
        "s3:GetObject",
        "s3:PutObject",
    ]
    for statement in statements.values():
        assert "*" not in _as_list(statement["Resource"])
        assert not any("*" in a for a in _as_list(statement["Action"]))
    kms = plan["data.aws_iam_policy_document.portal_kms[0]"]["statement"][0]
    assert kms["condition"][0]["variable"] == "kms:ViaService"
    assert sorted(kms["condition"][0]["values"]) == [
        "s3.us-east-1.amazonaws.com",
        "secretsmanager.us-east-1.amazonaws.com",
    ]


def test_prod_with_credentials_rotation_and_logging(plan_for):
    plan = plan_for(COMPONENT, "prod_with_credentials")
    version = plan["aws_secretsmanager_secret_version.database[0]"]
    # The value is planned but never an output; the rds component's rotation takes over.
    assert "database_secret_arn" in plan.outputs
    assert all("password" not in str(v) for v in plan.outputs.values())
    assert version.raw["change"]["after_sensitive"]["secret_string"] is True
    rotation = plan["aws_secretsmanager_secret_rotation.database[0]"]
    assert (
        rotation["rotation_lambda_arn"]
        == "arn:aws:lambda:us-east-1:123456789012:function:rds-rotation"
    )
    assert rotation["rotation_rules"][0]["automatically_after_days"] == 30
    plan.assert_attr(
        f"{TECHDOCS}.aws_s3_bucket_logging.this[0]", "target_bucket", "idp-prod-access-logs"
    )
    plan.assert_tags(KEY, {"Environment": "prod"})


def test_toggles_off(plan_for):
    plan = plan_for(COMPONENT, "toggles_off")
    for resource_type in (
        "aws_s3_bucket",
        "aws_ecr_repository",
        "aws_secretsmanager_secret",
        "aws_iam_role_policy",
    ):
        plan.assert_absent(resource_type)
    plan.assert_actions(ROLE, "create")
    plan.assert_absent(LIFECYCLE)
    assert plan.outputs["techdocs_bucket_name"] is None
    assert plan.outputs["database_secret_arn"] is None
    assert plan.outputs["ecr_repository_url"] is None
