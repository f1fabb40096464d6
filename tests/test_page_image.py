"""A cited PDF page as a picture with its quote highlighted: the highlight sits on the quote's
words (checked against PDFium's own search), a quote not on the page leaves the page shown and
says so. Quotes are taken the way answers take them: from pypdf's text of the page."""
import io
import re

import pytest

from qa.ingest.pdf import read_pdf
from qa.page_image import locate, render
from tests.conftest import DATA

LONG = DATA / "19-long-117p-outline-metadata_geotopo.pdf"
SHORT = DATA / "01-multipage-text_pdflatex-4-pages.pdf"


def _sentence_of(pdf, page: int) -> str:
    """Two consecutive prose lines of the page (a quote across a line break)."""
    text = read_pdf(pdf, pdf.name)["pages"][page - 1]
    lines = [ln for ln in text.splitlines() if len(ln.split()) >= 7 and re.fullmatch(r"[^\W\d_][\w ,.;:()'-]*", ln)]
    assert len(lines) >= 2, f"page {page} has no prose to quote"
    return " ".join(lines[len(lines) // 2:len(lines) // 2 + 2])


@pytest.mark.parametrize("pdf, page", [pytest.param(LONG, p, id=f"117p-{p}", marks=pytest.mark.slow) for p in (2, 68, 104)]
                         + [pytest.param(SHORT, 2, id="4p-2")])
def test_the_highlight_covers_the_quote_on_the_page(pdf, page):
    import pypdfium2 as pdfium
    from PIL import Image
    quote = _sentence_of(pdf, page)
    img = render(pdf, page, quote, scale=1.0)
    assert img.located and img.boxes
    shown = Image.open(io.BytesIO(img.png))
    assert shown.size == (img.width, img.height)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        p = doc[page - 1]
        height = p.get_height()
        tp = p.get_textpage()
        words = quote.split()
        start = tp.get_text_range().find(" ".join(words[:2]))  # PDFium's own position of the quote's start
        assert start >= 0
        left, bottom, right, top = tp.get_charbox(start)
    finally:
        doc.close()
    x, y = (left + right) / 2, height - (bottom + top) / 2
    assert any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in img.boxes)
    for b in img.boxes:
        assert 0 <= b[0] < b[2] <= img.width + 2 and 0 <= b[1] < b[3] <= img.height + 2
    # the highlighted area is yellowish where the quote is, and the page elsewhere is not painted
    r, g, bl = shown.convert("RGB").getpixel((int(img.boxes[0][0]) + 3, int(img.boxes[0][1]) + 3))
    assert r > bl + 40 and g > bl + 20


def test_a_quote_not_on_the_page_shows_the_page_without_a_highlight():
    img = render(LONG, 3, "The Informatization Promotion Fund financed e-Government projects in Korea.")
    assert not img.located and img.boxes == () and img.png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("page_text, quote, found", [
    ("The pilot edi-\ntion of the Index\r\nwas developed", "The pilot edition of the Index was developed", True),
    ("Scores range from 0.0 to 1.0 (best).", "range from 0.0 to 1.0", True),
    ("Open by default evaluates data policy.", "Digital by design evaluates", False),
])
def test_quotes_are_matched_on_letters_and_digits_only(page_text, quote, found):
    span = locate(page_text, quote)
    assert (span is not None) == found
    if found:
        assert page_text[span[0]:span[1]].split()[0] == quote.split()[0][:len(page_text[span[0]:span[1]].split()[0])]
