"""Parsers for the response headers the REST checks judge: Allow, Retry-After, HTTP dates,
Deprecation and Link. Pure functions: each returns a value or raises ValueError with a
sentence that can go straight into a failure message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

# RFC 9110 §5.6.7: IMF-fixdate is what a server must send, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
_IMF_FIXDATE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"(\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$"
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HTTP_DATE_EXAMPLE = "Sun, 06 Nov 1994 08:49:37 GMT"


def parse_http_date(text: str) -> datetime:
    """An IMF-fixdate (the only HTTP-date form a server may generate), as an aware UTC datetime."""
    match = _IMF_FIXDATE.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not an HTTP date; the format is IMF-fixdate, e.g. {HTTP_DATE_EXAMPLE!r}")
    weekday, day, month, year, hour, minute, second = match.groups()
    try:
        value = datetime(int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second),
                         tzinfo=UTC)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None
    if _WEEKDAYS[value.weekday()] != weekday:
        raise ValueError(f"{text!r}: {value.date()} is a {_WEEKDAYS[value.weekday()]}, not a {weekday}")
    return value


def format_http_date(value: datetime) -> str:
    value = value.astimezone(UTC)
    return (f"{_WEEKDAYS[value.weekday()]}, {value.day:02d} {_MONTHS[value.month - 1]} {value.year:04d} "
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} GMT")


def retry_after_seconds(text: str | None, *, now: datetime) -> float:
    """RFC 9110 §10.2.3: delay-seconds or an HTTP date; the wait it asks for, in seconds.

    Zero is legal but tells a client nothing, so this course asks for a positive delay. A date
    may lie up to a second in the past: it has one-second resolution and the clocks tick on.
    """
    if text is None or not text.strip():
        raise ValueError("there is no Retry-After header")
    value = text.strip()
    if value.isdigit():
        seconds = int(value)
        if seconds <= 0:
            raise ValueError(f"Retry-After: {value} asks for no wait at all; give the seconds until a write "
                             "is allowed again (at least 1)")
        return float(seconds)
    if re.fullmatch(r"-?\d+(\.\d+)?", value):
        raise ValueError(f"Retry-After: {value} is not a whole, non-negative number of seconds")
    try:
        when = parse_http_date(value)
    except ValueError as exc:
        raise ValueError(f"Retry-After must be whole seconds or an HTTP date: {exc}") from None
    delay = (when - now).total_seconds()
    if delay < -1.0:
        raise ValueError(f"Retry-After: {value} lies {-delay:.0f} s in the past")
    return max(delay, 0.0)


@dataclass(frozen=True)
class Deprecation:
    """When a resource was (or will be) deprecated; None when only announced as `true`."""

    when: datetime | None
    form: str  # "rfc9745" (@epoch), "http-date" or "true" (both from earlier drafts)


def parse_deprecation(text: str | None) -> Deprecation:
    """RFC 9745: `Deprecation: @1688169599` (a structured-field date); earlier drafts sent an
    HTTP date or `true`, which clients still meet in the wild and this course accepts."""
    if text is None or not text.strip():
        raise ValueError("there is no Deprecation header")
    value = text.strip()
    if re.fullmatch(r"@-?\d{1,15}", value):
        return Deprecation(datetime.fromtimestamp(int(value[1:]), UTC), "rfc9745")
    if value.lower() == "true":
        return Deprecation(None, "true")
    try:
        return Deprecation(parse_http_date(value), "http-date")
    except ValueError:
        raise ValueError(f"Deprecation: {value!r} is neither an RFC 9745 date (@<unix seconds>, e.g. "
                         f"@1767225600) nor an HTTP date") from None


@dataclass(frozen=True)
class Link:
    target: str
    rels: frozenset[str]


_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_PARAM_VALUE = r"\"(?:[^\"\\]|\\.)*\"|[^;,\s\"]+"  # a quoted string may hold commas and semicolons
_LINK_PARAM = re.compile(rf"\s*;\s*({_TOKEN})\s*(?:=\s*({_PARAM_VALUE}))?")
_LINK_VALUE = re.compile(rf"\s*<([^>]*)>((?:{_LINK_PARAM.pattern})*)\s*")


def parse_links(text: str | None) -> list[Link]:
    """RFC 8288 Link header values; `rel` may hold several space-separated relation types."""
    links: list[Link] = []
    rest = (text or "").strip()
    while rest:
        match = _LINK_VALUE.match(rest)
        if match is None:
            raise ValueError(f"Link: cannot read {rest!r}; the form is </path>; rel=\"relation\"")
        target, params = match.group(1), match.group(2)
        rels: set[str] = set()
        for name, raw in _LINK_PARAM.findall(params):
            if name.lower() == "rel" and raw:
                rels.update(raw.strip('"').lower().split())
        links.append(Link(target, frozenset(rels)))
        rest = rest[match.end():].lstrip()
        if rest.startswith(","):
            rest = rest[1:].lstrip()
        elif rest:
            raise ValueError(f"Link: unexpected text {rest!r} after <{target}>")
    return links


def parse_allow(text: str | None) -> set[str]:
    """The methods an Allow header lists (method names are case-sensitive: RFC 9110 §9.1)."""
    return {part.strip() for part in (text or "").split(",") if part.strip()}
