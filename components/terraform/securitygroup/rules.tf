# Security-group helper rules (seed section 7): named templates for the rules platform teams
# write again and again, their expansion into one rule resource per source, and detection of
# ingress open to the whole internet.
#
# Common patterns (stack snippets; see README.md for more):
#
#   Web tier behind an ALB: let only the ALB's group in, never the internet.
#     ingress_templates = [
#       { template = "https_from_alb", source_security_group_id = "sg-0alb..." },
#       { template = "app_8080_from_alb", source_security_group_id = "sg-0alb..." },
#     ]
#
#   Database tier: the database port from the application group only. Chaining groups instead
#   of CIDRs keeps working when instances move between subnets and scale out.
#     ingress_templates = [{ template = "postgres_from_app", source_security_group_id = "sg-0app..." }]
#
#   Administrative access: SSH/RDP from a bastion group (better still: SSM Session Manager and
#   no inbound rule at all). Never 0.0.0.0/0 on 22 or 3389: those ports are scanned within
#   minutes of exposure.
#     ingress_templates = [{ template = "ssh_from_bastion", source_security_group_id = "sg-0bastion..." }]
#
#   VPC-internal services (EFS, LDAP, DNS forwarders): the *_from_vpc templates default to
#   var.vpc_cidr_block; give cidr_blocks to narrow them to some subnets.
#     ingress_templates = [{ template = "nfs_from_vpc" }]
#
#   Cluster members talking to each other: all_from_self (every protocol, only from members).
#
#   A public load balancer really must accept the internet: use a custom rule for 443 from
#   0.0.0.0/0 and ::/0. It is detected (output public_ingress_rules, a warning at plan) and
#   blocked when enforce_no_public_ingress = true, so only stacks that mean it allow it.
#
# Template fields: from_port/to_port/protocol, and default_source: "vpc" (var.vpc_cidr_block),
# "self" (this group) or "none" (the entry must give cidr_blocks, ipv6_cidr_blocks or
# source_security_group_id).

