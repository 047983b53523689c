"""GET /v1/books: filters, sorts and the cursor. Each test lists only the books it made (or
this file's `six`), under a tag, an author or a word of its own."""

import pytest

from factories import assert_problem, fresh, new_author, new_book


def listed(client, **params):
    res = client.get("/v1/books", params=params)
    assert res.status_code == 200, res.text
    return res.json()


def walk(client, **params):
    """Every page, following next_cursor: the books in the order they came."""
    seen, cursor = [], None
    while True:
        page = listed(client, **params, **({"cursor": cursor} if cursor else {}))
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


def test_filter_by_author(client):
    author = new_author(client)
    mine = [new_book(client, author_id=author["id"])["id"] for _ in range(2)]
    new_book(client)  # another author's
    page = listed(client, author_id=author["id"])
    assert [b["id"] for b in page["items"]] == mine
    assert all(b["author"] == author for b in page["items"])
    assert page["next_cursor"] is None


def test_filter_by_tag(client):
    tag = fresh("tag")
    tagged = new_book(client, tags=["common", tag])
    new_book(client, tags=["common"])
    assert [b["id"] for b in listed(client, tag=tag)["items"]] == [tagged["id"]]


def test_q_matches_part_of_the_title_ignoring_case(client):
    word = fresh("Word")
    hit = new_book(client, title=f"The {word} Book")
    new_book(client, title="Something else")
    assert [b["id"] for b in listed(client, q=word.upper())["items"]] == [hit["id"]]


def test_q_matches_percent_and_underscore_literally(client):
    word = fresh("w")
    hit = new_book(client, title=f"{word} 100% sure")
    new_book(client, title=f"{word} 1000 sure")
    assert [b["id"] for b in listed(client, q=f"{word} 100%")["items"]] == [hit["id"]]


def test_filters_combine(client):
    tag, author = fresh("tag"), new_author(client)
    both = new_book(client, author_id=author["id"], tags=[tag])
    new_book(client, author_id=author["id"])
    new_book(client, tags=[tag])
    assert [b["id"] for b in listed(client, tag=tag, author_id=author["id"])["items"]] == [both["id"]]


@pytest.fixture(scope="module")
def six(client):
    """Six books under a tag of their own, made once for the tests below, which only read them:
    shared titles and years, and books without a year, so that a cursor must not skip or repeat."""
    tag, author = fresh("tag"), new_author(client)
    made = [new_book(client, author_id=author["id"], tags=[tag], title=title, year=year)
            for title, year in [("b", 2000), ("a", 1990), ("b", None), ("a", 2000), ("c", 1990), ("a", None)]]
    return tag, made


@pytest.mark.parametrize(("sort", "titles"), [("title", ["a", "a", "a", "b", "b", "c"]),
                                              ("-title", ["c", "b", "b", "a", "a", "a"])])
def test_sort_by_title(client, six, sort, titles):
    tag, _ = six
    assert [b["title"] for b in listed(client, tag=tag, sort=sort)["items"]] == titles


@pytest.mark.parametrize("sort", [None, "title", "-title", "year"])
def test_walking_the_pages_returns_every_book_once_in_order(client, six, sort):
    tag, made = six
    params = {"tag": tag, "limit": 2, **({"sort": sort} if sort else {})}
    seen = walk(client, **params)
    assert sorted(b["id"] for b in seen) == sorted(b["id"] for b in made)
    assert seen == listed(client, tag=tag, limit=100, **({"sort": sort} if sort else {}))["items"]


def test_a_cursor_of_another_sort_answers_422(client, six):
    tag, _ = six
    cursor = listed(client, tag=tag, sort="title", limit=1)["next_cursor"]
    assert_problem(client.get("/v1/books", params={"tag": tag, "sort": "year", "cursor": cursor}), 422)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"sort": "author"},
                                    {"author_id": "abc"}, {"q": ""}, {"cursor": "not-a-cursor"},
                                    {"cursor": "eyJzIjogIiIsICJ2IjogbnVsbCwgImlkIjogIngifQ"}])
def test_invalid_parameters_answer_422(client, params):
    assert_problem(client.get("/v1/books", params=params), 422)
