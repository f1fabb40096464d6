"""Files → Documents. One reader per format behind `read_document`; `scan_corpus` lists what to read.

Every file ends with a named outcome (see `OUTCOMES`): a reader either returns the document's
pages or raises IngestError naming the file and the reason, so a build can report it and go on.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import IngestError
from ..types import Document
from .html import read_html
from .pdf import read_pdf
from .text import read_text

READERS = {".pdf": read_pdf, ".md": read_text, ".markdown": read_text, ".txt": read_text,
           ".html": read_html, ".htm": read_html}

# Notes that sit beside the reports but are not subject matter; the app's starter questions.
NOT_DOCUMENTS = {"sources.md", "readme.md", "readme.txt", "license", "license.txt", "license.md",
                 "starter-questions.txt"}

OUTCOMES = ("indexed", "indexed with warnings", "needs a password", "no text layer", "garbled text",
            "unreadable", "no text")


@dataclass
class SourceFile:
    """A file found in the corpus folder; `rel` is its path relative to the corpus root."""

    path: Path
    rel: str
    sha256: str
    size: int


def scan_corpus(root: Path) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """Readable-format files under `root` (sorted), and (rel, reason) for files passed over."""
    root = Path(root)
    files, passed = [], []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if any(part.startswith(".") for part in p.relative_to(root).parts) or not p.is_file():
            continue
        if p.name.lower() in NOT_DOCUMENTS:
            passed.append((rel, "notes file, not a report"))
            continue
        if p.suffix.lower() not in READERS:
            passed.append((rel, f"unsupported format '{p.suffix or p.name}'"))
            continue
        data = p.read_bytes()
        files.append(SourceFile(p, rel, hashlib.sha256(data).hexdigest(), len(data)))
    return files, passed


def doc_id_for(rel: str, sha256: str) -> str:
    """Content-derived id: same path and bytes give the same id on every build."""
    return hashlib.sha256(f"{rel}\0{sha256}".encode()).hexdigest()[:16]


def read_document(src: SourceFile, password: str | None = None) -> Document:
    """Read one file; raises IngestError with the outcome and reason when it cannot."""
    reader = READERS[src.path.suffix.lower()]
    try:
        got = reader(src.path, src.rel, password) if reader is read_pdf else reader(src.path, src.rel)
    except IngestError:
        raise
    except RecursionError:
        raise IngestError(src.rel, "unreadable", "the file's structure is too deeply nested")
    except Exception as e:  # a parser bug on one file must never stop the build
        raise IngestError(src.rel, "unreadable", f"{type(e).__name__}: {e}"[:200])
    meta = {"sha256": src.sha256, "size": src.size}
    if got.get("ocr_pages"):
        meta["ocr_pages"] = list(got["ocr_pages"])
    if got.get("outline"):
        meta["outline"] = {str(k): v for k, v in got["outline"].items()}
    return Document(doc_id=doc_id_for(src.rel, src.sha256), path=src.rel, title=got["title"],
                    pages=tuple(got["pages"]), paged=got["paged"],
                    page_labels=tuple(got.get("page_labels") or ()),
                    warnings=tuple(got.get("warnings") or ()), meta=meta)
