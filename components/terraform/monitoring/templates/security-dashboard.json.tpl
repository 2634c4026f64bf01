{
  "start": "${default_range}",
  "periodOverride": "auto",
  "widgets": [
    {
      "type": "text",
      "x": 0, "y": 0, "width": 24, "height": 2,
      "properties": {
        "markdown": "# ${name_prefix}: security\nEnvironment **${environment}** | account `${account_id}` | region `${region}` | security group changes, CloudTrail events and GuardDuty findings."
      }
    },
%{ if length(security_event_rule_names) > 0 ~}
    {
      "type": "metric",
      "x": 0, "y": 2, "width": 12, "height": 6,
      "properties": {
        "title": "Security events matched by EventBridge rules",
        "region": "${region}",
        "view": "bar",
        "stat": "Sum",
        "period": 3600,
        "setPeriodToTimeRange": true,
        "metrics": ${jsonencode([for rule in security_event_rule_names : ["AWS/Events", "MatchedEvents", "RuleName", rule, { label = rule }]])}
      }
    },
%{ endif ~}
%{ if guardduty_findings_log_group_name != null ~}
    {
      "type": "log",
      "x": 12, "y": 2, "width": 12, "height": 6,
      "properties": {
        "title": "GuardDuty findings by severity and type",
        "region": "${region}",
        "view": "table",
        "query": ${jsonencode("SOURCE '${guardduty_findings_log_group_name}' | fields @timestamp, detail.severity as severity, detail.type as finding, detail.resource.resourceType as resource | filter ispresent(detail.severity) | stats count(*) as findings, max(severity) as worst by finding, resource | sort worst desc, findings desc | limit 50")}
      }
    },
%{ endif ~}
%{ if cloudtrail_log_group_name != null ~}
    {
      "type": "log",
      "x": 0, "y": 8, "width": 24, "height": 6,
      "properties": {
        "title": "Security group changes (CloudTrail)",
        "region": "${region}",
        "view": "table",
        "query": ${jsonencode("SOURCE '${cloudtrail_log_group_name}' | fields @timestamp, eventName, requestParameters.groupId as groupId, userIdentity.arn as actor, sourceIPAddress | filter eventSource = 'ec2.amazonaws.com' and eventName in ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup', 'ModifySecurityGroupRules'] | sort @timestamp desc | limit 100")}
      }
    },
    {
      "type": "log",
      "x": 0, "y": 14, "width": 12, "height": 6,
      "properties": {
        "title": "Denied API calls by principal (CloudTrail)",
        "region": "${region}",
        "view": "table",
        "query": ${jsonencode("SOURCE '${cloudtrail_log_group_name}' | fields userIdentity.arn as actor, eventSource, eventName, errorCode | filter errorCode in ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Client.UnauthorizedOperation'] | stats count(*) as denied by actor, eventSource, eventName | sort denied desc | limit 25")}
      }
    },
    {
      "type": "log",
      "x": 12, "y": 14, "width": 12, "height": 6,
      "properties": {
        "title": "Console sign-in failures (CloudTrail)",
        "region": "${region}",
        "view": "timeSeries",
        "query": ${jsonencode("SOURCE '${cloudtrail_log_group_name}' | filter eventName = 'ConsoleLogin' and responseElements.ConsoleLogin = 'Failure' | stats count(*) as failures by bin(1h)")}
      }
    },
    {
      "type": "log",
      "x": 0, "y": 20, "width": 12, "height": 6,
      "properties": {
        "title": "Root user activity (CloudTrail)",
        "region": "${region}",
        "view": "table",
        "query": ${jsonencode("SOURCE '${cloudtrail_log_group_name}' | fields @timestamp, eventName, eventSource, sourceIPAddress | filter userIdentity.type = 'Root' and eventType != 'AwsServiceEvent' | sort @timestamp desc | limit 50")}
      }
    },
%{ endif ~}
%{ if vpc_flow_log_group_name != null ~}
    {
      "type": "log",
      "x": 12, "y": 20, "width": 12, "height": 6,
      "properties": {
        "title": "Rejected SSH and RDP attempts (VPC flow logs)",
        "region": "${region}",
        "view": "table",
        "query": ${jsonencode("SOURCE '${vpc_flow_log_group_name}' | filter action = 'REJECT' and dstPort in [22, 3389] | stats count(*) as attempts by srcAddr, dstPort | sort attempts desc | limit 25")}
      }
    },
%{ endif ~}
    {
      "type": "text",
      "x": 0, "y": 26, "width": 24, "height": 4,
      "properties": {
        "markdown": "## Response notes\n* A security group change by a person rather than the pipeline role is drift: revert it through Terraform and find out why it was made.\n* Denied calls from one principal in bursts: a broken deployment or someone probing permissions; check the source IP.\n* Any root user activity other than billing tasks deserves a ticket; root should have MFA and no access keys.\n* GuardDuty severity 7 and above is high: isolate the resource first, investigate second."
      }
    }
  ]
}
