variable "kubernetes_version" {
  type        = string
  default     = "1.32"
  description = "Kubernetes minor version of the control plane (and of the managed nodes)."

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must be a minor version such as \"1.32\"."
  }
}

variable "support_type" {
  type        = string
  default     = "STANDARD"
  description = "EKS support policy: STANDARD (upgrade when standard support ends) or EXTENDED (paid extended support)."

  validation {
    condition     = contains(["STANDARD", "EXTENDED"], var.support_type)
    error_message = "support_type must be STANDARD or EXTENDED."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnet IDs, in at least two Availability Zones, for the control-plane network interfaces and (unless node_subnet_ids is set) the nodes."

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", id))])
    error_message = "subnet_ids must list at least two subnet IDs (subnet-...) in different Availability Zones."
  }
}

variable "cluster_security_group_ids" {
  type        = list(string)
  default     = []
  description = "Additional security groups for the control-plane network interfaces (EKS always creates the cluster security group)."
}

# ---------------------------------------------------------------------------------------
# API endpoint
# ---------------------------------------------------------------------------------------
variable "endpoint_public_access" {
  type        = bool
  default     = false
  description = "Expose the Kubernetes API endpoint on the internet (the private endpoint is always on). Forbidden in prod."

  validation {
    condition     = var.environment != "prod" || !var.endpoint_public_access
    error_message = "The EKS API endpoint must be private in prod: set endpoint_public_access = false and reach the API from inside the VPC (VPN, bastion or SSM)."
  }
}

variable "endpoint_public_access_cidrs" {
  type        = list(string)
  default     = []
  description = "CIDR blocks allowed to reach the public endpoint when endpoint_public_access is true. Must be set then; 0.0.0.0/0 is refused."

  validation {
    condition     = alltrue([for cidr in var.endpoint_public_access_cidrs : can(cidrhost(cidr, 0)) && cidr != "0.0.0.0/0"])
    error_message = "endpoint_public_access_cidrs must be valid CIDR blocks and must not include 0.0.0.0/0: list your office or VPN ranges."
  }

  validation {
    condition     = !var.endpoint_public_access || length(var.endpoint_public_access_cidrs) > 0
    error_message = "A public endpoint needs an allow-list: set endpoint_public_access_cidrs to your office or VPN ranges (or set endpoint_public_access = false)."
  }
}

# ---------------------------------------------------------------------------------------
# Logging, access
# ---------------------------------------------------------------------------------------
variable "cluster_log_types" {
  type        = list(string)
  default     = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  description = "Control-plane log types sent to CloudWatch Logs. Default: all five; prod requires all five."

  validation {
    condition     = alltrue([for type in var.cluster_log_types : contains(["api", "audit", "authenticator", "controllerManager", "scheduler"], type)])
    error_message = "cluster_log_types may contain only api, audit, authenticator, controllerManager and scheduler."
  }

  validation {
    condition     = var.environment != "prod" || length(setsubtract(["api", "audit", "authenticator", "controllerManager", "scheduler"], var.cluster_log_types)) == 0
    error_message = "Prod clusters must log every control-plane log type: set cluster_log_types = [\"api\", \"audit\", \"authenticator\", \"controllerManager\", \"scheduler\"]."
  }
}

variable "cluster_log_retention_days" {
  type        = number
  default     = 365
  description = "Retention in days of the control-plane log group: one of the values CloudWatch Logs accepts (modules/log-group validates it)."
}

# ---------------------------------------------------------------------------------------
# KMS
# ---------------------------------------------------------------------------------------
variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

variable "authentication_mode" {
  type        = string
  default     = "API"
  description = "How IAM principals are mapped to Kubernetes: API (EKS access entries) or API_AND_CONFIG_MAP (also the legacy aws-auth ConfigMap)."

  validation {
    condition     = contains(["API", "API_AND_CONFIG_MAP"], var.authentication_mode)
    error_message = "authentication_mode must be API or API_AND_CONFIG_MAP (CONFIG_MAP alone is deprecated)."
  }
}

variable "bootstrap_cluster_creator_admin_permissions" {
  type        = bool
  default     = false
  description = "Give the IAM principal that creates the cluster permanent cluster-admin. Off by default: name administrators in cluster_admin_principal_arns instead."
}

