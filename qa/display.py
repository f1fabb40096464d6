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
