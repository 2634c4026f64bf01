"""The CloudWatch metrics the monitoring dashboards name, checked against AWS's documentation.

One entry per namespace: the page that lists what the service publishes, the metric names and
dimension names the dashboards use (each checked on that page), and, where a dimension takes a
fixed set of values, those values. ``tests/unit/test_monitoring.py`` fails when a dashboard names
a metric, dimension or value missing here, and when an entry here is no longer used, so the table
stays exactly the list of what the dashboards depend on.

Add a metric: find it on the namespace's page, add it here with the same spelling, then use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Namespace:
    doc: str
    metrics: frozenset[str]
    dimensions: frozenset[str]
    dimension_values: dict[str, frozenset[str]] = field(default_factory=dict)
    only_region: str | None = None


def _ns(doc: str, metrics: set[str], dimensions: set[str], **extra) -> Namespace:
    return Namespace(doc, frozenset(metrics), frozenset(dimensions), **extra)


NAMESPACES: dict[str, Namespace] = {
    "AWS/EC2": _ns(
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html",
        {
            "CPUUtilization",
            "NetworkIn",
            "NetworkOut",
            "StatusCheckFailed_Instance",
            "StatusCheckFailed_System",
        },
        {"InstanceId"},
    ),
    "AWS/EBS": _ns(
        "https://docs.aws.amazon.com/ebs/latest/userguide/using_cloudwatch_ebs.html",
        {"VolumeReadOps", "VolumeWriteOps", "VolumeReadBytes", "VolumeWriteBytes"},
        {"VolumeId"},
    ),
    "AWS/RDS": _ns(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html",
        {
            "CPUUtilization",
            "DatabaseConnections",
            "FreeStorageSpace",
            "ReadLatency",
            "WriteLatency",
            "ReadIOPS",
            "WriteIOPS",
        },
        {"DBInstanceIdentifier"},
    ),
    "AWS/Lambda": _ns(
        "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
        {"Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions"},
        {"FunctionName"},
    ),
    "AWS/DynamoDB": _ns(
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html",
        {
            "ConsumedReadCapacityUnits",
            "ConsumedWriteCapacityUnits",
            "ReadThrottleEvents",
            "WriteThrottleEvents",
            "SuccessfulRequestLatency",
            "ConditionalCheckFailedRequests",
        },
        {"TableName", "Operation"},
        dimension_values={"Operation": frozenset({"GetItem", "PutItem", "Query"})},
    ),
    "AWS/S3": _ns(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html",
        {"BucketSizeBytes", "NumberOfObjects"},
        {"BucketName", "StorageType"},
        dimension_values={
            "StorageType": frozenset(
                {
                    "StandardStorage",
                    "IntelligentTieringFAStorage",
                    "IntelligentTieringIAStorage",
                    "StandardIAStorage",
                    "OneZoneIAStorage",
                    "GlacierInstantRetrievalStorage",
                    "GlacierStorage",
                    "DeepArchiveStorage",
                    "AllStorageTypes",
                }
            )
        },
    ),
    "AWS/ApplicationELB": _ns(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html",
        {
            "RequestCount",
            "HTTPCode_ELB_5XX_Count",
            "HTTPCode_Target_4XX_Count",
            "HTTPCode_Target_5XX_Count",
            "TargetResponseTime",
            "HealthyHostCount",
            "UnHealthyHostCount",
        },
        {"LoadBalancer", "TargetGroup"},
    ),
    "AWS/NATGateway": _ns(
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway-cloudwatch.html",
        {
            "BytesOutToDestination",
            "BytesInFromDestination",
            "PacketsDropCount",
            "ErrorPortAllocation",
        },
        {"NatGatewayId"},
    ),
    "AWS/ECS": _ns(
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html",
        {"CPUUtilization", "MemoryUtilization"},
        {"ClusterName"},
    ),
    "ContainerInsights": _ns(
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html",
        {"node_cpu_utilization", "node_memory_utilization"},
        {"ClusterName"},
    ),
    "AWS/ApiGateway": _ns(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html",
        {"Count", "4XXError", "5XXError", "Latency", "IntegrationLatency"},
        {"ApiName"},
    ),
    "AWS/CertificateManager": _ns(
        "https://docs.aws.amazon.com/acm/latest/userguide/cloudwatch-metrics.html",
        {"DaysToExpiry"},
        {"CertificateArn"},
    ),
    # Billing data for every region is published only in US East (N. Virginia).
    "AWS/Billing": _ns(
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/monitor_estimated_charges_with_cloudwatch.html",
        {"EstimatedCharges"},
        {"Currency"},
        dimension_values={"Currency": frozenset({"USD"})},
        only_region="us-east-1",
    ),
    "AWS/Events": _ns(
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html",
        {"MatchedEvents"},
        {"RuleName"},
    ),
    "AWS/Backup": _ns(
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/cloudwatch.html",
        {
            "NumberOfBackupJobsCompleted",
            "NumberOfBackupJobsFailed",
            "NumberOfBackupJobsAborted",
            "NumberOfBackupJobsExpired",
        },
        {"BackupVaultName"},
    ),
}
