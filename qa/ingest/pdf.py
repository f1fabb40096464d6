"""PDF files with pypdf: text per page, page labels, outline headings, passwords, salvage.

Every failure becomes an IngestError with a named outcome: "needs a password", "no text layer",
"garbled text", "unreadable". Pages that fail alone are dropped with a warning; the rest of the
document is kept.
"""
from __future__ import annotations

import logging
from pathlib import Path

from ..errors import IngestError
from .layout import reflow
from .ocr import ocr_page, tesseract_languages
from .quality import garble_ratio, meaningful_chars
from .titles import fallback_title, title_from_text

GARBLED_PAGE = 0.2  # garble_ratio above which a page's text is not trusted
MIN_PAGE_CHARS = 20  # fewer letters/digits than this: the page has no usable text layer

# pypdf logs every font quirk at WARNING; the outcome we report is what matters to users.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _open(path: Path, rel: str, password: str | None):
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(str(path), strict=False)
    except (PdfReadError, ValueError, OSError, KeyError, TypeError, IndexError, AttributeError) as e:
        raise IngestError(rel, "unreadable", f"{type(e).__name__}: {e}".strip()[:200])
    if reader.is_encrypted:
        tried = [password] if password else []
        tried.append("")  # many PDFs are encrypted with an empty user password
        ok = False
        for pw in tried:
            try:
                if reader.decrypt(pw):
                    ok = True
                    break
            except DependencyError as e:
                raise IngestError(rel, "unreadable", f"AES encryption needs the cryptography package: {e}")
            except (FileNotDecryptedError, PdfReadError, NotImplementedError):
                continue
        if not ok:
            why = "the password given is wrong" if password else "give it with --password FILE=SECRET"
            raise IngestError(rel, "needs a password", why)
    return reader


def _outline_headings(reader) -> dict[int, str]:
    """First outline (bookmark) title per 0-based page index."""
    out: dict[int, str] = {}

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
                continue
            try:
                page = reader.get_destination_page_number(it)
            except Exception:
                continue
            title = " ".join(str(getattr(it, "title", "") or "").split())
            if title and page is not None and page not in out:
                out[page] = title

    try:
        walk(reader.outline)
    except Exception:  # a broken outline must not cost the text
        pass
    return out


def _salvage(path: Path, rel: str, why: str) -> dict:
    """pypdf could not open the file: read what pdfminer.six's tolerant parser can still find."""
    data = path.read_bytes()
    if b"%PDF-" not in data[:1024]:  # PDF readers allow junk before the header, within 1 KB
        raise IngestError(rel, "unreadable", "not a PDF: the file has no PDF header (a web page saved "
                          f"under a .pdf name, or another format renamed?); get the real PDF ({why})")
    truncated = not data[-1024:].rstrip().endswith(b"%%EOF")
    pages: list[str] = []
    try:
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LTTextContainer

        for layout in extract_pages(str(path)):
            pages.append("".join(el.get_text() for el in layout if isinstance(el, LTTextContainer)))
    except Exception:
        pass  # whatever pages came out before the damage are kept
    if not any(meaningful_chars(p) >= MIN_PAGE_CHARS for p in pages):
        if truncated:
            raise IngestError(rel, "unreadable", "the file is truncated (an interrupted download?) and no page "
                              f"survived; get a complete copy ({why})")
        raise IngestError(rel, "unreadable", why)
    warning = f"damaged file repaired: {len(pages)} page(s) recovered with a tolerant parser ({why})"
    if truncated:
        warning += "; the file is truncated, pages after the last recovered one are lost"
    return {"title": title_from_text(next(p for p in pages if p.strip()), fallback_title(path.stem)),
            "pages": [p if meaningful_chars(p) >= MIN_PAGE_CHARS else "" for p in pages], "paged": True,
            "warnings": [warning], "page_labels": [], "outline": {}}


