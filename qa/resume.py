"""Vectors of a build in progress, saved file by file beside the index, so that a build that is
interrupted (Ctrl-C, a closed laptop, a crash) goes on where it stopped instead of starting over:
the multilingual model embeds ~8 passages a second, and a set of reports takes many minutes.

They are kept in `.{index}.partial/{fingerprint}/{doc id}.{model}.npy`. The doc id names the
file's path and bytes and the fingerprint the settings (models, chunking), so saved vectors are
only taken for the same chunks of the same text by the same model. The folder goes when a build
completes; a build with other settings clears it first.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

import numpy as np

GROUP_CHUNKS = 256  # files are embedded in groups of about this many chunks, then saved


class PartialVectors:
    def __init__(self, index_dir: Path, fingerprint: str):
        self.root = index_dir.parent / f".{index_dir.name}.partial"
        self.folder = self.root / fingerprint
        if self.root.is_dir():  # another settings' leftovers cannot be used
            for other in self.root.iterdir():
                if other != self.folder:
                    shutil.rmtree(other, ignore_errors=True) if other.is_dir() else other.unlink()

    def _path(self, doc_id: str, model: str) -> Path:
        return self.folder / f"{doc_id}.{model}.npy"

    def load(self, doc_id: str, model: str, rows: int) -> np.ndarray | None:
        try:
            v = np.load(self._path(doc_id, model), allow_pickle=False)
        except (OSError, ValueError):
            return None
        return v if v.ndim == 2 and v.shape[0] == rows else None

    def save(self, doc_id: str, model: str, vectors: np.ndarray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(doc_id, model)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as f:
            np.save(f, np.ascontiguousarray(vectors, np.float32))
        os.replace(tmp, path)  # a vector file is whole or absent

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def encode_by_file(encode: Callable, files: list[tuple[str, list[str]]], partial: PartialVectors,
                   model: str, tick: Callable[[int], None]) -> tuple[dict[str, np.ndarray], int]:
    """Vectors of each file's texts: saved ones where a build was interrupted, the rest encoded
    (`encode(texts, tick)`) in groups of files and saved as each group completes. Returns
    ({doc id: vectors}, number of texts taken from the saved ones)."""
    out: dict[str, np.ndarray] = {}
    pending: list[tuple[str, list[str]]] = []
    resumed = 0
    for doc_id, texts in files:
        saved = partial.load(doc_id, model, len(texts))
        if saved is None:
            pending.append((doc_id, texts))
        else:
            out[doc_id] = saved
            resumed += len(texts)
            tick(len(texts))
    group: list[tuple[str, list[str]]] = []
    for i, item in enumerate(pending):
        group.append(item)
        if sum(len(t) for _, t in group) < GROUP_CHUNKS and i + 1 < len(pending):
            continue
        vectors = encode([t for _, texts in group for t in texts], tick)
        k = 0
        for doc_id, texts in group:
            out[doc_id] = vectors[k:k + len(texts)]
            partial.save(doc_id, model, out[doc_id])
            k += len(texts)
        group = []
    return out, resumed
