# Per-service image repositories (modules/ecr-repository: immutable tags, scan on push, the
# component key, lifecycle policy). The services are iterated inside the module, so the call has
# no for_each and moved.tf moves every service's repository in one block.

module "ecr" {
  source = "../../../modules/ecr-repository"

  repositories = {
    for svc, name in local.repositories : svc => {
      name = name
      tags = { Name = name, Service = svc }
    }
  }
  # The key exists whenever a service has a repository (local.create_kms_key); with none,
  # there is no key and the module manages nothing.
  kms_key_arn                = one(module.kms[*].key_arn)
  untagged_image_expiry_days = var.ecr_untagged_image_expiry_days
  image_retention_count      = var.ecr_image_retention_count
  force_delete               = var.ecr_force_delete
  tags                       = local.tags
}
