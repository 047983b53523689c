"""HTTP/1.1 semantics of a plain server (RFC 9110, 9112): status codes, HEAD, 405 + Allow, ETag and
If-None-Match, persistent connections. The routes are the lab's API (LAB.md, "The API")."""

from __future__ import annotations

import http.client
import json
import socket

from harness import expect, httpcap
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from . import raw_http
from .notes import create_note

HELLO = "hello, world"


@check("web.http.status_codes", points=2, timeout_s=30)
def routes_answer_with_the_right_status_codes(ctx: CheckContext) -> None:
    """Each route answers with the status code its outcome calls for: 200, 201 + Location, 204, 400, 404.

    GET /hello; POST /notes (201, a Location that GET answers with the same note); the note in
    GET /notes; three bodies POST /notes refuses (not JSON, no text, an empty text: 400); DELETE
    (204, no body) and the same DELETE and GET again (404); an unknown path (404).
    """
    hello = ctx.http.get("/hello")
    expect.status(hello, 200, what="GET /hello")
    if hello.text != HELLO:
        raise expect.fail(hello, "GET /hello: the body is not the text the API promises", expected=repr(HELLO))
    text = ctx.unique("note")
    note, location, created = create_note(ctx, text)
    expect.status(created, 201, what="POST /notes", hint="A POST that creates a resource answers 201 Created.")
    if created.headers.get("location") != location:
        raise expect.fail(created, "POST /notes: Location is not the new note's path",
                          expected=f"Location: {location}", hint="Set Location: /notes/<id> on the 201.")
    got = ctx.http.get(location)
    expect.status(got, 200, what=f"GET {location} (the Location of the new note)")
    body = expect.json_object(got, what=f"GET {location}")
    if body != note:
        raise expect.fail(got, f"GET {location} answers another note than POST created", expected=json.dumps(note))
    listed = ctx.http.get("/notes")
    expect.status(listed, 200, what="GET /notes")
    items = expect.json_body(listed, what="GET /notes")
    if not isinstance(items, list) or note not in items:
        raise expect.fail(listed, "GET /notes does not list the note just created", expected=f"a list with {note}")
    for what, content in (("a body that is not JSON", '{"text": '), ("a body without text", "{}"),
                          ("an empty text", '{"text": ""}')):
        refused = ctx.http.post("/notes", content=content, headers={"content-type": "application/json"})
        expect.status(refused, 400, what=f"POST /notes with {what}",
                      hint="Refuse a body the API cannot use with 400 Bad Request, before storing anything.")
    deleted = ctx.http.delete(location)
    expect.status(deleted, 204, what=f"DELETE {location}")
    if deleted.content:
        raise expect.fail(deleted, f"DELETE {location}: a 204 has a body", expected="204 with no body")
    for method in ("DELETE", "GET"):
        again = ctx.http.request(method, location)
        expect.status(again, 404, what=f"{method} {location} after it was deleted")
    unknown = f"/{ctx.unique('nowhere')}"
    expect.status(ctx.http.get(unknown), 404, what=f"GET {unknown} (no such route)")


@check("web.http.head", points=1, timeout_s=30)
def head_answers_like_get_without_a_body(ctx: CheckContext) -> None:
    """HEAD answers as GET would, with the same status and headers, and no body.

    For /hello and /notes: HEAD's status, Content-Type and Content-Length (and ETag for /notes)
    equal GET's, and nothing follows the header block (read on a socket of the harness's own to
    the end of the connection).
    """
    hint = ("HEAD is GET without the body (RFC 9110 §9.3.2): route HEAD to the GET handler. node:http then "
            "sends the headers only, Content-Length included.")
    for path, names in (("/hello", ("content-type", "content-length")),
                        ("/notes", ("content-type", "content-length", "etag"))):
        get = ctx.http.get(path)
        expect.status(get, 200, what=f"GET {path}")
        head = raw_http.bodiless(ctx.app.base_url, "HEAD", path)
        reproduce = raw_http.curl_line("HEAD", path)
        if head.status != get.status_code:
            raise Failure(f"HEAD {path} answers {head.status}, GET {path} answers {get.status_code}",
                          expected=f"HEAD {path} -> {get.status_code}", actual=f"HEAD {path} -> {head.status}",
                          hint=hint, reproduce=reproduce)
        for name in names:
            if head.headers.get(name) != get.headers.get(name):
                raise Failure(f"HEAD {path}: {name} differs from GET's", expected=f"{name}: {get.headers.get(name)}",
                              actual=f"{name}: {head.headers.get(name)}", hint=hint, reproduce=reproduce)
        if head.stray:
            raise Failure(f"HEAD {path} sent a body", expected="nothing after the header block",
                          actual=repr(head.stray[:200]), hint=hint, reproduce=reproduce)