locals {
  rule_templates = {
    # Web
    https_from_vpc    = { from_port = 443, to_port = 443, protocol = "tcp", default_source = "vpc", description = "HTTPS from the VPC" }
    http_from_vpc     = { from_port = 80, to_port = 80, protocol = "tcp", default_source = "vpc", description = "HTTP from the VPC" }
    https_from_alb    = { from_port = 443, to_port = 443, protocol = "tcp", default_source = "none", description = "HTTPS from the load balancer" }
    http_from_alb     = { from_port = 80, to_port = 80, protocol = "tcp", default_source = "none", description = "HTTP from the load balancer" }
    app_8080_from_alb = { from_port = 8080, to_port = 8080, protocol = "tcp", default_source = "none", description = "Application port 8080 from the load balancer" }

    # Administrative access
    ssh_from_bastion = { from_port = 22, to_port = 22, protocol = "tcp", default_source = "none", description = "SSH from the bastion" }
    rdp_from_bastion = { from_port = 3389, to_port = 3389, protocol = "tcp", default_source = "none", description = "RDP from the bastion" }

    # Data stores, reached from the application tier
    mysql_from_app         = { from_port = 3306, to_port = 3306, protocol = "tcp", default_source = "none", description = "MySQL/Aurora MySQL from the application tier" }
    postgres_from_app      = { from_port = 5432, to_port = 5432, protocol = "tcp", default_source = "none", description = "PostgreSQL/Aurora PostgreSQL from the application tier" }
    redis_from_app         = { from_port = 6379, to_port = 6379, protocol = "tcp", default_source = "none", description = "Redis/Valkey from the application tier" }
    memcached_from_app     = { from_port = 11211, to_port = 11211, protocol = "tcp", default_source = "none", description = "Memcached from the application tier" }
    mongodb_from_app       = { from_port = 27017, to_port = 27017, protocol = "tcp", default_source = "none", description = "MongoDB/DocumentDB from the application tier" }
    opensearch_from_app    = { from_port = 443, to_port = 443, protocol = "tcp", default_source = "none", description = "OpenSearch Service (HTTPS) from the application tier" }
    elasticsearch_from_app = { from_port = 9200, to_port = 9200, protocol = "tcp", default_source = "none", description = "Self-managed Elasticsearch/OpenSearch REST from the application tier" }
    # MSK listeners: 9094 TLS, 9096 SASL/SCRAM, 9098 IAM. Plaintext 9092 is left out on purpose.
    kafka_tls_from_app = { from_port = 9094, to_port = 9098, protocol = "tcp", default_source = "none", description = "Kafka/MSK TLS, SASL/SCRAM and IAM listeners from the application tier" }

    # Shared VPC services
    nfs_from_vpc     = { from_port = 2049, to_port = 2049, protocol = "tcp", default_source = "vpc", description = "NFS/EFS from the VPC" }
    dns_udp_from_vpc = { from_port = 53, to_port = 53, protocol = "udp", default_source = "vpc", description = "DNS (UDP) from the VPC" }
    dns_tcp_from_vpc = { from_port = 53, to_port = 53, protocol = "tcp", default_source = "vpc", description = "DNS (TCP) from the VPC" }
    ntp_from_vpc     = { from_port = 123, to_port = 123, protocol = "udp", default_source = "vpc", description = "NTP from the VPC" }
    ldap_from_vpc    = { from_port = 389, to_port = 389, protocol = "tcp", default_source = "vpc", description = "LDAP from the VPC" }
    ldaps_from_vpc   = { from_port = 636, to_port = 636, protocol = "tcp", default_source = "vpc", description = "LDAPS from the VPC" }

    # Monitoring
    prometheus_from_monitoring    = { from_port = 9090, to_port = 9090, protocol = "tcp", default_source = "none", description = "Prometheus from the monitoring tier" }
    node_exporter_from_monitoring = { from_port = 9100, to_port = 9100, protocol = "tcp", default_source = "none", description = "Prometheus node exporter from the monitoring tier" }

    # Cluster peers
    all_from_self = { from_port = null, to_port = null, protocol = "-1", default_source = "self", description = "All traffic between members of this group" }
  }

  # One entry per list item, template resolved (unknown names were refused by validation).
  template_entries = [
    for t in var.ingress_templates : merge(local.rule_templates[t.template], {
      origin      = t.template
      description = coalesce(t.description, local.rule_templates[t.template].description)
      sources = concat(
        [for c in coalesce(t.cidr_blocks, []) : { kind = "ipv4", value = c }],
        [for c in coalesce(t.ipv6_cidr_blocks, []) : { kind = "ipv6", value = c }],
        t.source_security_group_id == null ? [] : [{ kind = "group", value = t.source_security_group_id }],
      )
    })
  ]

  custom_entries = [
    for r in var.custom_ingress_rules : {
      origin      = "custom.${r.protocol}.${r.protocol == "-1" ? "all" : "${r.from_port}-${r.to_port}"}"
      from_port   = r.from_port
      to_port     = r.to_port
      protocol    = r.protocol
      description = coalesce(r.description, "Custom ${r.protocol} ${r.from_port}-${r.to_port}")
      sources = concat(
        [for c in coalesce(r.cidr_blocks, []) : { kind = "ipv4", value = c }],
        [for c in coalesce(r.ipv6_cidr_blocks, []) : { kind = "ipv6", value = c }],
        r.source_security_group_id == null ? [] : [{ kind = "group", value = r.source_security_group_id }],
      )
      default_source = "none"
    }
  ]

  # An entry without sources of its own falls back to its template's default source.
  resolved_entries = [
    for e in concat(local.template_entries, local.custom_entries) : merge(e, {
      sources = length(e.sources) > 0 ? e.sources : (
        e.default_source == "vpc" && var.vpc_cidr_block != null ? [{ kind = "ipv4", value = var.vpc_cidr_block }] :
        e.default_source == "self" ? [{ kind = "self", value = "self" }] : []
      )
    })
  ]
  entries_without_source = [for e in local.resolved_entries : e.origin if length(e.sources) == 0]

  # One rule per (entry, source), keyed "<template or custom.proto.ports>.<source>": stable when
  # entries are reordered, and readable in plans ("ssh_from_bastion.sg-0abc...").
  ingress_rules = merge([
    for e in local.resolved_entries : {
      for s in e.sources : "${e.origin}.${s.value}" => {
        from_port   = e.protocol == "-1" ? null : e.from_port
        to_port     = e.protocol == "-1" ? null : e.to_port
        protocol    = e.protocol
        kind        = s.kind
        source      = s.value
        description = e.description
      }
    }
  ]...)

  # Open to the whole internet: any CIDR with prefix length 0 (0.0.0.0/0, ::/0 and their
  # spellings such as 0::/0).
  public_ingress_rules = sort([
    for k, r in local.ingress_rules : k if contains(["ipv4", "ipv6"], r.kind) && try(split("/", r.source)[1] == "0", false)
  ])

  default_egress_rules = [{
    from_port                     = 443
    to_port                       = 443
    protocol                      = "tcp"
    cidr_blocks                   = ["0.0.0.0/0"]
    ipv6_cidr_blocks              = null
    destination_security_group_id = null
    prefix_list_id                = null
    description                   = "HTTPS to anywhere (AWS APIs, package mirrors)"
  }]

  egress_rules = merge([
    for r in(var.egress_rules == null ? local.default_egress_rules : var.egress_rules) : {
      for d in concat(
        [for c in coalesce(r.cidr_blocks, []) : { kind = "ipv4", value = c }],
        [for c in coalesce(r.ipv6_cidr_blocks, []) : { kind = "ipv6", value = c }],
        r.destination_security_group_id == null ? [] : [{ kind = "group", value = r.destination_security_group_id }],
        r.prefix_list_id == null ? [] : [{ kind = "prefix_list", value = r.prefix_list_id }],
        ) : "${r.protocol}.${r.protocol == "-1" ? "all" : "${r.from_port}-${r.to_port}"}.${d.value}" => {
        from_port   = r.protocol == "-1" ? null : r.from_port
        to_port     = r.protocol == "-1" ? null : r.to_port
        protocol    = r.protocol
        kind        = d.kind
        destination = d.value
        description = coalesce(r.description, "Egress ${r.protocol} ${r.from_port}-${r.to_port}")
      }
    }
  ]...)
}
