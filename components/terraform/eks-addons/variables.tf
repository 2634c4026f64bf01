# ---------------------------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------------------------

variable "cluster_name" {
  type        = string
  description = "Name of the EKS cluster the add-ons are installed into (output of the eks component)."

  validation {
    condition     = can(regex("^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must be an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter or digit."
  }
}

variable "oidc_provider_arn" {
  type        = string
  description = "ARN of the cluster's IAM OIDC provider; trusted by the add-ons' service-account roles (modules/iam-role validates it)."
}

variable "oidc_provider_url" {
  type        = string
  description = "Issuer URL of the cluster's OIDC provider, with or without https:// (oidc.eks.<region>.amazonaws.com/id/<ID>; modules/iam-role validates it)."
}

# ---------------------------------------------------------------------------------------------
# Add-ons: a switch and a version each. A null version installs the default version for the
# cluster's Kubernetes version at creation; prod pins every version (see the precondition).
# ---------------------------------------------------------------------------------------------

variable "enable_vpc_cni" {
  type        = bool
  default     = true
  description = "Install the Amazon VPC CNI add-on (vpc-cni)."
}

variable "vpc_cni_version" {
  type        = string
  default     = null
  description = "vpc-cni add-on version (e.g. v1.19.2-eksbuild.1); null installs the default version."

  validation {
    condition     = var.vpc_cni_version == null || can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$", coalesce(var.vpc_cni_version, "-")))
    error_message = "vpc_cni_version must look like v1.19.2-eksbuild.1 (see aws eks describe-addon-versions), or be null."
  }
}

variable "enable_vpc_cni_irsa" {
  type        = bool
  default     = true
  description = "Give the VPC CNI (kube-system/aws-node) its own IRSA role with AmazonEKS_CNI_Policy, so the node role need not carry it."
}

variable "vpc_cni_configuration_values" {
  type        = string
  default     = null
  description = "Optional JSON configuration of the vpc-cni add-on (aws eks describe-addon-configuration)."
}

variable "enable_coredns" {
  type        = bool
  default     = true
  description = "Install the CoreDNS add-on (coredns)."
}

variable "coredns_version" {
  type        = string
  default     = null
  description = "coredns add-on version (e.g. v1.11.4-eksbuild.2); null installs the default version."

  validation {
    condition     = var.coredns_version == null || can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$", coalesce(var.coredns_version, "-")))
    error_message = "coredns_version must look like v1.11.4-eksbuild.2 (see aws eks describe-addon-versions), or be null."
  }
}

variable "enable_kube_proxy" {
  type        = bool
  default     = true
  description = "Install the kube-proxy add-on."
}

variable "kube_proxy_version" {
  type        = string
  default     = null
  description = "kube-proxy add-on version (e.g. v1.31.3-eksbuild.2); null installs the default version."

  validation {
    condition     = var.kube_proxy_version == null || can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$", coalesce(var.kube_proxy_version, "-")))
    error_message = "kube_proxy_version must look like v1.31.3-eksbuild.2 (see aws eks describe-addon-versions), or be null."
  }
}

variable "enable_ebs_csi_driver" {
  type        = bool
  default     = true
  description = "Install the Amazon EBS CSI driver add-on (aws-ebs-csi-driver) and its service-account role."
}

variable "ebs_csi_driver_version" {
  type        = string
  default     = null
  description = "aws-ebs-csi-driver add-on version (e.g. v1.38.1-eksbuild.1); null installs the default version."

  validation {
    condition     = var.ebs_csi_driver_version == null || can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$", coalesce(var.ebs_csi_driver_version, "-")))
    error_message = "ebs_csi_driver_version must look like v1.38.1-eksbuild.1 (see aws eks describe-addon-versions), or be null."
  }
}

variable "ebs_csi_driver_kms_key_arns" {
  type        = list(string)
  default     = []
  description = "Customer-managed KMS keys the EBS CSI driver may use for encrypted volumes (StorageClass kmsKeyId); empty: AWS-managed aws/ebs only."

  validation {
    condition     = alltrue([for arn in var.ebs_csi_driver_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", arn))])
    error_message = "ebs_csi_driver_kms_key_arns must be full key ARNs (arn:aws:kms:<region>:<account>:key/<id>); aliases and wildcards are not allowed."
  }
}

variable "addon_roles_permissions_boundary_arn" {
  type        = string
  default     = null
  description = "Optional permissions boundary for the add-ons' service-account roles (EBS CSI driver and VPC CNI)."
}

variable "enable_pod_identity_agent" {
  type        = bool
  default     = true
  description = "Install the EKS Pod Identity Agent add-on (eks-pod-identity-agent)."
}

variable "pod_identity_agent_version" {
  type        = string
  default     = null
  description = "eks-pod-identity-agent add-on version (e.g. v1.3.4-eksbuild.1); null installs the default version."

  validation {
    condition     = var.pod_identity_agent_version == null || can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$", coalesce(var.pod_identity_agent_version, "-")))
    error_message = "pod_identity_agent_version must look like v1.3.4-eksbuild.1 (see aws eks describe-addon-versions), or be null."
  }
}

# ---------------------------------------------------------------------------------------------
# Conflict resolution (applies to every add-on)
# ---------------------------------------------------------------------------------------------

variable "resolve_conflicts_on_create" {
  type        = string
  default     = "OVERWRITE"
  description = "What EKS does when an add-on's fields already exist on the cluster at creation: NONE or OVERWRITE."

  validation {
    condition     = contains(["NONE", "OVERWRITE"], var.resolve_conflicts_on_create)
    error_message = "resolve_conflicts_on_create must be NONE or OVERWRITE."
  }
}

variable "resolve_conflicts_on_update" {
  type        = string
  default     = "PRESERVE"
  description = "What EKS does with fields changed in the cluster when an add-on is updated: NONE, OVERWRITE or PRESERVE (keeps local changes)."

  validation {
    condition     = contains(["NONE", "OVERWRITE", "PRESERVE"], var.resolve_conflicts_on_update)
    error_message = "resolve_conflicts_on_update must be NONE, OVERWRITE or PRESERVE."
  }
}

variable "addon_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the add-ons."
}

variable "preserve_on_delete" {
  type        = bool
  default     = true
  description = "Keep the add-on's software running on the cluster when the add-on resource is deleted (removing vpc-cni or coredns would break the cluster's networking)."
}
