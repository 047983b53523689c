"""Static files and their caching: fingerprinted assets cached for a year, index.html revalidated
on every use, both with a validator (ETag or Last-Modified) that makes revalidation a 304."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from harness import expect
from harness.registry import CheckContext, check

from .plain_http import cache_directives, max_age

ASSET = "/assets/app.3f9a1c2e.js"
YEAR_S = 31_536_000
HINT = ("Serve public/ with express.static (Fastify: @fastify/static) in two mounts: /assets with "
        "{ maxAge: 31536000 * 1000, immutable: true }, and the rest with Cache-Control: no-cache "
        "(setHeaders: (res) => res.set('Cache-Control', 'no-cache')). Keep etag and lastModified on.")


def asset_problem(headers: Mapping[str, str]) -> str | None:
    """A fingerprinted asset may be kept a year without asking again."""
    directives = cache_directives(headers.get("cache-control"))
    age = max_age(directives)
    if directives.keys() & {"no-cache", "no-store", "private"}:
        return f"Cache-Control: {headers.get('cache-control')} keeps shared caches or reuse out"
    if age is None or age < YEAR_S:
        return f"Cache-Control: {headers.get('cache-control') or '(none)'} is not max-age of a year ({YEAR_S})"
    if "immutable" not in directives:
        return "Cache-Control lacks immutable (browsers then revalidate the asset on reload)"
    return None


def page_problem(headers: Mapping[str, str]) -> str | None:
    """index.html names the current assets: it may be stored, but never used without revalidation."""
    directives = cache_directives(headers.get("cache-control"))
    if "no-cache" not in directives:
        return (f"Cache-Control is {headers.get('cache-control') or '(none)'}, not no-cache: a browser may keep an "
                "old page that names assets no longer served")
    if "immutable" in directives or (max_age(directives) or 0) > 0:
        return f"Cache-Control: {headers.get('cache-control')} lets the page be reused without asking"
    return None


def _validator(response: httpx.Response) -> dict[str, str] | None:
    """The conditional request header that revalidates this answer, or None when it has no validator."""
    if response.headers.get("etag"):
        return {"If-None-Match": response.headers["etag"]}
    if response.headers.get("last-modified"):
        return {"If-Modified-Since": response.headers["last-modified"]}
    return None


@check("middleware.static.cache_control", points=2, timeout_s=30)
def static_files_carry_the_right_cache_control(ctx: CheckContext) -> None:
    """Fingerprinted assets are cached for a year (immutable), index.html is no-cache, and both revalidate to 304.

    GET /assets/app.3f9a1c2e.js: 200 with Cache-Control max-age of at least 31536000 and
    immutable; GET / and GET /index.html: 200, text/html, Cache-Control: no-cache. Each carries
    an ETag or Last-Modified, and a GET with If-None-Match (or If-Modified-Since) gets 304.
    """
    for path, judge, wanted in ((ASSET, asset_problem, f"Cache-Control: public, max-age={YEAR_S}, immutable"),
                                ("/", page_problem, "Cache-Control: no-cache"),
                                ("/index.html", page_problem, "Cache-Control: no-cache")):
        response = ctx.http.get(path)
        expect.status(response, 200, what=f"GET {path}", hint=HINT)
        if path != ASSET and "text/html" not in response.headers.get("content-type", ""):
            raise expect.fail(response, f"GET {path} does not answer index.html", expected="Content-Type: text/html",
                              hint=HINT)
        problem = judge(response.headers)
        if problem:
            raise expect.fail(response, f"GET {path}: {problem}", expected=wanted, hint=HINT)
        conditional = _validator(response)
        if conditional is None:
            raise expect.fail(response, f"GET {path} has neither ETag nor Last-Modified",
                              expected=f"{wanted} and an ETag (or Last-Modified) to revalidate with", hint=HINT)
        again = ctx.http.get(path, headers=conditional)
        expect.status(again, 304, what=f"GET {path} with {next(iter(conditional))} from its last answer",
                      hint="A conditional GET whose validator still matches is answered 304 Not Modified with no "
                           "body (express.static and @fastify/static do it when etag or lastModified is on).")
