# Per-service topics, encrypted with the component's key (modules/sns-topic: its policy refuses
# publishing over plain HTTP; the services publish through their roles' IAM policies).

module "topic" {
  source   = "../../../modules/sns-topic"
  for_each = local.topics

  name        = each.value.name
  kms_key_arn = module.kms[0].key_arn
  tags        = merge(local.tags, { Name = each.value.name, Service = each.value.service })
}
