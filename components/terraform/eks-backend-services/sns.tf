# Per-service topics, encrypted with the component's key.

resource "aws_sns_topic" "this" {
  for_each = local.topics

  name              = each.value.name
  kms_master_key_id = aws_kms_key.this[0].arn
  tags              = merge(local.tags, { Name = each.value.name, Service = each.value.service })
}