@check("web.http.not_allowed", points=2, timeout_s=30)
def wrong_method_gets_405_with_allow(ctx: CheckContext) -> None:
    """A method a route does not take answers 405 with Allow listing the methods it takes.

    PUT /hello, DELETE /notes, PATCH and POST on a note: 405 (not 404, not 501) with an Allow
    header naming exactly the route's methods (HEAD with GET; OPTIONS may be listed too).
    """
    _, location, _ = create_note(ctx, ctx.unique("note"))
    probes = (("PUT", "/hello", {"GET", "HEAD"}), ("DELETE", "/notes", {"GET", "HEAD", "POST"}),
              ("PATCH", location, {"GET", "HEAD", "DELETE"}), ("POST", location, {"GET", "HEAD", "DELETE"}))
    for method, path, methods in probes:
        wanted = ", ".join(sorted(methods))
        hint = ("Match the path first, then the method: a path that exists with another method is 405 Method "
                f"Not Allowed, with Allow: {wanted} (RFC 9110 §15.5.6). 404 is for paths that do not exist.")
        response = ctx.http.request(method, path, content=b"{}" if method != "DELETE" else None)
        expect.status(response, 405, what=f"{method} {path}", hint=hint)
        allow = response.headers.get("allow")
        listed = {m.strip().upper() for m in (allow or "").split(",") if m.strip()}
        if listed - {"OPTIONS"} != methods:
            raise expect.fail(response, f"{method} {path}: Allow is {allow!r}, the route takes {wanted}",
                              expected=f"Allow: {wanted}", hint=hint)
    ctx.http.delete(location)


def _quoted_etag(value: str | None) -> bool:
    tag = (value or "").removeprefix("W/")
    return len(tag) >= 2 and tag[0] == tag[-1] == '"' and '"' not in tag[1:-1]


@check("web.http.etag", points=2, timeout_s=30)
def etag_and_if_none_match_give_304(ctx: CheckContext) -> None:
    """GET /notes carries an ETag; If-None-Match with it (alone or in a list) gives 304 without a body.

    A matching If-None-Match (the tag, the tag in a list, the tag marked weak) is 304 with the
    ETag and no body; another tag is 200; after a POST, and again after a DELETE, the old tag gets
    200 and a new ETag.
    """
    hint = ("Derive the ETag from the content (a hash of the JSON you send), quoted: ETag: \"...\". "
            "If-None-Match is a comma-separated list compared weakly (ignore a W/ prefix, RFC 9110 §13.1.2): "
            "any tag that matches gives 304 Not Modified with the ETag and no body.")
    first = ctx.http.get("/notes")
    expect.status(first, 200, what="GET /notes")
    etag = first.headers.get("etag")
    if not _quoted_etag(etag):
        raise expect.fail(first, "GET /notes has no valid ETag", expected='ETag: "<opaque tag>" (quoted)', hint=hint)
    assert etag is not None
    strong = etag.removeprefix("W/")
    for header in (etag, f'"harness-other", {etag}', f"W/{strong}"):
        sent = {"If-None-Match": header}
        answer = raw_http.bodiless(ctx.app.base_url, "GET", "/notes", sent)
        if answer.status != 304 or answer.stray or not answer.headers.get("etag"):
            raise Failure(f"GET /notes with If-None-Match: {header} is not a bare 304",
                          expected="304 Not Modified, the ETag, no body",
                          actual=f"{answer.status}, ETag {answer.headers.get('etag')!r}, "
                                 f"{len(answer.stray)} bytes after the headers",
                          hint=hint, reproduce=raw_http.curl_line("GET", "/notes", sent))
    other = ctx.http.get("/notes", headers={"If-None-Match": '"harness-other"'})
    expect.status(other, 200, what='GET /notes with If-None-Match: "harness-other" (a tag it never sent)', hint=hint)
    _, location, _ = create_note(ctx, ctx.unique("note"))
    changed = ctx.http.get("/notes", headers={"If-None-Match": etag})
    expect.status(changed, 200, what="GET /notes with the ETag from before a POST changed the list", hint=hint)
    if changed.headers.get("etag") in (None, etag):
        raise expect.fail(changed, "the list changed but its ETag did not", expected="a new ETag", hint=hint)
    # A DELETE changes the list too: a tag that only counts POSTs gives the old list's tag to a new list.
    after_post = str(changed.headers.get("etag"))
    expect.status(ctx.http.delete(location), 200, 204, what=f"DELETE {location}")  # 204: status_codes judges it
    shrunk = ctx.http.get("/notes", headers={"If-None-Match": after_post})
    expect.status(shrunk, 200, what="GET /notes with the ETag from before a DELETE changed the list", hint=hint)
    if shrunk.headers.get("etag") in (None, after_post):
        raise expect.fail(shrunk, "a DELETE changed the list but its ETag did not", expected="a new ETag",
                          hint=hint)


