# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps
# its object.
#
# The key and its alias had count: one block each. The roles, their policies and the topics are
# one instance per key of var.services, and Terraform's moved blocks cannot iterate: below are
# the keys the stacks deploy (stacks/catalog/eks-backend-services.yaml: services orders and
# catalog, topic orders.order-placed). A deployment with other services adds the same blocks
# for its keys before upgrading, or Terraform replaces those roles and topics:
#   aws_iam_role.this["<service>"]               -> module.service_role["<service>"].aws_iam_role.this
#   aws_iam_role_policy.service["<service>"]     -> module.service_role["<service>"].aws_iam_role_policy.this["own-resources"]
#   aws_iam_role_policy.service_kms["<service>"] -> module.service_role["<service>"].aws_iam_role_policy.this["component-key"]
#   aws_sns_topic.this["<service>.<topic>"]      -> module.topic["<service>.<topic>"].aws_sns_topic.this

moved {
  from = aws_kms_key.this[0]
  to   = module.kms[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.this[0]
  to   = module.kms[0].aws_kms_alias.this
}

moved {
  from = aws_iam_role.this["orders"]
  to   = module.service_role["orders"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.service["orders"]
  to   = module.service_role["orders"].aws_iam_role_policy.this["own-resources"]
}

moved {
  from = aws_iam_role_policy.service_kms["orders"]
  to   = module.service_role["orders"].aws_iam_role_policy.this["component-key"]
}

moved {
  from = aws_iam_role.this["catalog"]
  to   = module.service_role["catalog"].aws_iam_role.this
}

moved {
  from = aws_sns_topic.this["orders.order-placed"]
  to   = module.topic["orders.order-placed"].aws_sns_topic.this
}

# The image repositories and their lifecycle policies (ecr.tf): modules/ecr-repository iterates
# the services inside the call (module.ecr has no for_each), so one block per resource moves
# every service's instance with its key, whatever the services are called.
moved {
  from = aws_ecr_repository.this
  to   = module.ecr.aws_ecr_repository.this
}

moved {
  from = aws_ecr_lifecycle_policy.this
  to   = module.ecr.aws_ecr_lifecycle_policy.this
}

# The queues, their dead-letter queues and their TLS-only policies (sqs.tf): modules/sqs-queue
# iterates the queues inside the call (module.queues has no for_each) and keeps the keys
# ("<service>.<queue>", "<service>.<queue>-dlq" for the policies), so one block per resource
# moves every service's instances, whatever the services are called.
moved {
  from = aws_sqs_queue.dlq
  to   = module.queues.aws_sqs_queue.dlq
}

moved {
  from = aws_sqs_queue.this
  to   = module.queues.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue_policy.tls
  to   = module.queues.aws_sqs_queue_policy.tls
}
