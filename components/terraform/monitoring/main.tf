# monitoring: CloudWatch dashboards and certificate expiry alarms. The entry point of the
# standard module structure; the resources live in one file per concern:
#
#   dashboards.tf  the dashboards, rendered from the JSON templates under templates/
#   alarms.tf      one expiry alarm per ACM certificate passed in
