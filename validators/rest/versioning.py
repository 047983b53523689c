"""URL versioning: the resources live under /v1 and nowhere else."""

from __future__ import annotations

from harness import expect
from harness.registry import CheckContext, check

from ..shelf import values
from ..shelf.api import ShelfApi

HINT = ("Mount every resource router under /v1 only (app.use('/v1/books', books) in Express, "
        "APIRouter(prefix=\"/v1\") in FastAPI). Old unversioned paths that keep answering become a second API "
        "that nobody documents; a client that must move gets a 404, or a deprecated alias with Sunset.")


@check("rest.versioning.url_prefix", points=1, timeout_s=30)
def resources_live_only_under_v1(ctx: CheckContext) -> None:
    """The resources answer under /v1 only: /books, /authors/{id} and /v2/books are 404.

    Lists /v1/books (200) and fetches an author under /v1, then asks for the same resources
    without the version prefix and under an unknown version.
    """
    data = ShelfApi(ctx)
    author = data.author()
    book = data.book(author.id)
    listed = ctx.http.get("/v1/books", params={"limit": 1})
    expect.status(listed, 200, what="GET /v1/books?limit=1", hint="The versioned resources must answer.")
    expect.status(ctx.http.get(f"/v1/books/{book.id}"), 200, what="GET /v1/books/{id}")
    probes = [
        ("GET", "/books", "/books", None),
        ("GET", "/books/{id}", f"/books/{book.id}", None),
        ("GET", "/authors/{id}", f"/authors/{author.id}", None),
        ("POST", "/authors", "/authors", {"name": values.person_name(ctx.rng)}),
        ("GET", "/v2/books", "/v2/books", None),
        ("GET", "/api/v1/books", "/api/v1/books", None),
    ]
    for method, route, path, body in probes:
        response = data.http.request(method, path, json=body)  # waits out a 429, as clients do
        unversioned = not route.startswith(("/v2", "/api"))
        what = f"{method} {route} ({'no version prefix' if unversioned else 'not a version of this API'})"
        expect.status(response, 404, what=what, hint=HINT)
