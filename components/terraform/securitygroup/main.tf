# A security group whose rules are separate resources, one per rule and source, keyed by a
# stable name (rules.tf). Separate rule resources (aws_vpc_security_group_*_rule) have their own
# IDs and tags, can be changed one at a time, and never fight inline rule blocks.

locals {
  security_group_name = coalesce(var.security_group_name, local.name_prefix)
}

resource "aws_security_group" "this" {
  #checkov:skip=CKV2_AWS_5:This component only creates the group; the workloads of other components attach it.
  name                   = local.security_group_name
  description            = coalesce(var.security_group_description, "${local.security_group_name}: managed by the securitygroup component")
  vpc_id                 = var.vpc_id
  revoke_rules_on_delete = true

  tags = merge(local.tags, { Name = local.security_group_name }, var.security_group_tags)

  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = length(local.entries_without_source) == 0
      error_message = "These ingress entries have no source: ${join(", ", local.entries_without_source)}. Give cidr_blocks, ipv6_cidr_blocks or source_security_group_id (the *_from_vpc templates can use vpc_cidr_block instead)."
    }

    precondition {
      condition     = !var.enforce_no_public_ingress || length(local.public_ingress_rules) == 0
      error_message = "Ingress open to the internet is blocked (enforce_no_public_ingress = true): ${join(", ", local.public_ingress_rules)}. Replace 0.0.0.0/0 and ::/0 with narrower CIDRs or a source security group."
    }
  }
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = local.ingress_rules

  security_group_id            = aws_security_group.this.id
  description                  = each.value.description
  ip_protocol                  = each.value.protocol
  from_port                    = each.value.from_port
  to_port                      = each.value.to_port
  cidr_ipv4                    = each.value.kind == "ipv4" ? each.value.source : null
  cidr_ipv6                    = each.value.kind == "ipv6" ? each.value.source : null
  referenced_security_group_id = each.value.kind == "group" ? each.value.source : (each.value.kind == "self" ? aws_security_group.this.id : null)

  tags = merge(local.tags, { Name = each.key }, var.security_group_tags)
}

resource "aws_vpc_security_group_egress_rule" "this" {
  for_each = local.egress_rules

  security_group_id            = aws_security_group.this.id
  description                  = each.value.description
  ip_protocol                  = each.value.protocol
  from_port                    = each.value.from_port
  to_port                      = each.value.to_port
  cidr_ipv4                    = each.value.kind == "ipv4" ? each.value.destination : null
  cidr_ipv6                    = each.value.kind == "ipv6" ? each.value.destination : null
  referenced_security_group_id = each.value.kind == "group" ? each.value.destination : null
  prefix_list_id               = each.value.kind == "prefix_list" ? each.value.destination : null

  tags = merge(local.tags, { Name = each.key }, var.security_group_tags)
}

# Detection without enforcement: the plan warns, and the output lists the rules.
check "public_ingress" {
  assert {
    condition     = length(local.public_ingress_rules) == 0
    error_message = "Ingress open to the internet (0.0.0.0/0 or ::/0): ${join(", ", local.public_ingress_rules)}. Set enforce_no_public_ingress = true to block it."
  }
}