variable "cluster_admin_principal_arns" {
  type        = list(string)
  default     = []
  description = "IAM role or user ARNs given cluster-admin through EKS access entries (AmazonEKSClusterAdminPolicy)."

  validation {
    condition     = alltrue([for arn in var.cluster_admin_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/", arn))])
    error_message = "cluster_admin_principal_arns must be IAM role or user ARNs (arn:aws:iam::<account>:role/<name>)."
  }
}

# ---------------------------------------------------------------------------------------
# IRSA
# ---------------------------------------------------------------------------------------
variable "create_oidc_provider" {
  type        = bool
  default     = true
  description = "Create the IAM OIDC provider for the cluster's issuer, so IAM roles can trust Kubernetes service accounts (IRSA)."
}

variable "oidc_thumbprint_list" {
  type        = list(string)
  default     = []
  description = "Server certificate thumbprints of the OIDC issuer. Empty (default): omitted, and IAM uses its own trusted root CAs for the EKS issuer (thumbprints are not used for it). Set only if your policy requires pinning."

  validation {
    condition     = alltrue([for thumbprint in var.oidc_thumbprint_list : can(regex("^[0-9a-f]{40}$", thumbprint))])
    error_message = "oidc_thumbprint_list entries must be SHA-1 thumbprints: 40 lower-case hex characters."
  }
}

# ---------------------------------------------------------------------------------------
# Managed node group
# ---------------------------------------------------------------------------------------
variable "create_node_group" {
  type        = bool
  default     = true
  description = "Create the managed node group (on this component's launch template)."
}

variable "node_subnet_ids" {
  type        = list(string)
  default     = null
  description = "Subnets of the nodes. Null: subnet_ids."
}

variable "node_instance_types" {
  type        = list(string)
  default     = ["m6i.large"]
  description = "EC2 instance types of the nodes (several only make sense with node_capacity_type = SPOT)."
}

variable "node_ami_type" {
  type        = string
  default     = "AL2023_x86_64_STANDARD"
  description = "EKS-optimized AMI family of the nodes (for example AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, BOTTLEROCKET_x86_64)."
}

variable "node_capacity_type" {
  type        = string
  default     = "ON_DEMAND"
  description = "ON_DEMAND or SPOT."

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.node_capacity_type)
    error_message = "node_capacity_type must be ON_DEMAND or SPOT."
  }
}

variable "node_scaling" {
  type = object({
    min_size     = number
    max_size     = number
    desired_size = number
  })
  default     = { min_size = 2, max_size = 4, desired_size = 2 }
  description = "Size of the node group. desired_size is the initial size (a cluster autoscaler takes over after)."

  validation {
    condition     = var.node_scaling.min_size >= 0 && var.node_scaling.min_size <= var.node_scaling.desired_size && var.node_scaling.desired_size <= var.node_scaling.max_size && var.node_scaling.max_size >= 1
    error_message = "node_scaling must satisfy 0 <= min_size <= desired_size <= max_size and max_size >= 1."
  }
}

variable "node_disk_size" {
  type        = number
  default     = 50
  description = "Root volume size of the nodes in GiB (encrypted gp3)."

  validation {
    condition     = var.node_disk_size >= 20 && var.node_disk_size <= 16384
    error_message = "node_disk_size must be between 20 and 16384 GiB."
  }
}

variable "node_volume_kms_key_arn" {
  type        = string
  default     = null
  description = "KMS key ARN that encrypts the node volumes. Null: this component creates a customer-managed key whose policy lets the Auto Scaling service-linked role use it."
}

variable "node_metadata_hop_limit" {
  type        = number
  default     = 2
  description = "IMDSv2 response hop limit of the nodes. 2 lets pods on the pod network reach instance metadata (the AWS SDK default credential chain, aws-node); 1 blocks them."

  validation {
    condition     = contains([1, 2], var.node_metadata_hop_limit)
    error_message = "node_metadata_hop_limit must be 1 or 2: higher values let instance metadata answer beyond the pod network."
  }
}

variable "node_labels" {
  type        = map(string)
  default     = {}
  description = "Kubernetes labels of the nodes."
}

variable "node_attach_cni_policy" {
  type        = bool
  default     = true
  description = "Attach AmazonEKS_CNI_Policy to the node role. Set false once vpc-cni runs with its own IRSA or Pod Identity role (eks-addons)."
}

variable "node_enable_ssm" {
  type        = bool
  default     = false
  description = "Attach AmazonSSMManagedInstanceCore to the node role, for Session Manager access to nodes instead of SSH."
}

variable "cluster_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the cluster."
}

variable "enable_cluster_access_and_upgrade_config" {
  type        = bool
  default     = true
  description = "Send access_config (authentication_mode, bootstrap_cluster_creator_admin_permissions) and upgrade_policy (support_type) to EKS. False only for emulators that do not return them (moto 5.2.5), where a re-plan would otherwise replace the cluster; AWS then applies its own defaults."

  validation {
    condition     = var.enable_cluster_access_and_upgrade_config || (var.environment != "prod" && length(var.cluster_admin_principal_arns) == 0)
    error_message = "enable_cluster_access_and_upgrade_config = false is for emulators only: set it to true in prod and whenever cluster_admin_principal_arns is set (access entries need authentication_mode API)."
  }
}
