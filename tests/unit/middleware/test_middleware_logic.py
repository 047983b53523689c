"""The pure logic of the middleware checks (validators/middleware/): Cache-Control judged for
assets and pages, error bodies that show the server's insides, request id validity, body sizes,
preflight grants, upload receipts, and the raw fetch that keeps a gzip'd body as it came."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator

import httpx
import pytest

from harness.validators.middleware import body, cors, plain_http, request_id, static, upload


def test_cache_control_directives_are_read_case_insensitively_with_their_arguments() -> None:
    directives = plain_http.cache_directives('Public, MAX-AGE="600", immutable')
    assert directives == {"public": None, "max-age": "600", "immutable": None}
    assert plain_http.max_age(directives) == 600
    assert plain_http.max_age(plain_http.cache_directives("max-age=soon")) is None
    assert plain_http.cache_directives(None) == {}


@pytest.mark.parametrize(("value", "words"), [
    ("public, max-age=31536000, immutable", None),
    ("public, max-age=63072000, immutable", None),
    ("public, max-age=0", "not max-age of a year"),
    ("public, max-age=31557600", "lacks immutable"),
    ("no-cache, max-age=31536000, immutable", "keeps shared caches or reuse out"),
    (None, "(none)"),
])
def test_an_asset_must_be_cached_a_year_and_immutable(value: str | None, words: str | None) -> None:
    problem = static.asset_problem({"cache-control": value} if value else {})
    assert problem is None if words is None else words in (problem or "")


@pytest.mark.parametrize(("value", "words"), [
    ("no-cache", None),
    ("public, max-age=0, no-cache", None),
    ("public, max-age=0", "not no-cache"),
    ("no-cache, max-age=600", "reused without asking"),
    ("public, max-age=31536000, immutable", "not no-cache"),
])
def test_the_page_must_be_revalidated_before_each_use(value: str, words: str | None) -> None:
    problem = static.page_problem({"cache-control": value})
    assert problem is None if words is None else words in (problem or "")


@pytest.mark.parametrize(("text", "found"), [
    ('{"error": "Internal Server Error"}', None),
    ('{"error": "cannot read /srv/app/data/inventory.json"}', "/srv/app/data/inventory.json"),
    ('{"error": "x", "where": "at handler (/srv/app/src/routes.js:48:9)"}', "at handler (/srv/app/src/routes.js:48:9)"),
    ('{"error": "C:\\\\app\\\\src\\\\routes.ts failed"}', "C:\\\\app\\\\src\\\\routes.ts"),
    ('{"error": "no such item"}', None),
    ('{"error": "no route for GET /nothing-r1-2"}', None),
    ('{"error": "in /home/learner/project"}', "/home/learner/project"),
])
def test_an_error_body_shows_no_stack_frame_nor_source_path(text: str, found: str | None) -> None:
    assert plain_http.insides(text, "/home/learner/project") == found


def test_a_stack_in_one_json_string_is_shown_cut_short() -> None:
    stack = "Error: x\n    at /srv/app/src/routes.js:48:9" + "\n    at next (/srv/app/node_modules/r.js:1:1)" * 20
    found = plain_http.insides(json.dumps({"error": "x", "stack": stack}))
    assert found is not None and found.startswith("at ") and found.endswith("…")
    assert len(found) == plain_http.SHOWN + 1


@pytest.mark.parametrize(("value", "valid"), [
    ("3b241101-e2bb-4255-8caf-4136c566a962", True), ("req-r1-2", True), ("a.b_c-D", True),
    ("x" * 64, True), ("x" * 65, False), ("", False), ("has space", False), ("a<b>", False),
    ("line\nbreak", False), (None, False),
])
def test_a_request_id_is_1_to_64_safe_characters(value: str | None, valid: bool) -> None:
    assert request_id.valid_request_id(value) is valid


@pytest.mark.parametrize("size", [40, 16384, 16385, 1 << 20])
def test_an_item_body_has_exactly_the_size_asked_and_is_an_item(size: int) -> None:
    data = body.item_body("item-r1-1", size)
    assert len(data) == size
    assert json.loads(data)["name"] == "item-r1-1"
    assert "head -c" in body.reproduce("item-r1-1", size) and "$PORT/items" in body.reproduce("item-r1-1", size)


def test_a_body_too_small_for_the_item_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot hold"):
        body.item_body("item-r1-1", 10)


@pytest.mark.parametrize(("headers", "words"), [
    ({"access-control-allow-methods": "GET,POST", "access-control-allow-headers": "Content-Type,X-Request-Id"}, None),
    ({"access-control-allow-methods": "*", "access-control-allow-headers": "*"}, None),
    ({"access-control-allow-methods": "GET", "access-control-allow-headers": "content-type, x-request-id"},
     "without POST"),
    ({"access-control-allow-methods": "GET, POST", "access-control-allow-headers": "content-type"},
     "without x-request-id"),
    ({}, "without GET"),
])
def test_a_preflight_grants_the_labs_methods_and_headers(headers: dict[str, str], words: str | None) -> None:
    problem = cors.preflight_problem(headers)
    assert problem is None if words is None else words in (problem or "")


def test_the_foreign_origins_include_near_misses_of_both_allowed_ones() -> None:
    assert "https://app.example.test.evil.test" in cors.FOREIGN and "http://app.example.test" in cors.FOREIGN
    assert "http://localhost:5174" in cors.FOREIGN and not set(cors.ALLOWED) & set(cors.FOREIGN)


def _answer(payload: object) -> httpx.Response:
    return httpx.Response(201, json=payload, request=httpx.Request("POST", "http://app/uploads"))


def test_an_upload_receipt_counts_and_hashes_what_was_sent() -> None:
    data = b"\x00\xffharness" * 3
    digest = hashlib.sha256(data).hexdigest()
    assert upload.receipt_problem(_answer({"bytes": len(data), "sha256": digest}), data) is None
    assert "the upload had" in (upload.receipt_problem(_answer({"bytes": 3, "sha256": digest}), data) or "")
    assert "not the SHA-256" in (upload.receipt_problem(_answer({"bytes": len(data), "sha256": "0"}), data) or "")
    assert "not a JSON object" in (upload.receipt_problem(_answer([1]), data) or "")


class _Gzipping(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        packed = gzip.compress(b'{"a": 1}')
        self.send_response(200)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Origin")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(packed)))
        self.end_headers()
        self.wfile.write(packed)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def gzipping_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Gzipping)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_raw_fetch_keeps_the_body_as_sent_and_joins_repeated_headers(gzipping_server: str) -> None:
    answer = plain_http.fetch(gzipping_server, "GET", "/catalog", {"Accept-Encoding": "gzip"})
    assert answer.status == 200 and gzip.decompress(answer.body) == b'{"a": 1}'
    assert answer.headers["vary"] == "Origin, Accept-Encoding"


def test_the_raw_fetch_reports_a_closed_port_as_no_answer() -> None:
    with pytest.raises(plain_http.NoAnswer):
        plain_http.fetch("http://127.0.0.1:1", "GET", "/")
