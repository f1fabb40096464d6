"""HTML files: visible text only (no scripts, styles or navigation), title from <title>/<h1>."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from ..errors import IngestError
from .text import decode
from .titles import fallback_title, title_from_text

_SKIP = {"script", "style", "nav", "header", "footer", "noscript", "template", "svg", "head"}
_BLOCK = {"p", "div", "section", "article", "li", "ul", "ol", "table", "tr", "br", "h1", "h2", "h3",
          "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "td", "th", "main", "figure", "figcaption"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.title = ""
        self.h1 = ""
        self._in = ""

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP and tag != "head":
            self.skip_depth += 1
        if tag in ("title", "h1"):
            self._in = tag
        if tag in _BLOCK:
            self.parts.append("\n\n" if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "section") else "\n")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and not self.skip_depth:
            self.parts.append("#" * int(tag[1]) + " ")

    def handle_endtag(self, tag):
        if tag in _SKIP and tag != "head" and self.skip_depth:
            self.skip_depth -= 1
        if tag == self._in:
            self._in = ""
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
            return
        if self._in == "h1" and not self.h1:
            self.h1 = data.strip()
        if not self.skip_depth:
            self.parts.append(data)


def read_html(path: Path, rel: str) -> dict:
    raw, warnings = decode(path.read_bytes(), rel)
    parser = _TextExtractor()
    try:
        parser.feed(raw)
        parser.close()
    except Exception as e:  # html.parser is lenient; this is a last resort
        raise IngestError(rel, "unreadable", f"HTML could not be parsed: {e}")
    lines = [" ".join(ln.split()) for ln in "".join(parser.parts).splitlines()]
    text, blank = [], False
    for ln in lines:  # collapse runs of blank lines into one paragraph break
        if ln:
            text.append(ln)
            blank = False
        elif not blank:
            text.append("")
            blank = True
    body = "\n".join(text).strip()
    if not body:
        raise IngestError(rel, "no text", "the page has no visible text")
    title = " ".join(parser.title.split()) or parser.h1 or title_from_text(body, fallback_title(path.stem))
    return {"title": title, "pages": [body], "paged": False, "warnings": warnings}
