# ---------------------------------------------------------------------------------------
# Managed node group on a launch template: IMDSv2 only, encrypted gp3 root volume.
# ---------------------------------------------------------------------------------------
resource "aws_launch_template" "nodes" {
  count = local.create_node_group ? 1 : 0

  #checkov:skip=CKV_AWS_341:Hop limit 2 is deliberate: pods on the pod network are one hop further than the node and need IMDSv2 (aws-node, SDK credential chain); node_metadata_hop_limit = 1 blocks them.
  name                   = "${local.cluster_name}-nodes"
  description            = "Managed nodes of ${local.cluster_name}: IMDSv2 only, encrypted volumes."
  update_default_version = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = var.node_metadata_hop_limit
    instance_metadata_tags      = "disabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = var.node_disk_size
      volume_type           = "gp3"
      encrypted             = true
      kms_key_id            = local.node_volume_kms_key
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "${local.cluster_name}-node" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(local.tags, { Name = "${local.cluster_name}-node" })
  }

  tags = merge(local.tags, { Name = "${local.cluster_name}-nodes" })
}

resource "aws_eks_node_group" "default" {
  count = local.create_node_group ? 1 : 0

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${local.cluster_name}-default"
  node_role_arn   = module.node_role[0].arn
  subnet_ids      = local.node_subnet_ids
  version         = var.kubernetes_version
  ami_type        = var.node_ami_type
  capacity_type   = var.node_capacity_type
  instance_types  = var.node_instance_types
  labels          = var.node_labels

  launch_template {
    id      = aws_launch_template.nodes[0].id
    version = aws_launch_template.nodes[0].latest_version
  }

  scaling_config {
    min_size     = var.node_scaling.min_size
    max_size     = var.node_scaling.max_size
    desired_size = var.node_scaling.desired_size
  }

  update_config {
    max_unavailable = 1
  }

  tags = merge(local.tags, { Name = "${local.cluster_name}-default" })

  lifecycle {
    # A cluster autoscaler owns the running size after creation.
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [module.node_role]
}
