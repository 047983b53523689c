"""A page holds at most `limit` books (catches testing.catches.page_limit)."""

from factories import fresh, new_author, new_book


def test_a_page_holds_exactly_limit_books_and_points_to_the_next(client):
    tag = fresh("tag")
    author = new_author(client)
    made = [new_book(client, author_id=author["id"], tags=[tag])["id"] for _ in range(3)]

    res = client.get("/v1/books", params={"tag": tag, "limit": 2})
    assert res.status_code == 200, res.text
    page = res.json()
    assert [b["id"] for b in page["items"]] == made[:2]
    assert page["next_cursor"]

    rest = client.get("/v1/books", params={"tag": tag, "limit": 2, "cursor": page["next_cursor"]}).json()
    assert [b["id"] for b in rest["items"]] == made[2:]
    assert rest["next_cursor"] is None


def test_a_page_as_large_as_the_list_has_no_next_cursor(client):
    tag, author = fresh("tag"), new_author(client)
    made = [new_book(client, author_id=author["id"], tags=[tag])["id"] for _ in range(3)]
    page = client.get("/v1/books", params={"tag": tag, "limit": 3}).json()
    assert [b["id"] for b in page["items"]] == made
    assert page["next_cursor"] is None


def test_limit_1_gives_one_book(client):
    tag, author = fresh("tag"), new_author(client)
    for _ in range(2):
        new_book(client, author_id=author["id"], tags=[tag])
    page = client.get("/v1/books", params={"tag": tag, "limit": 1}).json()
    assert len(page["items"]) == 1
    assert page["next_cursor"]
