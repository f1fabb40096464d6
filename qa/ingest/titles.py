"""Readable document titles derived from the document's own text, not its file name."""
from __future__ import annotations

import re

from ..text.lexicon import SMALL_WORDS

# Web-page furniture that precedes the real title in pages saved as text.
_BOILERPLATE = re.compile(
    r"^(skip to|log ?in|sign ?in|menu|home|print|search|category|resources|download|page\b|date\b|size\b"
    r"|related|full text|abstract|top$|open$|콘텐츠|로그인|컨텐츠|본문|메뉴)", re.I)
_TRAILING_DATE = re.compile(
    r"\s+((jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}|\d{4}[./-]\d{1,2}[./-]\d{1,2})\s*$", re.I)
_TITLE_FIELD = re.compile(r"^title\s*[:\t ]\s*(.{3,150})$", re.I)


def _title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line)]
    if len(words) < 3 or len(words) > 16:
        return False
    big = [w for w in words if w.lower() not in SMALL_WORDS]
    return bool(big) and sum(w[0].isupper() for w in big) / len(big) >= 0.75


def _readable(line: str) -> bool:
    """Words, not a page number, a row of figures or s p a c e d letters."""
    words = line.split()
    return (sum(c.isalpha() for c in line) >= 4 and bool(words)
            and sum(len(w) == 1 for w in words) <= 0.3 * len(words))


def _clean(line: str) -> str:
    return _TRAILING_DATE.sub("", re.sub(r"\s+", " ", line)).strip(" -:|#*")


def title_from_text(text: str, fallback: str) -> str:
    """Best guess at a plain-text document's title.

    In order: an explicit "Title ..." field; a line repeated near the top (page header and
    heading); the longest Title-Case line near the top; the first non-furniture line.
    """
    lines = [ln.strip() for ln in text.splitlines()[:200] if ln.strip()]
    for ln in lines[:80]:
        m = _TITLE_FIELD.match(ln)
        if m:
            return _clean(m.group(1))
    head = [ln for ln in lines[:20] if not _BOILERPLATE.match(ln) and len(ln) <= 200 and _readable(ln)]
    seen = set()
    for ln in head[:15]:
        if ln in seen and len(ln.split()) >= 2:
            return _clean(ln)
        seen.add(ln)
    cased = [ln for ln in head[:12] if _title_case(_clean(ln)) and not ln.rstrip().endswith(".")]
    if cased:
        return _clean(max(cased, key=lambda ln: len(_clean(ln).split())))
    for ln in head:
        if 1 <= len(ln.split()) <= 20:
            return _clean(ln)[:150]
    return fallback


def title_from_markdown(text: str, fallback: str) -> str:
    """The first level-1 (else any) Markdown heading, else the plain-text rule."""
    for level in ("# ", "#"):
        for ln in text.splitlines():
            if ln.startswith(level) and ln.lstrip("#").strip():
                return _clean(ln.lstrip("#"))
    return title_from_text(text, fallback)


def fallback_title(stem: str) -> str:
    """A file name made readable, used only when the document has no title of its own."""
    return re.sub(r"[_-]+", " ", stem).strip() or stem
