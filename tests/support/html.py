"""A page as the tests look at it: its tags, attributes, text and CSS, from html.parser alone
(the reports' own promise is no script, no URL, everything escaped)."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        # (tag, attributes) of each element, for the ones a test looks for by id or href.
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)

    @property
    def words(self) -> str:
        """The visible text, whitespace collapsed (and none left before a comma an element ended at)."""
        return re.sub(r" ([,.;:])", r"\1", " ".join(" ".join(self.text).split()))

    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.elements if "id" in attrs}

    def links(self) -> list[str]:
        return [attrs["href"] for tag, attrs in self.elements if tag == "a" and "href" in attrs]

    def assert_self_contained(self) -> None:
        """No script, nothing fetched: the page opens offline and runs nothing."""
        assert "script" not in self.tags
        assert not {"link", "img", "iframe", "object", "embed"} & set(self.tags), self.tags
        for name, value in self.attrs:
            assert name not in ("src", "xlink:href", "action") and not name.startswith("on"), (name, value)
            assert "http:" not in value and "https:" not in value and "//" not in value, (name, value)
        css = " ".join(self.styles)
        assert "url(" not in css and "@import" not in css
