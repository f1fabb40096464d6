"""Reports the app lets the browser open, at the cited page, in its own PDF viewer.

The browser never names a file on disk: a cited report is copied into the app's static folder
under a name made from its content (sha256), and Streamlit's static serving
(`server.enableStaticServing`, .streamlit/config.toml) serves only that folder, refusing paths
with `..`, absolute paths and symlinks that lead out of it. Only files of the index's corpus
that an answer cites are ever copied there; the copies are read-only.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from functools import lru_cache
from pathlib import Path

URL_PREFIX = "app/static"  # where Streamlit serves <app dir>/static/
FOLDER = "reports"


@lru_cache(maxsize=256)
def _digest(path: str, _mtime: int, _size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:24]


def publish(report: Path, static_dir: Path) -> str:
    """The URL path (relative to the app) of a read-only copy of `report` in `static_dir`."""
    st = report.stat()
    name = f"{_digest(str(report.resolve()), st.st_mtime_ns, st.st_size)}{report.suffix.lower()}"
    dst = static_dir / FOLDER / name
    if not dst.is_file():
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(f".{name}.tmp-{os.getpid()}")
        shutil.copyfile(report, tmp)
        os.chmod(tmp, 0o444)
        os.replace(tmp, dst)  # never a half-copied report on the server
    return f"{URL_PREFIX}/{FOLDER}/{name}"


def corpus_file(manifest: dict, rel: str) -> Path | None:
    """The original of a cited document (`rel` from a citation), when it is still inside the
    corpus folder the index was built from; None otherwise (the index was copied elsewhere)."""
    root = Path(manifest.get("corpus_path") or manifest.get("corpus_dir") or "")
    p = (root / rel).resolve()
    return p if root and p.is_file() and root.resolve() in p.parents else None


def page_link(report: Path, static_dir: Path, page: int | None) -> str:
    """The link that opens `report` in the browser's viewer at `page` (1-based)."""
    return publish(report, static_dir) + (f"#page={page}" if page else "")
