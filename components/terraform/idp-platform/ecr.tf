# Repository for the portal's container image (modules/ecr-repository: immutable tags, scan on
# push, the portal key, lifecycle policy). create_ecr_repository = false passes an empty map,
# not count on the call, so the repository's address is module.ecr.aws_ecr_repository.this["portal"].

module "ecr" {
  source = "../../../modules/ecr-repository"

  repositories = {
    for key, repository in {
      portal = {
        name = local.ecr_repository_name
        tags = { Name = local.ecr_repository_name }
      }
    } : key => repository if var.create_ecr_repository
  }
  kms_key_arn                = module.kms.key_arn
  untagged_image_expiry_days = var.ecr_untagged_image_expiry_days
  image_retention_count      = var.ecr_image_retention_count
  tags                       = local.tags
}