@check("web.http.keep_alive", points=2, timeout_s=30)
def one_connection_carries_several_requests(ctx: CheckContext) -> None:
    """Several requests, one after another, travel on one connection (HTTP/1.1 persistence).

    The harness opens one socket and sends GET /hello, POST /notes, GET /notes, an unknown path
    (404), PUT /hello (405) and GET /hello on it, each after the previous answer: each must be
    answered on that socket, none marked Connection: close.
    """
    host, port = raw_http.address(ctx.app.base_url)
    body = json.dumps({"text": ctx.unique("note")}).encode()
    # The statuses the API gives (POST's 201 is web.http.status_codes' to judge): a connection kept
    # open only for 404s is no proof, and the starter answers 404 to everything but /health.
    # Errors included (an unknown path, a wrong method): a server that closes the connection after
    # each error answer makes every client open a new one for the next request.
    steps = (("GET", "/hello", b"", {200}), ("POST", "/notes", body, {200, 201}), ("GET", "/notes", b"", {200}),
             ("GET", "/harness-no-such-path", b"", {404}), ("PUT", "/hello", b"", {404, 405}),
             ("GET", "/hello", b"", {200}))
    hint = ("HTTP/1.1 connections persist unless a side says Connection: close (RFC 9112 §9.3). node:http keeps "
            "them open by itself: do not set Connection: close, do not destroy the socket, and leave "
            "server.maxRequestsPerSocket and keepAliveTimeout at their defaults.")
    reproduce = "curl -sv http://localhost:$PORT/hello http://localhost:$PORT/notes 2>&1 | grep -i 're-using\\|closing'"
    with socket.create_connection((host, port), timeout=raw_http.TIMEOUT_S) as sock:
        for number, (method, path, content, statuses) in enumerate(steps, start=1):
            headers = {"Content-Type": "application/json"} if content else None
            try:
                sock.sendall(raw_http.request_bytes(method, path, f"{host}:{port}", body=content, headers=headers))
                response = http.client.HTTPResponse(sock, method=method)
                response.begin()
                httpcap.read_capped(response, f"{method} {path}")
            except (OSError, http.client.HTTPException) as exc:
                raise Failure(f"request {number} of {len(steps)} ({method} {path}) got no answer on the same "
                              "connection", expected="an answer on the connection the previous request used",
                              actual=f"{type(exc).__name__}: {exc}".rstrip(": ") + " (the server closed it)",
                              hint=hint, reproduce=reproduce) from exc
            if response.status not in statuses:
                raise Failure(f"{method} {path} (request {number} on the connection) answers {response.status}",
                              expected=f"status {' or '.join(map(str, sorted(statuses)))}, as LAB.md's API says",
                              actual=f"status {response.status}", hint="Build the routes of LAB.md first (task 1).",
                              reproduce=raw_http.curl_line(method, path))
            if response.will_close and number < len(steps):
                raise Failure(f"{method} {path} (request {number}) ends the connection",
                              expected="the connection kept open for the next request",
                              actual=f"Connection: {response.getheader('connection')}", hint=hint, reproduce=reproduce)
