"""Repair of text layouts that extract badly: justified PDF lines that come out one word per line.

Some PDF renderers (the Estonia architecture paper, re-rendered by PDFium) place every word of a
justified line separately; pypdf then returns "In\\narchitecture\\nwhere\\n…" followed by a run of
blank " " lines where the line ended. The sentence splitter would see every word as a line of its
own, and answers would quote word lists. Only whitespace is changed, never a visible character,
so a quote stays verbatim for anyone who compares text with whitespace collapsed.
"""
from __future__ import annotations

import re

WORD_LINE_SHARE = 0.6  # pages where this share of the lines hold a single word are rejoined
MIN_LINES = 30

_BREAK = re.compile(r"[ \t\u00a0]*\n(?:[ \t\u00a0]*\n)*[ \t\u00a0]*")


def is_word_per_line(text: str) -> bool:
    """Most lines are a single word (of letters: a table or chart page of lone numbers and
    symbols keeps its lines, which are its rows)."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) < MIN_LINES:
        return False
    words = [ln.split() for ln in lines]
    single = sum(len(w) == 1 and sum(ch.isalpha() for ch in w[0]) >= 2 for w in words)
    return single >= WORD_LINE_SHARE * len(lines)


def _join(m: re.Match) -> str:
    # one blank line between two lines marks a paragraph or a bullet; none (a word break) or
    # many (the gap left at the end of a justified line) continue the sentence
    return "\n" if m.group(0).count("\n") == 2 else " "


def reflow(text: str) -> str:
    """Rejoin a word-per-line page into lines and paragraphs; other pages are returned unchanged."""
    if not is_word_per_line(text):
        return text
    return _BREAK.sub(_join, text).strip()
