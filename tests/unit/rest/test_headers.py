"""Header parsers: what each accepts, and the sentence each rejection carries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harness.validators.rest.header_parsing import (
    format_http_date,
    parse_allow,
    parse_deprecation,
    parse_http_date,
    parse_links,
    retry_after_seconds,
)

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


def test_http_date_round_trip() -> None:
    value = parse_http_date("Sat, 01 Jan 2028 00:00:00 GMT")
    assert value == datetime(2028, 1, 1, tzinfo=UTC)
    assert format_http_date(value) == "Sat, 01 Jan 2028 00:00:00 GMT"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Sat Jan 01 2028 00:00:00 GMT+0000 (Coordinated Universal Time)", "IMF-fixdate"),  # JS toString()
        ("2028-01-01T00:00:00+00:00", "IMF-fixdate"),  # isoformat()
        ("Sat, 01 Jan 2028 00:00:00 UTC", "IMF-fixdate"),
        ("Mon, 01 Jan 2028 00:00:00 GMT", "is a Sat, not a Mon"),
        ("Sat, 31 Feb 2028 00:00:00 GMT", "not a real date"),
    ],
)
def test_http_date_rejections_say_why(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_http_date(text)


@pytest.mark.parametrize(("text", "seconds"), [("1", 1.0), ("120", 120.0), (" 5 ", 5.0)])
def test_retry_after_delay_seconds(text: str, seconds: float) -> None:
    assert retry_after_seconds(text, now=NOW) == seconds


def test_retry_after_http_date_in_the_future_and_just_past() -> None:
    assert retry_after_seconds("Sat, 28 Nov 2026 12:00:30 GMT", now=NOW) == 30.0
    # One-second resolution: a date a moment ago still means "now".
    assert retry_after_seconds("Sat, 28 Nov 2026 11:59:59 GMT", now=NOW) == 0.0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (None, "no Retry-After"),
        ("", "no Retry-After"),
        ("0", "no wait at all"),
        ("1.5", "whole, non-negative"),
        ("-3", "whole, non-negative"),
        ("soon", "whole seconds or an HTTP date"),
        ("Sat, 28 Nov 2026 11:00:00 GMT", "in the past"),
    ],
)
def test_retry_after_rejections(text: str | None, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        retry_after_seconds(text, now=NOW)


def test_deprecation_forms() -> None:
    rfc = parse_deprecation("@1767225600")
    assert rfc.form == "rfc9745" and rfc.when == datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_deprecation("true").when is None
    assert parse_deprecation("Thu, 01 Jan 2026 00:00:00 GMT").form == "http-date"
    with pytest.raises(ValueError, match="RFC 9745"):
        parse_deprecation("2026-01-01")
    with pytest.raises(ValueError, match="no Deprecation"):
        parse_deprecation(None)


def test_links() -> None:
    links = parse_links('</v1/books>; rel="successor-version", <https://docs.example/x>; rel=help; title="a, b"')
    assert links[0].target == "/v1/books" and links[0].rels == {"successor-version"}
    assert links[1].rels == {"help"}
    assert parse_links('<http://h/v1/books>; rel="latest-version successor-version"')[0].rels == {
        "latest-version", "successor-version"}
    assert parse_links(None) == []
    with pytest.raises(ValueError, match="cannot read"):
        parse_links("/v1/books; rel=successor-version")


def test_allow() -> None:
    assert parse_allow("GET, HEAD,PATCH ,DELETE") == {"GET", "HEAD", "PATCH", "DELETE"}
    assert parse_allow("") == set() and parse_allow(None) == set()
