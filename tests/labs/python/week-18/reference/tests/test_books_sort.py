"""sort=year and sort=-year order the list by year, the books without a year last
(catches testing.catches.sort_descending)."""

import pytest

from factories import fresh, new_author, new_book

YEARS = [1990, 2005, None, 1875, 1990]


@pytest.fixture(scope="module")
def tagged(client):
    """A tag of its own, on books (of one author) with the years above: made once for this
    file, since its tests only read them."""
    tag, author = fresh("tag"), new_author(client)
    for year in YEARS:
        new_book(client, tags=[tag], year=year, author_id=author["id"])
    return tag


def years(client, tag, sort):
    res = client.get("/v1/books", params={"tag": tag, "sort": sort})
    assert res.status_code == 200, res.text
    return [b["year"] for b in res.json()["items"]]


def test_sort_minus_year_lists_the_newest_first(client, tagged):
    assert years(client, tagged, "-year") == [2005, 1990, 1990, 1875, None]


def test_sort_year_lists_the_oldest_first(client, tagged):
    assert years(client, tagged, "year") == [1875, 1990, 1990, 2005, None]


def test_the_pages_of_sort_minus_year_keep_the_order(client, tagged):
    seen, cursor = [], None
    while True:
        params = {"tag": tagged, "sort": "-year", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/books", params=params).json()
        seen += [b["year"] for b in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [2005, 1990, 1990, 1875, None]