def read_pdf(path: Path, rel: str, password: str | None = None) -> dict:
    try:
        reader = _open(path, rel, password)
        n_pages = len(reader.pages)
    except IngestError as e:
        if e.outcome != "unreadable":
            raise
        return _salvage(path, rel, e.reason)
    except Exception as e:
        return _salvage(path, rel, f"page tree is damaged: {type(e).__name__}: {e}"[:200])
    if n_pages == 0:
        raise IngestError(rel, "unreadable", "the PDF has no pages")
    pages, failed, empty, garbled, ocr_done = [], [], [], [], []
    ocr_langs = None
    for i in range(n_pages):
        try:
            text = reader.pages[i].extract_text() or ""
        except Exception as e:
            failed.append((i + 1, f"{type(e).__name__}"))
            text = ""
        text = reflow(text.replace("\x00", ""))
        if meaningful_chars(text) < MIN_PAGE_CHARS:
            ocr_langs = ocr_langs if ocr_langs is not None else (tesseract_languages() or "")
            if ocr_langs:
                ocr_text = ocr_page(path, i + 1, reader.pages[i], ocr_langs)
                if meaningful_chars(ocr_text) >= MIN_PAGE_CHARS and garble_ratio(ocr_text) <= GARBLED_PAGE:
                    ocr_done.append(i + 1)
                    text = ocr_text
        if meaningful_chars(text) < MIN_PAGE_CHARS:
            if not failed or failed[-1][0] != i + 1:
                empty.append(i + 1)
            text = ""
        elif garble_ratio(text) > GARBLED_PAGE:
            garbled.append(i + 1)
            text = ""
        pages.append(text)
    if not any(pages):
        if garbled:
            raise IngestError(rel, "garbled text", "the text layer decodes to wrong characters "
                              "(fonts without a usable Unicode map); needs OCR")
        if failed and not empty:
            raise IngestError(rel, "unreadable", f"no page could be read ({failed[0][1]})")
        hint = "OCR found no readable text" if ocr_langs else "install tesseract-ocr to read it (see README)"
        raise IngestError(rel, "no text layer", f"scanned or image-only PDF; {hint}")
    warnings = []
    if empty:
        warnings.append(f"{len(empty)} page(s) without text: {_ranges(empty)}")
    if garbled:
        warnings.append(f"{len(garbled)} page(s) with garbled text skipped: {_ranges(garbled)}")
    if failed:
        warnings.append(f"{len(failed)} page(s) could not be read: {_ranges([p for p, _ in failed])}")
    if ocr_done:
        warnings.append(f"{len(ocr_done)} scanned page(s) read by OCR: {_ranges(ocr_done)}")
    meta_title = ""
    try:
        meta = reader.metadata
        meta_title = " ".join(str(meta.title or "").split()) if meta else ""
    except Exception:
        pass
    if len(meta_title) < 4 or meta_title.lower().startswith(("microsoft", "untitled", "slide", "슬라이드", "powerpoint")) \
            or meta_title.lower().endswith((".doc", ".docx", ".pdf", ".ppt", ".pptx")):
        meta_title = ""
    first = next(i for i, p in enumerate(pages) if p)
    if first + 1 in ocr_done:  # OCR text makes a poor title: metadata, else the file name
        title = meta_title or fallback_title(path.stem)
    else:
        title = (_largest_type(reader.pages[first]) or meta_title
                 or title_from_text(pages[first], fallback_title(path.stem)))
    labels = []
    try:
        labels = list(reader.page_labels)
    except Exception:
        pass
    if labels == [str(i + 1) for i in range(n_pages)]:
        labels = []  # labels that only repeat the page numbers add nothing
    return {"title": title, "pages": pages, "paged": True, "warnings": warnings,
            "page_labels": labels, "outline": _outline_headings(reader), "ocr_pages": ocr_done}


def _largest_type(page) -> str:
    """The words set in the largest type on a page, when that type stands out: a cover title."""
    runs: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
            runs.append((round(float(size) * scale, 1), text))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:
        return ""
    if not runs:
        return ""
    sizes = sorted(s for s, t in runs for _ in t.split())
    biggest = sizes[-1]
    if biggest < 1.25 * sizes[len(sizes) // 2]:
        return ""  # no type stands out: a body page, not a cover
    title = " ".join(" ".join(t for s, t in runs if s >= 0.9 * biggest).split())
    words = title.split()
    letters = sum(c.isalpha() for c in title)
    if not 1 <= len(words) <= 20 or letters < 0.6 * len(title.replace(" ", "")) \
            or sum(len(w) == 1 for w in words) > 0.3 * len(words) or garble_ratio(title) > 0:
        return ""
    return title[:150]


def _ranges(nums: list[int]) -> str:
    """[1,2,3,7] -> '1-3, 7'."""
    out, start, prev = [], None, None
    for n in nums:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}-{prev}" if prev != start else str(start))
            start = prev = n
    if start is not None:
        out.append(f"{start}-{prev}" if prev != start else str(start))
    return ", ".join(out)
