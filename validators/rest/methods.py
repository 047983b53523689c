"""A wrong method on a known route: 405 Method Not Allowed with an Allow header (RFC 9110 §15.5.6)."""

from __future__ import annotations

from harness import expect
from harness.registry import CheckContext, check

from ..shelf import values
from ..shelf.api import ShelfApi
from .header_parsing import parse_allow

HINT = ("A route that exists but does not take this method answers 405 with Allow listing the methods it does "
        "take, and the usual problem+json body. Express: after router.route('/:id').get(...).patch(...)"
        ".delete(...) add .all(...) that sets Allow and sends 405. FastAPI/Starlette raise 405 themselves, but "
        "their Allow lists only the methods of the first route that matched the path: collect the methods of "
        "every route with that path.")


@check("rest.methods.not_allowed", points=2, timeout_s=30)
def wrong_methods_get_405_with_allow(ctx: CheckContext) -> None:
    """A wrong method on a known route answers 405 with Allow and a problem document.

    Sends PUT to a book, DELETE to the book collection and PUT to an author: each must be
    405 (not 404, not 500), list every method the route takes in Allow, and carry an
    application/problem+json body.
    """
    data = ShelfApi(ctx)
    author = data.author()
    book = data.book(author.id)
    probes = [
        ("PUT", "/v1/books/{id}", f"/v1/books/{book.id}", {"GET", "PATCH", "DELETE"},
         {"title": "The Replaced Edition", "isbn": values.isbn13(ctx.unique), "author_id": author.id}),
        ("DELETE", "/v1/books", "/v1/books", {"GET", "POST"}, None),
        ("PUT", "/v1/authors/{id}", f"/v1/authors/{author.id}", {"GET"}, {"name": "Grace Hopper"}),
    ]
    for method, route, path, methods, body in probes:
        what = f"{method} {route}"
        response = data.http.request(method, path, json=body)  # waits out a 429, as clients do
        expect.status(response, 405, what=what, hint=HINT)
        allow = response.headers.get("allow")
        listed = parse_allow(allow)
        wanted = ", ".join(sorted(methods))
        if allow is None:
            raise expect.fail(response, f"{what}: the 405 has no Allow header", expected=f"Allow: {wanted}",
                              hint=HINT)
        if not methods <= listed or method in listed:
            raise expect.fail(response, f"{what}: Allow says {allow!r}, but this route takes {wanted}",
                              expected=f"Allow: {wanted}", hint=HINT)
        expect.problem_json(response, what=what, status_code=405)
