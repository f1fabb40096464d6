"""A cited PDF page as a picture, with the quoted sentence highlighted where it sits on the page.

PDFium (pypdfium2: a maintained binding of the engine Chrome uses to show PDFs) renders the page
and gives every character's box. Our quote comes from pypdf's text of the same page, so the two
texts differ in spacing, line breaks and hyphenation; both are compared with every character
but letters and digits removed, and the boxes of the matched characters are merged into one
rectangle per line. Where the quote cannot be found (OCR text, a garbled layout), the page is
still shown and `located` is False, so the reader is told the highlight is unavailable.
"""
from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HIGHLIGHT = (255, 213, 0, 110)  # translucent yellow: the printed text stays readable under it
ENDS = 40  # a quote not found whole is looked for by its first and last ENDS letters


@dataclass(frozen=True)
class PageImage:
    png: bytes
    width: int
    height: int
    boxes: tuple[tuple[int, int, int, int], ...]  # highlighted rectangles, pixels (left, top, right, bottom)
    located: bool


def _letters(text: str) -> tuple[str, list[int]]:
    """`text` reduced to its lower-cased letters and digits, ligatures spelled out (pypdf keeps
    "ﬀ", PDFium gives "ff"), and the index in `text` each one comes from."""
    keep = [(c, i) for i, ch in enumerate(text) for c in unicodedata.normalize("NFKC", ch).lower() if c.isalnum()]
    return "".join(c for c, _ in keep), [i for _, i in keep]


def locate(page_text: str, quote: str) -> tuple[int, int] | None:
    """The [start, end) character range of `quote` in `page_text`, ignoring everything but letters
    and digits; None when it is not there."""
    hay, where = _letters(page_text)
    needle, _ = _letters(quote)
    if not needle or not hay:
        return None
    at = hay.find(needle)
    if at >= 0:
        return where[at], where[at + len(needle) - 1] + 1
    if len(needle) < 2 * ENDS:
        return None
    head, tail = hay.find(needle[:ENDS]), hay.find(needle[-ENDS:])
    if head < 0 or tail < head or tail + ENDS - head > 1.5 * len(needle):
        return None  # the two ends are not one passage
    return where[head], where[tail + ENDS - 1] + 1


def _line_boxes(char_boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Character boxes (PDF points: left, bottom, right, top) merged into one box per text line."""
    lines: list[list[float]] = []
    for left, bottom, right, top in char_boxes:
        if right <= left or top <= bottom:
            continue  # spaces and line breaks have empty boxes
        line = lines[-1] if lines else None
        mid = (bottom + top) / 2
        if line and line[1] <= mid <= line[3]:
            line[0], line[1], line[2], line[3] = min(line[0], left), min(line[1], bottom), max(line[2], right), max(line[3], top)
        else:
            lines.append([left, bottom, right, top])
    return [tuple(x) for x in lines]


def render(pdf: Path, page: int, quote: str = "", scale: float = 1.5) -> PageImage:
    """Page `page` (1-based) of `pdf` as a PNG, with `quote` highlighted where it is found."""
    return _render(str(Path(pdf).resolve()), Path(pdf).stat().st_mtime_ns, page, quote, scale)


@lru_cache(maxsize=64)  # a reader opens the same source again: serve it from memory
def _render(path: str, _mtime: int, page: int, quote: str, scale: float) -> PageImage:
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    doc = pdfium.PdfDocument(path)
    try:
        p = doc[page - 1]
        height_pt = p.get_height()
        image = p.render(scale=scale).to_pil().convert("RGBA")
        boxes: list[tuple[int, int, int, int]] = []
        span = None
        if quote:
            text = p.get_textpage()
            full = text.get_text_range()
            span = locate(full, quote)
            if span:
                chars = [text.get_charbox(i) for i in range(span[0], min(span[1], text.count_chars()))]
                for left, bottom, right, top in _line_boxes(chars):
                    boxes.append((int(left * scale) - 2, int((height_pt - top) * scale) - 2,
                                  int(right * scale) + 2, int((height_pt - bottom) * scale) + 2))
        if boxes:
            overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(overlay)
            for box in boxes:
                draw.rectangle(box, fill=HIGHLIGHT)
            image = Image.alpha_composite(image, overlay)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG", optimize=False)
        return PageImage(out.getvalue(), image.width, image.height, tuple(boxes), bool(boxes))
    finally:
        doc.close()
