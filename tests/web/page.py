"""Reading rendered pages in tests: links, attributes and visible text, via html.parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class Page(HTMLParser):
    """A parsed page: every element's attributes, the links and the text a person sees."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self._chunks: list[str] = []
        self._link: list[str] | None = None
        self._href = ""
        self._skip = 0
        self.feed(html)
        self.text = re.sub(r"\s+", " ", " ".join(self._chunks)).strip()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.elements.append((tag, values))
        if tag in ("script", "style", "title"):
            self._skip += 1
        if tag == "a":
            self._link, self._href = [], values.get("href", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._skip = max(self._skip - 1, 0)
        if tag == "a" and self._link is not None:
            self.links.append((self._href, re.sub(r"\s+", " ", " ".join(self._link)).strip()))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._chunks.append(data)
        if self._link is not None:
            self._link.append(data)

    def hrefs(self, containing: str = "") -> list[str]:
        return [href for href, _ in self.links if containing in href]

    def link(self, text: str) -> str:
        """The href of the first link whose text contains ``text``."""
        for href, label in self.links:
            if text in label:
                return href
        raise AssertionError(f"no link with the text {text!r}")

    def attribute_values(self, name: str) -> list[str]:
        return [attrs[name] for _, attrs in self.elements if name in attrs]
