# ---------------------------------------------------------------------------------------
# Instance role and profile: Systems Manager access (Session Manager, Patch Manager)
# instead of SSH keys. Pass instance_profile_name to use an existing profile.
# ---------------------------------------------------------------------------------------

data "aws_iam_policy_document" "instance_assume" {
  count = local.create_instance_profile ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "instance" {
  count = local.create_instance_profile ? 1 : 0

  name               = "${local.name_prefix}-instance"
  assume_role_policy = data.aws_iam_policy_document.instance_assume[0].json
  tags               = merge(local.tags, { Name = "${local.name_prefix}-instance" })
}

resource "aws_iam_role_policy_attachment" "instance" {
  for_each = local.create_instance_profile ? toset(concat(
    ["arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"],
    var.instance_role_policy_arns,
  )) : toset([])

  role       = aws_iam_role.instance[0].name
  policy_arn = each.key
}

resource "aws_iam_instance_profile" "this" {
  count = local.create_instance_profile ? 1 : 0

  name = "${local.name_prefix}-instance"
  role = aws_iam_role.instance[0].name
  tags = merge(local.tags, { Name = "${local.name_prefix}-instance" })
}
