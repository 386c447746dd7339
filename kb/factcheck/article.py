"""An article's text from the bytes a user hands over: plain text, Markdown, or a web page
reduced to its article. Refuses empty, binary and oversized input with one clear line."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from kb.errors import InvalidRecord

MAX_BYTES = 10_000_000


class _TextOnly(HTMLParser):
    BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "section",
        "article",
        "blockquote",
        "header",
        "footer",
        "ul",
        "ol",
        "table",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def read_article(data: bytes, name: str = "input") -> str:
    """Text from plain text, Markdown or HTML bytes; refuses empty, binary and oversized input."""
    if len(data) > MAX_BYTES:
        raise InvalidRecord(f"{name}: larger than {MAX_BYTES // 1_000_000} MB; split the article")
    if not data.strip():
        raise InvalidRecord(f"{name}: empty")
    if b"\x00" in data[:8192]:
        raise InvalidRecord(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidRecord(f"{name}: not UTF-8 text") from None
    if re.search(r"<(?:html|body|p|div|article)\b", text[:5000], re.I):
        text = _article_text(text)
    return text


def _article_text(html: str) -> str:
    """A web page's article, as Markdown: trafilatura drops navigation, comments, related links
    and footers, and keeps headings and tables; a fragment too small for it is read whole."""
    import trafilatura  # here: it takes a seventh of a second to load, and only web pages need it

    article = trafilatura.extract(
        html, output_format="markdown", include_tables=True, include_comments=False, include_links=False,
        include_images=False,
    )  # fmt: skip
    if article and article.strip():
        return article.strip()
    parser = _TextOnly()
    parser.feed(html)
    parser.close()  # hands over text after the last tag, which the parser holds back until then
    text = re.sub(r"\n\s*\n(?:\s*\n)+", "\n\n", "".join(parser.parts)).strip()
    return re.sub(r"[ \t]+", " ", text)
