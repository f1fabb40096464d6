"""Plain text and Markdown files: one page each, headings from Markdown '#' lines."""
from __future__ import annotations

from pathlib import Path

from ..errors import IngestError
from .titles import fallback_title, title_from_markdown, title_from_text


def decode(raw: bytes, rel: str) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), else cp1252 with a warning; NUL bytes mean a binary file."""
    if b"\x00" in raw[:4096]:
        raise IngestError(rel, "unreadable", "looks like a binary file, not text")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), ["not valid UTF-8; read as Windows-1252"]


def read_text(path: Path, rel: str) -> dict:
    text, warnings = decode(path.read_bytes(), rel)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError(rel, "no text", "the file is empty")
    stem = fallback_title(path.stem)
    is_md = path.suffix.lower() in (".md", ".markdown")
    title = title_from_markdown(text, stem) if is_md else title_from_text(text, stem)
    return {"title": title, "pages": [text], "paged": False, "warnings": warnings}
