"""ecr-repository: every repository of the map has immutable tags, scan on push, the caller's
customer-managed key and the lifecycle policy; the map is iterated inside the module (its
resources carry the caller's keys); an empty map manages nothing; the names, the key and the
lifecycle numbers are refused with their messages (tests/scenarios/ecr-repository.yaml)."""

import pytest

pytestmark = pytest.mark.unit

KEY = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"


def _repository(key):
    return f'aws_ecr_repository.this["{key}"]'


def _lifecycle(key):
    return f'aws_ecr_lifecycle_policy.this["{key}"]'


def test_every_repository_is_immutable_scanned_and_kms_encrypted(plan_for):
    plan = plan_for("ecr-repository")
    for key, name in (("orders", "shop-dev/orders"), ("catalog", "shop-dev/catalog")):
        repo = plan[_repository(key)]
        assert repo["name"] == name
        assert repo["image_tag_mutability"] == "IMMUTABLE"
        assert repo["image_scanning_configuration"] == [{"scan_on_push": True}]
        assert repo["encryption_configuration"] == [{"encryption_type": "KMS", "kms_key": KEY}]
        assert repo["force_delete"] is False
        # The call's tags, then the repository's own.
        plan.assert_tags(_repository(key), {"Environment": "dev", "Name": name, "Service": key})


def test_lifecycle_expires_untagged_images_and_keeps_the_newest(plan_for):
    plan = plan_for("ecr-repository")
    for key, name in (("orders", "shop-dev/orders"), ("catalog", "shop-dev/catalog")):
        plan.assert_attr(_lifecycle(key), "repository", name)
        rules = plan[_lifecycle(key)].json("policy")["rules"]
        assert [r["rulePriority"] for r in rules] == [1, 2]
        assert rules[0]["selection"] == {
            "tagStatus": "untagged",
            "countType": "sinceImagePushed",
            "countUnit": "days",
            "countNumber": 7,
        }
        # ECR evaluates the tagStatus "any" rule last: it must have the highest priority.
        assert rules[1]["selection"] == {
            "tagStatus": "any",
            "countType": "imageCountMoreThan",
            "countNumber": 30,
        }
        assert [r["action"] for r in rules] == [{"type": "expire"}, {"type": "expire"}]


def test_one_instance_per_key_and_nothing_else(plan_for):
    plan = plan_for("ecr-repository")
    assert sorted(r.address for r in plan.managed) == sorted(
        [_repository("catalog"), _repository("orders"), _lifecycle("catalog"), _lifecycle("orders")]
    )


def test_for_each_is_inside_the_module_and_outputs_are_by_key(plan_for):
    config = plan_for("ecr-repository").raw["configuration"]["root_module"]
    for output in ("arns", "names", "repository_urls"):
        assert output in config["outputs"], output
    # for_each is on the resources, never needed on the call (moved blocks cannot iterate).
    resources = {r["address"]: r for r in config["resources"]}
    for address in ("aws_ecr_repository.this", "aws_ecr_lifecycle_policy.this"):
        assert resources[address]["for_each_expression"]["references"] == ["var.repositories"]


def test_custom_lifecycle_and_force_delete(plan_for):
    plan = plan_for("ecr-repository", "custom_lifecycle")
    plan.assert_attr(_repository("portal"), "force_delete", True)
    plan.assert_tags(_repository("portal"), {"Environment": "dev", "Name": "idp-dev/portal"})
    rules = plan[_lifecycle("portal")].json("policy")["rules"]
    assert rules[0]["selection"]["countNumber"] == 1
    assert rules[1]["selection"]["countNumber"] == 5
    assert rules[1]["description"] == "Keep the last 5 images"


def test_empty_map_manages_nothing_without_a_key(plan_for):
    plan = plan_for("ecr-repository", "no_repositories")
    assert plan.managed == []
    assert plan.outputs["repository_urls"] == {}
