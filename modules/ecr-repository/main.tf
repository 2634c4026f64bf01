# Container image repositories, hardened the same way wherever a component keeps images: tags
# are immutable, every push is scanned, images are encrypted with the caller's customer-managed
# key, and a lifecycle policy expires untagged images and keeps the newest ones.
#
# One call manages a map of repositories: for_each is on the resources here, never on the call.
# A repository that is replaced loses its images, and moved blocks cannot iterate; with the map
# inside the module, one `moved { from = aws_ecr_repository.this, to = module.<call>.aws_ecr_repository.this }`
# moves every instance of a component's for_each resource, whatever its keys.

locals {
  # The same rules for every repository of the call. ECR requires the tagStatus "any" rule to
  # have the highest rulePriority (it is evaluated last).
  lifecycle_policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after ${var.untagged_image_expiry_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_image_expiry_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the last ${var.image_retention_count} images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.image_retention_count
        }
        action = { type = "expire" }
      },
    ]
  })
}

resource "aws_ecr_repository" "this" {
  for_each = var.repositories

  name                 = each.value.name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = merge(var.tags, each.value.tags)
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = var.repositories

  repository = aws_ecr_repository.this[each.key].name
  policy     = local.lifecycle_policy
}
