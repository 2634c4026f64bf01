# ---------------------------------------------------------------------------------------
# Launch templates (seed section 5): one per entry of launch_templates.
# IMDSv2, encrypted block devices, detailed monitoring and tag propagation are not
# per-template choices: they come from the component's inputs.
# ---------------------------------------------------------------------------------------

resource "aws_launch_template" "this" {
  for_each = local.launch_templates

  name                   = "${local.name_prefix}-${each.key}"
  description            = coalesce(each.value.description, "${local.name_prefix} ${each.key}")
  update_default_version = true

  image_id      = each.value.image_id
  instance_type = each.value.instance_type
  key_name      = each.value.key_name
  ebs_optimized = each.value.ebs_optimized

  # With network_interfaces, security groups belong to the interfaces (EC2 refuses both).
  vpc_security_group_ids = length(each.value.network_interfaces) == 0 ? each.value.vpc_security_group_ids : null

  disable_api_termination              = coalesce(each.value.disable_api_termination, var.default_disable_api_termination)
  disable_api_stop                     = each.value.disable_api_stop
  instance_initiated_shutdown_behavior = each.value.instance_initiated_shutdown_behavior

  user_data = (
    each.value.user_data_template != null && fileexists("${path.module}/templates/${coalesce(each.value.user_data_template, "-")}")
    ? base64encode(templatefile(
      "${path.module}/templates/${each.value.user_data_template}",
      merge(local.user_data_defaults, { template = each.key, role = each.key }, each.value.user_data_vars),
    ))
    : null
  )

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = var.enforce_imdsv2 ? "required" : "optional"
    http_put_response_hop_limit = var.imds_hop_limit
    http_protocol_ipv6          = "disabled"
    instance_metadata_tags      = var.enable_instance_metadata_tags ? "enabled" : "disabled"
  }

  monitoring {
    enabled = var.enable_detailed_monitoring
  }

  dynamic "iam_instance_profile" {
    for_each = local.instance_profile_name != null ? [local.instance_profile_name] : []
    content {
      name = iam_instance_profile.value
    }
  }

  dynamic "block_device_mappings" {
    for_each = each.value.block_device_mappings
    content {
      device_name = block_device_mappings.value.device_name
      ebs {
        encrypted             = "true"
        kms_key_id            = block_device_mappings.value.kms_key_id != null ? block_device_mappings.value.kms_key_id : local.ebs_kms_key_arn
        volume_size           = block_device_mappings.value.volume_size
        volume_type           = block_device_mappings.value.volume_type
        iops                  = block_device_mappings.value.iops
        throughput            = block_device_mappings.value.throughput
        snapshot_id           = block_device_mappings.value.snapshot_id
        delete_on_termination = tostring(block_device_mappings.value.delete_on_termination)
      }
    }
  }

  dynamic "network_interfaces" {
    for_each = each.value.network_interfaces
    content {
      device_index                = network_interfaces.value.device_index
      subnet_id                   = network_interfaces.value.subnet_id
      security_groups             = network_interfaces.value.security_groups
      associate_public_ip_address = tostring(network_interfaces.value.associate_public_ip_address)
      delete_on_termination       = tostring(network_interfaces.value.delete_on_termination)
      description                 = network_interfaces.value.description
    }
  }

  dynamic "instance_requirements" {
    for_each = each.value.instance_requirements != null ? [each.value.instance_requirements] : []
    content {
      vcpu_count {
        min = instance_requirements.value.vcpu_min
        max = instance_requirements.value.vcpu_max
      }
      memory_mib {
        min = instance_requirements.value.memory_mib_min
        max = instance_requirements.value.memory_mib_max
      }
      allowed_instance_types                      = instance_requirements.value.allowed_instance_types
      excluded_instance_types                     = instance_requirements.value.excluded_instance_types
      burstable_performance                       = instance_requirements.value.burstable_performance
      cpu_manufacturers                           = instance_requirements.value.cpu_manufacturers
      instance_generations                        = instance_requirements.value.instance_generations
      spot_max_price_percentage_over_lowest_price = instance_requirements.value.spot_max_price_percentage_over_lowest_price
    }
  }

  dynamic "instance_market_options" {
    for_each = each.value.spot != null ? [each.value.spot] : []
    content {
      market_type = "spot"
      spot_options {
        max_price                      = instance_market_options.value.max_price
        instance_interruption_behavior = instance_market_options.value.instance_interruption_behavior
        spot_instance_type             = "one-time"
      }
    }
  }

  dynamic "credit_specification" {
    for_each = each.value.cpu_credits != null ? [each.value.cpu_credits] : []
    content {
      cpu_credits = credit_specification.value
    }
  }

  dynamic "capacity_reservation_specification" {
    for_each = (
      each.value.capacity_reservation_preference != null ||
      each.value.capacity_reservation_id != null ||
      each.value.capacity_reservation_resource_group_arn != null
    ) ? [each.value] : []
    content {
      # A target and a preference are mutually exclusive: a target wins.
      capacity_reservation_preference = (
        capacity_reservation_specification.value.capacity_reservation_id == null &&
        capacity_reservation_specification.value.capacity_reservation_resource_group_arn == null
      ) ? capacity_reservation_specification.value.capacity_reservation_preference : null

      dynamic "capacity_reservation_target" {
        for_each = (
          capacity_reservation_specification.value.capacity_reservation_id != null ||
          capacity_reservation_specification.value.capacity_reservation_resource_group_arn != null
        ) ? [capacity_reservation_specification.value] : []
        content {
          capacity_reservation_id                 = capacity_reservation_target.value.capacity_reservation_id
          capacity_reservation_resource_group_arn = capacity_reservation_target.value.capacity_reservation_resource_group_arn
        }
      }
    }
  }

  dynamic "enclave_options" {
    for_each = each.value.enclave_enabled ? [1] : []
    content {
      enabled = true
    }
  }

  dynamic "hibernation_options" {
    for_each = each.value.hibernation_configured ? [1] : []
    content {
      configured = true
    }
  }

  # Tag propagation: instances, their volumes and network interfaces (and Spot requests).
  dynamic "tag_specifications" {
    for_each = concat(["instance", "volume", "network-interface"], each.value.spot != null ? ["spot-instances-request"] : [])
    content {
      resource_type = tag_specifications.value
      tags          = local.resource_tags[each.key]
    }
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-${each.key}" }, each.value.tags)

  lifecycle {
    precondition {
      condition     = each.value.user_data_template == null || fileexists("${path.module}/templates/${coalesce(each.value.user_data_template, "-")}")
      error_message = "launch_templates[\"${each.key}\"].user_data_template names a file that is not in the component's templates/ directory: add it there or fix the name."
    }
    precondition {
      condition     = !var.enable_instance_metadata_tags || length(local.metadata_tag_key_problems[each.key]) == 0
      error_message = "Tags in instance metadata allow no spaces or \"/\" in tag keys, and launch_templates[\"${each.key}\"] propagates ${jsonencode(local.metadata_tag_key_problems[each.key])}: rename those tags or set enable_instance_metadata_tags = false."
    }
  }
}
