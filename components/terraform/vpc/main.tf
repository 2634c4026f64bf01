# VPC: public and private subnets across availability zones, an internet gateway, optional NAT
# gateway(s), one route table per tier and AZ, and a default security group with no rules.
# Flow logs and their security detection live in flow-logs.tf.

data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394:Subnets take the first availability_zone_count names in order; an AZ added later sorts after them and changes nothing.
  state = "available"

  lifecycle {
    postcondition {
      condition     = length(self.names) >= var.availability_zone_count
      error_message = "The region has fewer available AZs than availability_zone_count: lower availability_zone_count."
    }
  }
}

locals {
  azs = slice(data.aws_availability_zones.available.names, 0, var.availability_zone_count)

  # Computed layout: public subnets take the first indexes of the split, private subnets start
  # half way through it, so adding AZs later never renumbers an existing subnet.
  private_offset = pow(2, var.subnet_newbits - 1)
  public_subnet_cidrs = coalesce(var.public_subnet_cidrs, [
    for i in range(var.availability_zone_count) : cidrsubnet(var.vpc_cidr_block, var.subnet_newbits, i)
  ])
  private_subnet_cidrs = coalesce(var.private_subnet_cidrs, [
    for i in range(var.availability_zone_count) : cidrsubnet(var.vpc_cidr_block, var.subnet_newbits, local.private_offset + i)
  ])

  nat_gateway_count = var.enable_nat_gateway ? (var.single_nat_gateway ? 1 : var.availability_zone_count) : 0
}

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = var.enable_dns_hostnames

  tags = merge(local.tags, { Name = local.name_prefix }, var.vpc_tags)
}

# The default security group is attached to anything launched without one. Adopting it
# removes AWS's allow-all rules (CIS AWS 5.4); the explicit empty lists make Terraform also
# revert any rule added to it later (left unset, rules added by hand would go unnoticed).
resource "aws_default_security_group" "this" {
  vpc_id  = aws_vpc.this.id
  ingress = []
  egress  = []
  tags    = merge(local.tags, { Name = "${local.name_prefix}-default-locked" })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = local.name_prefix })
}

# ---------------------------------------------------------------------------------------------
# Public tier
# ---------------------------------------------------------------------------------------------

resource "aws_subnet" "public" {
  count = var.availability_zone_count

  vpc_id                  = aws_vpc.this.id
  cidr_block              = local.public_subnet_cidrs[count.index]
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = var.map_public_ip_on_launch

  tags = merge(local.tags, { Name = "${local.name_prefix}-public-${local.azs[count.index]}", Tier = "public" }, var.public_subnet_tags)
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = "${local.name_prefix}-public", Tier = "public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = var.availability_zone_count

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# ---------------------------------------------------------------------------------------------
# NAT gateway(s)
# ---------------------------------------------------------------------------------------------

resource "aws_eip" "nat" {
  count = local.nat_gateway_count

  domain = "vpc"
  tags   = merge(local.tags, { Name = "${local.name_prefix}-nat-${local.azs[count.index]}" })
}

resource "aws_nat_gateway" "this" {
  count = local.nat_gateway_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id
  tags          = merge(local.tags, { Name = "${local.name_prefix}-${local.azs[count.index]}" })

  depends_on = [aws_internet_gateway.this]
}

# ---------------------------------------------------------------------------------------------
# Private tier: one route table per AZ so each AZ can use its own NAT gateway.
# ---------------------------------------------------------------------------------------------

resource "aws_subnet" "private" {
  count = var.availability_zone_count

  vpc_id            = aws_vpc.this.id
  cidr_block        = local.private_subnet_cidrs[count.index]
  availability_zone = local.azs[count.index]

  tags = merge(local.tags, { Name = "${local.name_prefix}-private-${local.azs[count.index]}", Tier = "private" }, var.private_subnet_tags)
}

resource "aws_route_table" "private" {
  count = var.availability_zone_count

  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = "${local.name_prefix}-private-${local.azs[count.index]}", Tier = "private" })
}

resource "aws_route" "private_nat" {
  count = local.nat_gateway_count > 0 ? var.availability_zone_count : 0

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[var.single_nat_gateway ? 0 : count.index].id
}

resource "aws_route_table_association" "private" {
  count = var.availability_zone_count

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}
