"""Verbatim report text as people see it (app, terminal, briefing); the JSON keeps it verbatim.

PDFs made with Symbol or Wingdings bullets give their glyphs as Private Use Area characters
(U+F0B7 for •, U+F0A7 for ▪, U+F0D8 for ➢ …), which every font draws as an empty box.
"""
from __future__ import annotations

import re

_SYMBOL_FONT_GLYPH = re.compile("[\uf020-\uf0ff]")


def readable(text: str) -> str:
    """`text` with symbol-font glyphs shown as a bullet; nothing else changes."""
    return _SYMBOL_FONT_GLYPH.sub("•", text)


def page_place(c) -> str:
    """Where citation `c` is in its report: "3" or "3-4", with the label printed on the page where
    that differs ("3 (printed iii)"); "" for a file without pages. The app and the terminal say it
    alike."""
    if not c.pages:
        return ""
    place = "-".join(str(p) for p in sorted({c.pages[0], c.pages[-1]}))
    if c.page_labels and c.page_labels[0] != str(c.pages[0]):
        place += f" (printed {c.page_labels[0]})"
    return place


def source_label(c, escape=lambda text: text, words: int = 8) -> str:
    """A source's one line, shown before it is opened: its number, its report and where in it —
    the page, or in a file without pages the quote's first words (the five sources of one web
    page all read "Lessons Learned" otherwise). `escape`: applied to what the report wrote."""
    if c.pages:
        where = f" — {'pages' if len(set(c.pages)) > 1 else 'page'} {page_place(c)}"
    else:
        quote = readable(" ".join(c.quote.split()))
        opening = " ".join(quote.split()[:words])
        if opening != quote:
            opening = opening.rstrip(".,;:") + "…"
        where = f" — “{opening}”" if quote else ""
    return f"[{c.n}] {escape(c.title + where)}" + (" (OCR text)" if c.ocr else "")
