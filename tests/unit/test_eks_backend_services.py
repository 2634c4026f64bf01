import pytest

pytestmark = pytest.mark.unit

COMPONENT = "eks-backend-services"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
ARN = "arn:aws:{service}:us-east-1:123456789012:{rest}"
# modules/ecr-repository: one call for every service's repository (the map is inside it).
ECR = "module.ecr"


def _role(service):
    return f'module.service_role["{service}"]'


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _statements(plan, service):
    doc = plan[f'data.aws_iam_policy_document.service["{service}"]'].json("json")
    return {s["Sid"]: s for s in doc["Statement"]}


def test_each_role_trusts_only_its_service_account(plan_for):
    plan = plan_for(COMPONENT)
    expected = {
        "orders": "system:serviceaccount:shop:orders",
        "catalog": "system:serviceaccount:shop:catalog-api",
    }
    for service, subject in expected.items():
        role = plan[f"{_role(service)}.aws_iam_role.this"]
        assert role["name"] == f"shop-dev-{service}"
        trust = role.json("assume_role_policy")["Statement"]
        assert len(trust) == 1
        assert trust[0]["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert trust[0]["Principal"] == {
            "Federated": f"arn:aws:iam::123456789012:oidc-provider/{ISSUER}"
        }
        assert trust[0]["Condition"] == {
            "StringEquals": {f"{ISSUER}:sub": subject, f"{ISSUER}:aud": "sts.amazonaws.com"}
        }


def test_policy_scoped_to_own_resources_without_wildcards(plan_for):
    plan = plan_for(COMPONENT)
    statements = _statements(plan, "orders")
    queues = [
        ARN.format(service="sqs", rest="shop-dev-orders-events"),
        ARN.format(service="sqs", rest="shop-dev-orders-payments.fifo"),
    ]
    assert sorted(_as_list(statements["OwnQueues"]["Resource"])) == sorted(queues)
    assert sorted(_as_list(statements["OwnDeadLetterQueues"]["Resource"])) == sorted(
        [
            ARN.format(service="sqs", rest="shop-dev-orders-events-dlq"),
            ARN.format(service="sqs", rest="shop-dev-orders-payments-dlq.fifo"),
        ]
    )
    assert statements["PublishOwnTopics"] == {
        "Sid": "PublishOwnTopics",
        "Effect": "Allow",
        "Action": "sns:Publish",
        "Resource": ARN.format(service="sns", rest="shop-dev-orders-order-placed"),
    }
    assert statements["ListOwnBuckets"]["Resource"] == "arn:aws:s3:::shop-dev-orders-exports"
    assert statements["ObjectsInOwnBuckets"]["Resource"] == "arn:aws:s3:::shop-dev-orders-exports/*"
    assert statements["ReadOwnSecrets"]["Resource"] == ARN.format(
        service="secretsmanager", rest="secret:shop/dev/orders/db-??????"
    )
    for sid, statement in statements.items():
        assert statement["Effect"] == "Allow"
        for action in _as_list(statement["Action"]):
            assert "*" not in action, (sid, action)
        for resource in _as_list(statement["Resource"]):
            assert resource != "*" and not resource.endswith(":*"), (sid, resource)
            # The only "*" allowed is the object part of the service's own bucket.
            assert "*" not in resource or resource == "arn:aws:s3:::shop-dev-orders-exports/*"
    plan.assert_attr(
        f'{_role("orders")}.aws_iam_role_policy.this["own-resources"]', "name", "own-resources"
    )


def test_service_without_resources_gets_no_policy(plan_for):
    plan = plan_for(COMPONENT)
    plan.assert_absent(f'{_role("catalog")}.aws_iam_role_policy.this["own-resources"]')
    plan.assert_absent(f'{_role("catalog")}.aws_iam_role_policy.this["component-key"]')
    plan.assert_absent(f'{ECR}.aws_ecr_repository.this["catalog"]')  # create_ecr_repository = false


