"""Document → Chunks: sentence-aware windows that fit the embedding model, with provenance.

A chunk is a span of the document's joined text (`doc.text[start:end] == chunk.text`), never
crosses a page, holds at most `max_tokens` word pieces of the model's own tokenizer (so the
model never truncates it silently), and shares `overlap` sentences with the chunk before it.
"""
from __future__ import annotations

import bisect
import hashlib
import re
from typing import Callable, Sequence

from .types import Chunk, Document

TokenCounter = Callable[[Sequence[str]], list[int]]

MIN_SECTION_TOKENS = 24  # a window this short continues past a heading (a heading right under another)

# Sentence ends: . ! ? (and CJK 。！？) followed by space, or a line break before a bullet/capital,
# or a blank line. Abbreviations like "e.g." or "No. 3" are kept together by the lowercase/digit check.
# not after abbreviations ("e.g. Belgium", "No. 30", "Fig. 2") or list numbers ("indicators: 1. User")
NOT_AFTER_ABBREVIATION = r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bNo\.)(?<!\bno\.)(?<!\bvs\.)(?<!\bal\.)(?<!\bFig\.)(?<!\bp\.)(?<!\bpp\.)(?<!\bMr\.)(?<!\bDr\.)(?<!\bArt\.)(?<!\bGov\.)(?<![\s(:]\d\.)(?<![\s(:]\d\d\.)"
_SENT_END = re.compile(
    r"(?<=[.!?。！？])" + NOT_AFTER_ABBREVIATION + r"[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9가-힣\u3040-\u30ff\u4e00-\u9fff•·▪–\-*])"
    r"|(?<=[.!?。！？:;])" + NOT_AFTER_ABBREVIATION + r"\s*\n+"
    r"|\n\s*\n+"
    r"|\n(?=\s*(?:[•·▪◦●○■□➢►\-–*]|\d{1,2}[.)]\s))")
# "## Title", and kramdown's "##05 Title" / "####Action 02: …" (no space before a capital or digit)
_MD_HEADING = re.compile(r"^(#{1,6})(?:[ \t]+|(?=[A-Z0-9]))(\S[^\n]*?)[ \t]*#*[ \t]*$", re.M)
HEADING_SEP = " › "  # between the levels of a Markdown heading path: "07 Assisted digital › Case study"
_NUMBERED_HEADING = re.compile(r"^\s*((?:\d{1,2}\.)+\d{0,2}|[IVX]{1,4}\.)\s+([A-Z][^\n.!?]{2,80})\s*$", re.M)


# A short line without end punctuation followed by a line starting anew: a heading, a date line,
# a table or slide row — its own unit, not the start of the next sentence.
_SHORT_LINE_BREAK = re.compile(r"(?<=[^.!?,;:\s])[ \t]*\n(?=[ \t]*[A-Z0-9가-힣\u3040-\u30ff\u4e00-\u9fff(\[\"'“•·▪◦●■➢►])")


def _split_short_lines(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, start = [], s
    for m in _SHORT_LINE_BREAK.finditer(text, s, e):
        line_start = text.rfind("\n", start, m.start()) + 1 or start
        # a short tail of a long printed line is a sentence wrapping on ("… for never. Most
        # questions associated⏎“sometimes” to …", "It ranges from⏎0.0 to 1.0."), not a heading
        whole_line = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
        if len(text[max(line_start, start):m.start()].split()) < 7 and len(whole_line.split()) < 12:
            out.append((start, m.start()))
            start = m.end()
    out.append((start, e))
    return out


def sentence_spans(text: str, base: int = 0) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`, whitespace trimmed, shifted by `base`."""
    spans, pos = [], 0
    for m in list(_SENT_END.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        for s, e in _split_short_lines(text, pos, end):
            piece = text[s:e]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                spans.append((base + s + lead, base + s + len(piece.rstrip())))
        if m:
            pos = m.end()
    return spans


def find_headings(doc: Document) -> list[tuple[int, str]]:
    """(offset, heading) pairs in document order: Markdown headings, numbered headings,
    and for PDFs the outline entry of each page."""
    text = doc.text
    found, path = [], []  # path: (level, title) of the enclosing Markdown headings
    for m in _MD_HEADING.finditer(text):
        level, title = len(m.group(1)), m.group(2).strip()
        path = [(lv, t) for lv, t in path if lv < level] + [(level, title)]
        # a sub-section named "Case study" or "Examples" says little without its parent
        found.append((m.start(), HEADING_SEP.join(t for lv, t in path if t != doc.title)))
    found += [(m.start(), f"{m.group(1)} {m.group(2).strip()}") for m in _NUMBERED_HEADING.finditer(text)]
    outline = doc.meta.get("outline") or {}
    if outline:
        starts = doc.page_starts()
        found += [(starts[int(p)], t) for p, t in outline.items() if int(p) < len(starts)]
    return sorted(found)


def _split_long(text: str, start: int, end: int, limit: int, count: TokenCounter) -> list[tuple[int, int]]:
    """Cut an over-long sentence at word boundaries into pieces of at most `limit` tokens."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    pieces, i = [], 0
    while i < len(words):
        lo, hi = i + 1, len(words)
        # binary search for the longest run of words from i that fits
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count([text[words[i][0]:words[mid - 1][1]]])[0] <= limit:
                lo = mid
            else:
                hi = mid - 1
        j = max(lo, i + 1)
        if j == i + 1 and count([text[words[i][0]:words[i][1]]])[0] > limit:
            # a single "word" longer than the limit (a URL, a table row without spaces): cut by characters
            s, e = words[i]
            step = max(1, (e - s) * limit // max(1, count([text[s:e]])[0]))
            while step > 1 and max(count([text[k:min(e, k + step)] for k in range(s, e, step)])) > limit:
                step = step * 3 // 4
            pieces += [(k, min(e, k + step)) for k in range(s, e, step)]
        else:
            pieces.append((words[i][0], words[j - 1][1]))
        i = j
    return pieces


def _next_heading(heading_pos: list[int], pos: int, end: int) -> int:
    """Offset of the first heading after `pos` (`end` when there is none)."""
    h = bisect.bisect_right(heading_pos, pos)
    return heading_pos[h] if h < len(heading_pos) else end


def chunk_document(doc: Document, count: TokenCounter, max_tokens: int = 200,
                   overlap: int = 1) -> list[Chunk]:
    """Windows of whole sentences, page by page; see the module docstring for the guarantees."""
    text = doc.text
    headings = find_headings(doc)
    heading_pos = [h[0] for h in headings]
    chunks: list[Chunk] = []
    for page_no, (page_start, page) in enumerate(zip(doc.page_starts(), doc.pages), start=1):
        if not page.strip():
            continue
        spans = sentence_spans(page, page_start)
        lengths = count([text[s:e] for s, e in spans]) if spans else []
        units: list[tuple[int, int, int]] = []  # (start, end, tokens)
        for (s, e), n in zip(spans, lengths):
            if n <= max_tokens:
                units.append((s, e, n))
            else:
                pieces = _split_long(text, s, e, max_tokens, count)
                units += [(a, b, c) for (a, b), c in zip(pieces, count([text[a:b] for a, b in pieces]))]
        i = 0
        while i < len(units):
            # a section heading ends the window (once it holds more than headings): a passage
            # about one section is retrieved, titled and cited as that section
            next_heading = _next_heading(heading_pos, units[i][0], len(text))
            j, total, at_heading = i, 0, False
            while j < len(units) and total + units[j][2] <= max_tokens:
                if j > i and units[j][0] >= next_heading:
                    if total >= MIN_SECTION_TOKENS:
                        at_heading = True
                        break
                    next_heading = _next_heading(heading_pos, units[j][0], len(text))
                total += units[j][2]
                j += 1
            j = max(j, i + 1)
            # the span also holds the whitespace between sentences; re-count and shrink if needed
            while j > i + 1 and count([text[units[i][0]:units[j - 1][1]]])[0] > max_tokens:
                j -= 1
                at_heading = False
            start, end = units[i][0], units[j - 1][1]
            k = bisect.bisect_right(heading_pos, start) - 1
            chunks.append(Chunk(
                chunk_id=hashlib.sha256(f"{doc.doc_id}:{start}:{end}".encode()).hexdigest()[:16],
                doc_id=doc.doc_id, path=doc.path, title=doc.title, text=text[start:end],
                start=start, end=end,
                page_start=page_no if doc.paged else None, page_end=page_no if doc.paged else None,
                heading=headings[k][1] if k >= 0 else ""))
            if j >= len(units):
                break
            # next window starts `overlap` sentences back (never across a heading), always forward
            i = j if at_heading else max(i + 1, j - overlap)
    return chunks


def word_piece_counter(tokenizer) -> TokenCounter:
    """Counter for a Hugging Face `tokenizers.Tokenizer`, including the [CLS]/[SEP] the model adds."""
    def count(texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in tokenizer.encode_batch(list(texts))] if texts else []
    return count


def whitespace_counter(texts: Sequence[str]) -> list[int]:
    """A stand-in counter for tests and the hash embedder: words plus two special tokens."""
    return [len(t.split()) + 2 for t in texts]


def _clip_words(s: str, n: int) -> str:
    words = s.split()
    return " ".join(words[:n])


def indexed_text(chunk: Chunk, with_context: bool = True) -> str:
    """What is embedded and BM25-indexed for a chunk: its text, led by the document title and
    section heading (clipped to 16 words each, so the total stays within the model's window)."""
    if not with_context:
        return chunk.text
    head = _clip_words(chunk.title, 16)
    if chunk.heading and chunk.heading.strip() != chunk.title.strip():
        head += " — " + " ".join(chunk.heading.split()[-16:])  # a heading path: keep its specific end
    return f"{head}\n{chunk.text}"


def join_chunks(first: Chunk, second: Chunk, heading: str | None = None) -> Chunk:
    """One passage from two neighbouring chunks of a document (`first` before `second`).

    Overlapping text is kept once. Chunks end at sentence ends and the text between two of them
    is whitespace (page ends, the blank lines between sentences), so the gap is filled with as
    many line breaks: the offsets stay document offsets and the passage reads as the document
    does, up to the kind of whitespace. The id is made from the span, as a chunk's is.
    """
    if first.doc_id != second.doc_id or second.start < first.start:
        raise ValueError("join_chunks needs two chunks of one document, in reading order")
    if second.start <= first.end:
        text = first.text + second.text[first.end - second.start:]
    else:
        text = first.text + "\n" * (second.start - first.end) + second.text
    end = max(first.end, second.end)
    pages = [p for p in (first.page_start, first.page_end, second.page_start, second.page_end) if p is not None]
    return Chunk(chunk_id=hashlib.sha256(f"{first.doc_id}:{first.start}:{end}".encode()).hexdigest()[:16],
                 doc_id=first.doc_id, path=first.path, title=first.title, text=text[:end - first.start],
                 start=first.start, end=end, page_start=min(pages) if pages else None,
                 page_end=max(pages) if pages else None,
                 heading=first.heading if heading is None else heading,
                 lang=first.lang if first.lang == second.lang else "")
