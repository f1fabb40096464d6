"""Detect text that extracted as garbage: wrong code points from fonts without a usable
ToUnicode map (a common fate of CJK PDFs), or almost nothing where a page had text.

The test is about the *shape* of the text, not its language: real text in any script keeps
one writing system per word; a broken font mapping scatters letters of unrelated scripts
(Greek, Bengali, Telugu, Myanmar...) through the same word, and leaves unassigned or
private-use code points.
"""
from __future__ import annotations

import re
import unicodedata

# Scripts that legitimately share one word (Japanese mixes kana and kanji; Korean and Chinese).
_GROUPS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "CJK": "CJK", "IDEOGRAPHIC": "CJK",
           "FULLWIDTH": "CJK", "HALFWIDTH": "CJK"}
_WORD = re.compile(r"\S+")


def _script(ch: str) -> str | None:
    """Writing system of a letter, by its Unicode name's first word; None for marks, digits, punctuation."""
    cat = unicodedata.category(ch)
    if not cat.startswith("L"):
        return None
    try:
        first = unicodedata.name(ch).split()[0]
    except ValueError:
        return "UNNAMED"
    return _GROUPS.get(first, first)


def garble_ratio(text: str) -> float:
    """Share of non-space characters that look like broken extraction (0 = clean)."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    bad = sum(1 for c in chars if unicodedata.category(c) in ("Cn", "Co", "Cs") or c == "\ufffd")
    for word in _WORD.findall(text):
        scripts = {s for s in map(_script, word) if s}
        # Latin mixes with one other script in real text ("3.x업그레이드", "iPhone用"); three or more don't.
        if len(scripts - {"LATIN"}) >= 2:
            bad += len(word)
    letters = [s for s in map(_script, chars) if s]
    if letters:
        # Many minor scripts on one page with no dominant one: scattered glyph codes.
        counts: dict[str, int] = {}
        for s in letters:
            counts[s] = counts.get(s, 0) + 1
        minor = [s for s, n in counts.items() if s not in ("LATIN", "CJK") and n >= 2]
        if len(minor) >= 5:
            bad += sum(counts[s] for s in minor)
    return min(1.0, bad / len(chars))


def meaningful_chars(text: str) -> int:
    """Letters and digits: what is left of a page once bullets and private-use glyphs go."""
    return sum(1 for c in text if c.isalnum())