def test_kms_use_only_via_sqs_and_sns(plan_for):
    plan = plan_for(COMPONENT)
    doc = plan['data.aws_iam_policy_document.service_kms["orders"]']
    statement = doc["statement"][0]
    assert sorted(statement["actions"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert statement["condition"][0]["variable"] == "kms:ViaService"
    assert sorted(statement["condition"][0]["values"]) == [
        "sns.us-east-1.amazonaws.com",
        "sqs.us-east-1.amazonaws.com",
    ]
    key = plan.one("aws_kms_key")
    sns = {s["Sid"]: s for s in key.json("policy")["Statement"]}["ServicesPublishToEncryptedTopics"]
    assert sns["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_queues_have_dead_letter_queues_and_kms(plan_for):
    plan = plan_for(COMPONENT)
    for key, name, fifo, receives in (
        ("orders.events", "shop-dev-orders-events", False, 5),
        ("orders.payments", "shop-dev-orders-payments.fifo", True, 3),
    ):
        queue = plan[f'module.queues.aws_sqs_queue.this["{key}"]']
        dlq = plan[f'module.queues.aws_sqs_queue.dlq["{key}"]']
        assert queue["name"] == name
        assert queue["fifo_queue"] is fifo and dlq["fifo_queue"] is fifo
        assert queue.is_unknown("kms_master_key_id") and dlq.is_unknown("kms_master_key_id")
        assert queue.json("redrive_policy") == {
            "deadLetterTargetArn": ARN.format(service="sqs", rest=dlq["name"]),
            "maxReceiveCount": receives,
        }
        assert dlq["message_retention_seconds"] == 1209600
        assert dlq.json("redrive_allow_policy") == {
            "redrivePermission": "byQueue",
            "sourceQueueArns": [ARN.format(service="sqs", rest=name)],
        }
        assert queue.tags["Service"] == "orders"
    assert (
        plan['module.queues.aws_sqs_queue.this["orders.payments"]']["visibility_timeout_seconds"]
        == 120
    )
    # Every queue (and DLQ) denies non-TLS access.
    policies = plan.of_type("aws_sqs_queue_policy")
    assert len(policies) == 4
    deny = plan['module.queues.data.aws_iam_policy_document.tls["orders.events-dlq"]'].json("json")
    assert deny["Statement"][0]["Effect"] == "Deny"
    assert deny["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Statement"][0]["Resource"] == ARN.format(
        service="sqs", rest="shop-dev-orders-events-dlq"
    )
    # modules/sqs-queue: the queues are encrypted with this component's key.
    assert plan.references("module.queues", "kms_key_arn") == ["module.kms"]


def test_topics_encrypted(plan_for):
    plan = plan_for(COMPONENT)
    topic = plan['module.topic["orders.order-placed"].aws_sns_topic.this']
    assert topic["name"] == "shop-dev-orders-order-placed"
    assert topic.is_unknown("kms_master_key_id")
    # modules/sns-topic: the services publish through IAM; nobody over plain HTTP.
    policy = plan['module.topic["orders.order-placed"].data.aws_iam_policy_document.this'].json(
        "json"
    )
    [deny] = policy["Statement"]
    assert deny["Sid"] == "DenyInsecureTransport" and deny["Effect"] == "Deny"
    assert deny["Resource"] == ARN.format(service="sns", rest="shop-dev-orders-order-placed")


def test_ecr_repository_immutable_scanned_encrypted_with_lifecycle(plan_for):
    plan = plan_for(COMPONENT)
    repo = plan[f'{ECR}.aws_ecr_repository.this["orders"]']
    assert repo["name"] == "shop-dev/orders"
    assert repo["image_tag_mutability"] == "IMMUTABLE"
    assert repo["image_scanning_configuration"] == [{"scan_on_push": True}]
    assert repo["encryption_configuration"][0]["encryption_type"] == "KMS"
    assert repo.is_unknown("encryption_configuration[0].kms_key")
    assert repo["force_delete"] is False
    rules = plan[f'{ECR}.aws_ecr_lifecycle_policy.this["orders"]'].json("policy")["rules"]
    assert [r["selection"]["tagStatus"] for r in rules] == ["untagged", "any"]
    assert rules[0]["selection"]["countNumber"] == 7
    assert rules[1]["selection"] == {
        "tagStatus": "any",
        "countType": "imageCountMoreThan",
        "countNumber": 30,
    }
    plan.assert_tags(
        f'{ECR}.aws_ecr_repository.this["orders"]',
        {"Environment": "dev", "Name": "shop-dev/orders", "Service": "orders"},
    )


def test_ecr_is_one_call_with_the_component_key_and_inputs(plan_for):
    """modules/ecr-repository iterates the services itself: the call has no for_each, so
    moved.tf moves every service's repository with one block."""
    call = plan_for(COMPONENT).module_call("ecr")
    assert call["source"] == "../../../modules/ecr-repository"
    assert "for_each_expression" not in call and "count_expression" not in call
    expressions = call["expressions"]
    assert "module.kms" in expressions["kms_key_arn"]["references"]
    for argument, variable in (
        ("untagged_image_expiry_days", "var.ecr_untagged_image_expiry_days"),
        ("image_retention_count", "var.ecr_image_retention_count"),
        ("force_delete", "var.ecr_force_delete"),
    ):
        assert expressions[argument]["references"] == [variable], argument


def test_no_services_creates_nothing(plan_for):
    plan = plan_for(COMPONENT, "no_services")
    assert plan.managed == []
    assert plan.outputs["kms_key_arn"] is None
