"""The index: a folder of plain files, saved atomically, loaded with a settings check.

    manifest.json     format, versions, settings + fingerprint, per-file outcomes and hashes,
                      counts, build date, and the sha256 of every other file here
    chunks.jsonl      one Chunk per line; row i of every vector file is chunk i
    vectors.faiss     main embedder (multilingual-e5-small; MiniLM where e5 cannot run),
                      inner product on unit vectors
    vectors-ml.faiss  a second, multilingual embedder beside MiniLM (USE or e5), if any
    lexical/          BM25 arrays (bm25s .npy/.json)

No pickle anywhere. `save` writes a temporary sibling folder, fsyncs it, and swaps it in with
os.replace, so a crash leaves either the old index or the new one, never a half-written one.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from .config import Settings, describe_differences
from .errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from .lexical import LexicalIndex
from .types import Chunk

FORMAT = 1
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
DENSE = "vectors.faiss"
DENSE_ML = "vectors-ml.faiss"
LEXICAL = "lexical"
# Exhaustive search stays below ~10 ms per question up to here on 2 cores (bench/speed.py) and has
# recall 1.0; HNSW only pays off beyond, where its recall must be bought with a wide efSearch.
EXACT_LIMIT = 250_000


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def vector_index(vectors: np.ndarray, approximate: bool | None = None):
    """Exact inner-product search up to EXACT_LIMIT vectors, HNSW beyond (or when asked)."""
    import faiss
    dim = vectors.shape[1]
    if approximate if approximate is not None else len(vectors) > EXACT_LIMIT:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 200
        index.hnsw.efSearch = 512
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


@dataclass
class Index:
    """A loaded index: what retrieval and answering read."""

    folder: Path
    manifest: dict
    chunks: list[Chunk]
    dense: object  # faiss index over the main embedder's vectors
    dense_ml: object | None
    lexical: LexicalIndex

    @property
    def name(self) -> str:
        return self.folder.name

    def vectors(self, which: str = "main") -> np.ndarray:
        index = self.dense if which == "main" else self.dense_ml
        if index is None or index.ntotal == 0:
            return np.zeros((0, 0), np.float32)
        return index.reconstruct_n(0, index.ntotal)

    @classmethod
    def load(cls, folder: Path | str, settings: Settings | None = None) -> "Index":
        """Load and check against `settings` (fingerprint) — a mismatch says what differs."""
        import faiss
        folder = Path(folder)
        recover_interrupted_swap(folder)
        manifest = read_manifest(folder)
        if settings is not None and manifest.get("fingerprint") != settings.fingerprint():
            diffs = describe_differences(manifest.get("settings", {}), settings.index_part())
            raise IndexMismatchError(
                f"the index at {folder} was built with other settings: " + "; ".join(diffs or ["unknown"])
                + f". Rebuild it: qa build {manifest.get('corpus_dir') or 'CORPUS_DIR'} --index {folder}")
        try:
            chunks = [Chunk.from_dict(json.loads(line))
                      for line in (folder / CHUNKS).read_text(encoding="utf-8").splitlines() if line]
            dense = faiss.read_index(str(folder / DENSE))
            dense_ml = faiss.read_index(str(folder / DENSE_ML)) if (folder / DENSE_ML).exists() else None
            lexical = LexicalIndex.load(folder / LEXICAL)
        except (OSError, ValueError, RuntimeError, KeyError, TypeError) as e:
            raise IndexCorruptError(f"the index at {folder} is damaged ({type(e).__name__}: {str(e)[:120]}). "
                                    f"Run: qa verify --index {folder}, then rebuild it")
        if dense.ntotal != len(chunks) or (dense_ml is not None and dense_ml.ntotal != len(chunks)):
            raise IndexCorruptError(f"the index at {folder} is inconsistent: {len(chunks)} chunks but "
                                    f"{dense.ntotal} vectors. Run: qa verify --index {folder}")
        return cls(folder, manifest, chunks, dense, dense_ml, lexical)


def read_manifest(folder: Path) -> dict:
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.exists():
        if folder.exists() and any(folder.iterdir()):
            raise IndexCorruptError(f"{folder} has no {MANIFEST}: not an index, or a damaged one")
        raise IndexMissingError(f"no index at {folder}. Build one: qa build CORPUS_DIR --index {folder}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as e:
        raise IndexCorruptError(f"{path} is not valid JSON ({e}); rebuild the index")
    if manifest.get("format") != FORMAT:
        raise IndexMismatchError(f"the index at {folder} has format {manifest.get('format')}, this qa reads "
                                 f"format {FORMAT}. Rebuild it with qa build")
    return manifest


def save_index(folder: Path, manifest: dict, chunks: list[Chunk], vectors: np.ndarray,
               vectors_ml: np.ndarray | None, lexical: LexicalIndex) -> None:
    """Write all files into a temporary sibling, fsync, then swap it in atomically."""
    import faiss
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    with open(tmp / CHUNKS, "w", encoding="utf-8") as f:
        for c in chunks:
            f.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    faiss.write_index(vector_index(vectors), str(tmp / DENSE))
    if vectors_ml is not None:
        faiss.write_index(vector_index(vectors_ml), str(tmp / DENSE_ML))
    lexical.save(tmp / LEXICAL)
    manifest = dict(manifest, format=FORMAT, qa_version=__version__,
                    files_sha256={p.relative_to(tmp).as_posix(): _sha256(p) for p in _data_files(tmp)})
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    for p in [*_data_files(tmp), tmp / MANIFEST]:
        with open(p, "rb") as f:
            os.fsync(f.fileno())
    _fsync_dir(tmp)
    old = folder.parent / f".{folder.name}.old"
    if folder.exists():
        shutil.rmtree(old, ignore_errors=True)
        os.replace(folder, old)  # between these two renames, load() recovers from .old
    os.replace(tmp, folder)
    _fsync_dir(folder.parent)
    shutil.rmtree(old, ignore_errors=True)


def recover_interrupted_swap(folder: Path) -> None:
    """A build killed between moving the old index aside and moving the new one in leaves only
    `.NAME.old`: put it back, so the previous index is never lost."""
    old = folder.parent / f".{folder.name}.old"
    if not folder.exists() and (old / MANIFEST).exists():
        os.replace(old, folder)


def remove_stale_temporaries(folder: Path) -> None:
    """Leftovers of builds that were killed before their swap."""
    for p in folder.parent.glob(f".{folder.name}.tmp-*"):
        shutil.rmtree(p, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def verify_index(folder: Path | str) -> list[str]:
    """Problems found in a (possibly copied) index folder; an empty list means it is sound."""
    folder = Path(folder)
    try:
        manifest = read_manifest(folder)
    except (IndexMissingError, IndexCorruptError, IndexMismatchError) as e:
        return [str(e)]
    problems = []
    expected = manifest.get("files_sha256", {})
    present = {p.relative_to(folder).as_posix() for p in _data_files(folder)}
    for rel, digest in sorted(expected.items()):
        if rel not in present:
            problems.append(f"{rel}: missing")
        elif _sha256(folder / rel) != digest:
            problems.append(f"{rel}: content differs from the manifest (damaged or edited)")
    for rel in sorted(present - set(expected)):
        problems.append(f"{rel}: not listed in the manifest")
    if problems:
        return problems
    try:
        idx = Index.load(folder)
    except Exception as e:
        return [str(e)]
    counts = manifest.get("counts", {})
    if counts.get("chunks") != len(idx.chunks):
        problems.append(f"{CHUNKS}: {len(idx.chunks)} chunks, manifest says {counts.get('chunks')}")
    for c in idx.chunks[:: max(1, len(idx.chunks) // 200)]:
        if hashlib.sha256(f"{c.doc_id}:{c.start}:{c.end}".encode()).hexdigest()[:16] != c.chunk_id:
            problems.append(f"{CHUNKS}: chunk {c.chunk_id} does not match its span")
            break
    return problems


def build_date() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
