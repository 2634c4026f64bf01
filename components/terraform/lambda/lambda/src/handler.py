"""Example handler packaged by lambda/build.py: replace lambda/src/ with the function's code."""

import json
import logging
import os

LOGGER = logging.getLogger()
LOGGER.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


def handler(event, context):
    """Log the request id and echo the event's keys (never its values, which may be sensitive)."""
    request_id = getattr(context, "aws_request_id", None)
    keys = sorted(event) if isinstance(event, dict) else []
    LOGGER.info("request %s with keys %s", request_id, keys)
    return {"statusCode": 200, "body": json.dumps({"ok": True, "keys": keys})}
