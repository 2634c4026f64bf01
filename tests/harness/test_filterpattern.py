"""The CloudWatch Logs filter-pattern evaluator: what it matches, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfharness.checks.filterpattern import (
    FilterPatternError,
    JsonPattern,
    SpaceDelimitedPattern,
    compile_pattern,
    fields_of,
    load_records,
    split_record,
)

pytestmark = pytest.mark.harness

FLOW_LOGS = Path(__file__).parent / "fixtures" / "flow-logs"

# The default (version 2) flow-log format, as in AWS's documentation examples.
V2 = (
    "version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, "
    "packets, bytes, start, end, action, log_status"
)
ACCEPT_SSH = (
    "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 "
    "4249 1418530010 1418530070 ACCEPT OK"
)
REJECT_RDP = (
    "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 "
    "4249 1418530010 1418530070 REJECT OK"
)
NODATA = "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA"
SKIPDATA = "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA"


def space(conditions: dict[str, str]) -> SpaceDelimitedPattern:
    """A v2 pattern with some slots replaced by conditions."""
    slots = [conditions.get(name, name) for name in V2.split(", ")]
    pattern = compile_pattern("[" + ", ".join(slots) + "]")
    assert isinstance(pattern, SpaceDelimitedPattern)
    return pattern


# Space-delimited patterns -------------------------------------------------------------------


def test_bare_field_names_match_any_record_of_the_right_width() -> None:
    pattern = compile_pattern(f"[{V2}]")
    assert pattern.matches(ACCEPT_SSH)
    assert pattern.matches(NODATA)
    assert not pattern.matches(ACCEPT_SSH + " extra-field")
    assert not pattern.matches(" ".join(ACCEPT_SSH.split()[:-1]))


def test_numeric_equality_on_a_port() -> None:
    ssh = space({"dstport": "dstport=22"})
    assert ssh.matches(ACCEPT_SSH)
    assert not ssh.matches(REJECT_RDP)


def test_numeric_tests_never_match_the_dash_of_nodata_and_skipdata_records() -> None:
    for condition in ("dstport=22", "dstport!=22", "dstport>0", "dstport<=65535"):
        pattern = space({"dstport": condition})
        assert not pattern.matches(NODATA), condition
        assert not pattern.matches(SKIPDATA), condition


def test_quoted_and_unquoted_strings_compare_as_strings() -> None:
    for condition in ('action="REJECT"', "action=REJECT"):
        pattern = space({"action": condition})
        assert pattern.matches(REJECT_RDP)
        assert not pattern.matches(ACCEPT_SSH)
        assert not pattern.matches(NODATA)
    assert space({"action": 'action!="REJECT"'}).matches(ACCEPT_SSH)
    assert space({"action": 'action!="REJECT"'}).matches(NODATA)


def test_quoted_number_is_a_string_comparison() -> None:
    assert space({"dstport": 'dstport="22"'}).matches(ACCEPT_SSH)
    assert not space({"dstport": 'dstport="022"'}).matches(ACCEPT_SSH)
    assert not space({"dstport": "dstport=22.5"}).matches(ACCEPT_SSH)
    assert space({"dstport": "dstport=22.0"}).matches(ACCEPT_SSH)


@pytest.mark.parametrize(
    ("condition", "ssh", "rdp"),
    [
        ("bytes>4248", True, True),
        ("bytes>4249", False, False),
        ("bytes>=4249", True, True),
        ("bytes<4250", True, True),
        ("bytes<=4248", False, False),
        ("bytes!=4249", False, False),
    ],
)
def test_numeric_comparisons(condition: str, ssh: bool, rdp: bool) -> None:
    pattern = space({"bytes": condition})
    assert pattern.matches(ACCEPT_SSH) is ssh
    assert pattern.matches(REJECT_RDP) is rdp


def test_wildcards_in_string_values() -> None:
    assert space({"srcaddr": "srcaddr=172.31.16.*"}).matches(ACCEPT_SSH)
    assert not space({"srcaddr": "srcaddr=172.31.16.*"}).matches(REJECT_RDP)
    assert space({"interface_id": 'interface_id="eni-*789"'}).matches(ACCEPT_SSH)
    assert space({"srcaddr": 'srcaddr!="172.31.9.*"'}).matches(ACCEPT_SSH)
    assert space({"srcaddr": "srcaddr=*"}).matches(NODATA)


def test_and_or_and_parentheses_within_a_slot() -> None:
    admin = space({"dstport": "dstport=22 || dstport=3389"})
    assert admin.matches(ACCEPT_SSH) and admin.matches(REJECT_RDP)
    not_admin = space({"dstport": "dstport!=22 && dstport!=3389"})
    assert not not_admin.matches(ACCEPT_SSH) and not not_admin.matches(REJECT_RDP)
    grouped = space({"action": 'action="REJECT" && (dstport=22 || dstport=3389)'})
    assert grouped.matches(REJECT_RDP)
    assert not grouped.matches(ACCEPT_SSH)


def test_and_binds_tighter_than_or() -> None:
    pattern = space({"dstport": 'dstport=22 || dstport=3389 && action="ACCEPT"'})
    assert pattern.matches(ACCEPT_SSH)  # dstport=22
    assert not pattern.matches(REJECT_RDP)  # 3389 but REJECT


def test_conditions_in_several_slots_must_all_hold() -> None:
    pattern = space({"dstport": "dstport=22", "action": 'action="REJECT"'})
    assert not pattern.matches(ACCEPT_SSH)
    assert not pattern.matches(REJECT_RDP)
    assert pattern.matches(ACCEPT_SSH.replace("ACCEPT", "REJECT"))


def test_ellipsis_skips_any_number_of_fields() -> None:
    pattern = compile_pattern('[version, ..., action="REJECT", log_status]')
    assert pattern.matches(REJECT_RDP)
    assert not pattern.matches(ACCEPT_SSH)
    assert pattern.matches("2 REJECT OK")
    assert not pattern.matches("REJECT OK")
    assert compile_pattern("[..., log_status=NODATA]").matches(NODATA)
    assert compile_pattern("[version=2, ...]").matches(SKIPDATA)


def test_quoted_and_bracketed_record_text_is_one_field() -> None:
    assert split_record(
        '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326'
    ) == ["1.2.3.4", "-", "-", "10/Oct/2000:13:55:36 -0700", "GET /a.gif HTTP/1.0", "200", "2326"]
    pattern = compile_pattern(
        "[ip, user, username, timestamp, request=*gif*, status_code=2*, bytes>1000]"
    )
    assert pattern.matches(
        '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326'
    )
    assert not pattern.matches(
        '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a.png HTTP/1.0" 200 2326'
    )


def test_fields_of_lists_named_fields_in_order() -> None:
    assert fields_of("[a, ..., b=1, c]") == ["a", "b", "c"]
    assert fields_of(f"[{V2}]") == V2.split(", ")


def test_bind_names_the_fields_of_a_record() -> None:
    pattern = space({})
    bound = pattern.bind(REJECT_RDP)
    assert bound is not None
    assert bound["dstport"] == "3389" and bound["action"] == "REJECT"
    assert pattern.bind("too short") is None


def test_filter_keeps_matching_records_in_order() -> None:
    pattern = space({"action": 'action="REJECT"'})
    assert pattern.filter([ACCEPT_SSH, REJECT_RDP, NODATA, REJECT_RDP]) == [REJECT_RDP, REJECT_RDP]


# JSON patterns ------------------------------------------------------------------------------

EVENT = json.dumps(
    {
        "source": "aws.ec2",
        "detail-type": "AWS API Call via CloudTrail",
        "detail": {
            "eventName": "AuthorizeSecurityGroupIngress",
            "eventSource": "ec2.amazonaws.com",
            "readOnly": False,
            "userIdentity": {"type": "IAMUser", "userName": "alice"},
            "requestParameters": {
                "groupId": "sg-0123",
                "ipPermissions": {
                    "items": [
                        {
                            "ipProtocol": "tcp",
                            "fromPort": 22,
                            "toPort": 22,
                            "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]},
                        },
                    ]
                },
            },
            "responseElements": None,
        },
    }
)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.detail.eventName = "AuthorizeSecurityGroupIngress" }', True),
        ("{ $.detail.eventName = AuthorizeSecurityGroupIngress }", True),
        ('{ $.detail.eventName = "Authorize*" }', True),
        ('{ $.detail.eventName != "Revoke*" }', True),
        ('{ $.detail.eventName = "RevokeSecurityGroupIngress" }', False),
        ('{ $.detail-type = "AWS API Call via CloudTrail" }', True),
        ("{ $.detail.requestParameters.ipPermissions.items[0].fromPort = 22 }", True),
        ("{ $.detail.requestParameters.ipPermissions.items[0].fromPort >= 1024 }", False),
        (
            '{ $.detail.requestParameters.ipPermissions.items[0].ipRanges.items[0].cidrIp = "0.0.0.0/0" }',
            True,
        ),
        ("{ $.detail.requestParameters.ipPermissions.items[1].fromPort = 22 }", False),
        ('{ $.detail.requestParameters.ipPermissions.items[0].fromPort = "22" }', False),
        ("{ $.detail.errorCode NOT EXISTS }", True),
        ("{ $.detail.eventName NOT EXISTS }", False),
        ("{ $.detail.responseElements IS NULL }", True),
        ("{ $.detail.readOnly IS FALSE }", True),
        ("{ $.detail.readOnly IS TRUE }", False),
        ('{ $.detail.errorCode != "x" }', False),
        (
            '{ ($.source = "aws.ec2") && ($.detail.eventName = "Create*" || $.detail.userIdentity.userName = alice) }',
            True,
        ),
        ('{ $.source = "aws.s3" || ($.detail.eventName = "X" && $.source = "aws.ec2") }', False),
    ],
)
def test_json_patterns(pattern: str, expected: bool) -> None:
    compiled = compile_pattern(pattern)
    assert isinstance(compiled, JsonPattern)
    assert compiled.matches(EVENT) is expected


def test_json_pattern_never_matches_text_that_is_not_json() -> None:
    pattern = compile_pattern('{ $.source = "aws.ec2" }')
    assert not pattern.matches(ACCEPT_SSH)
    assert not pattern.matches('["aws.ec2"]')


def test_fields_of_a_json_pattern_lists_its_selectors() -> None:
    assert fields_of("{ ($.a = 1) && ($.b.c NOT EXISTS) || $.a = 2 }") == ["$.a", "$.b.c"]


# Refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("", "empty pattern matches every event"),
        ("   ", "empty pattern matches every event"),
        ("ERROR", "only space-delimited"),
        ('"Access Denied"', "only space-delimited"),
        ("?ERROR ?WARN", "only space-delimited"),
        ("%ERROR [0-9]+%", "only space-delimited"),
        ("[]", "empty slot"),
        ("[a, , b]", "empty slot"),
        ("[a, ..., b, ...]", "more than one ..."),
        ("[a, a]", "used twice"),
        ("[a, b=1 && c=2]", "not a field of the pattern"),
        ("[a b]", "expected a comparison"),
        ("[account-id, b]", "starts with its field name"),
        ("[a, (b=1 || b=2)]", "starts with its field name"),
        ("[a, b=%x[0-9]%]", "regular expressions"),
        ("[a, 1b=2]", "slot starts with its field name"),
        ("[a, b<abc]", "needs a number"),
        ('[a, b>="x"]', "needs a number"),
        ("[a, b=]", "ends too early"),
        ("[a, b=1 &&]", "ends too early"),
        ("[a, (b=1]", "unbalanced ("),
        ("[a, b=1)]", "unbalanced )"),
        ('[a, b="x]', "unterminated string"),
        ("[a, b=1 c=2]", "unexpected"),
        ("{}", "empty JSON pattern"),
        ("{ $.a[*].b = 1 }", "wildcard selectors are not supported"),
        ("{ $.* = 1 }", "wildcard selectors are not supported"),
        ("{ a.b = 1 }", "starts with $"),
        ("{ $ = 1 }", "selects nothing"),
        ("{ $.a = }", "ends too early"),
        ("{ $.a IS MISSING }", "supported tests are"),
        ("{ $.a EXISTS }", "expected op"),
        ('{ $.a < "x" }', "needs a number"),
        ("{ $.a = 1 && }", "ends too early"),
        ("{ ($.a = 1 }", "ends too early"),
        ("{ ($.a = 1 $.b = 2) }", "expected rparen"),
        ("{ $.a = %regex% }", "regular expressions"),
    ],
)
def test_refuses_what_it_cannot_evaluate(pattern: str, reason: str) -> None:
    with pytest.raises(FilterPatternError) as raised:
        compile_pattern(pattern)
    assert reason in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_refuses_a_non_string() -> None:
    with pytest.raises(FilterPatternError, match="is a string"):
        compile_pattern(None)  # type: ignore[arg-type]


# The flow-log fixtures ----------------------------------------------------------------------


def fixture_records() -> dict[str, list[str]]:
    return {path.name: load_records(path) for path in sorted(FLOW_LOGS.glob("*.log"))}


def test_flow_log_fixtures_share_one_width_and_cover_every_case() -> None:
    records = fixture_records()
    assert set(records) >= {
        "ssh.log",
        "rdp.log",
        "port-scan.log",
        "large-transfer.log",
        "https.log",
        "nodata-skipdata.log",
    }
    widths = {len(split_record(r)) for rs in records.values() for r in rs}
    assert widths == {18}, "every fixture record has the vpc component's 18 fields"
    statuses = {split_record(r)[13] for rs in records.values() for r in rs}
    assert statuses == {"OK", "NODATA", "SKIPDATA"}


def test_load_records_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    fixture = tmp_path / "x.log"
    fixture.write_text("# a comment\n\n" + ACCEPT_SSH + "\n  # indented comment\n" + NODATA + "\n")
    assert load_records(fixture) == [ACCEPT_SSH, NODATA]
