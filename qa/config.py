"""Settings: one frozen dataclass, validated, overridable from the environment, fingerprinted.

Settings that change what is stored in an index (model, chunking, tokeniser) make up the
fingerprint written into the manifest; loading an index with a different fingerprint fails
with a message naming the differences. Query-time settings (top_k, fusion constant, refusal
threshold) may change freely.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass

from .errors import QAError
from .policy import AnswerPolicy

# Fields that shape the stored index; the rest only affect queries.
INDEX_FIELDS = ("model", "multilingual_model", "chunk_tokens", "chunk_overlap_sentences",
                "lexical_tokenizer", "context_in_vectors", "text_layout")

DEFAULT_MODEL = "auto"  # multilingual-e5-small where it runs, else all-MiniLM-L6-v2 (embed.resolve_models)
DEFAULT_MULTILINGUAL = "auto"  # none beside e5; beside MiniLM e5 where it runs, else USE


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL  # main embedder: 'auto', 'multilingual-e5-small', 'all-MiniLM-L6-v2', 'hash' (tests)
    multilingual_model: str = DEFAULT_MULTILINGUAL  # second embedder for cross-lingual search; '' = off
    chunk_tokens: int = 200  # word pieces per chunk; MiniLM truncates at 256, so every chunk fits
    chunk_overlap_sentences: int = 1
    # How text becomes chunks beyond the numbers above: word-per-line PDF pages are rejoined
    # (ingest/layout.py; v3: only where the lone lines are words, not table cells) and a section
    # heading ends a chunk. A new value re-reads every file; tests/test_chunking_version.py fails
    # when reading or chunking changes without one (and when BM25's terms change without a new
    # lexical_tokenizer).
    text_layout: str = "reflow+sections-v3"
    # Embed and BM25-index each chunk with its document title and section heading in front:
    # questions name the report ("According to the Digital Efficiency Report…").
    context_in_vectors: bool = True
    lexical_tokenizer: str = "words+hangul-bigrams+hyphen-joins-v2"
    top_k: int = 5  # passages an answer draws on
    passages_returned: int = 10  # retrieved passages listed with an answer (best first)
    candidates: int = 50  # depth of each retriever before fusion
    rrf_k: int = 10  # reciprocal rank fusion constant; 10 measured better than the paper's 60 (bench/)
    # RRF weights of (dense English, dense multilingual, BM25); BM25 leads on these reports'
    # specific wording. Questions not in English lean on the multilingual model instead.
    weights_english: tuple = (1.0, 1.0, 3.0)
    weights_foreign: tuple = (0.3, 1.0, 3.0)
    rerank_depth: int = 50  # fused candidates the reranker orders (retrieve.py)
    # Weights of retrieve.RERANK_FEATURES: dense cosine, multilingual cosine, BM25 / best BM25,
    # question-term coverage. Fitted by bench/fit_ranker.py on the dev question sets.
    rerank_weights: tuple = (0.3, 11.6, 2.2, 5.4)
    # A passage is its chunk joined with the better-scoring neighbour chunk (retrieve.py, step
    # 3); 0 returns chunks alone.
    passage_neighbours: int = 1
    precision: str = "auto"  # embedding precision: auto | fp32 | bf16
    # how answers are read and judged: every tuned number of the answer step (policy.py)
    policy: AnswerPolicy = AnswerPolicy()

    def __post_init__(self):
        if self.chunk_tokens < 32 or self.chunk_tokens > 256:
            raise QAError(f"chunk_tokens must be between 32 and 256 (the model reads 256), got {self.chunk_tokens}")
        if self.top_k < 1 or self.top_k > 50:
            raise QAError(f"top_k must be between 1 and 50, got {self.top_k}")
        if len(self.rerank_weights) != 4 or sum(self.rerank_weights) <= 0:
            raise QAError(f"rerank_weights needs 4 weights with a positive sum, got {self.rerank_weights}")
        if self.passage_neighbours not in (0, 1):
            raise QAError(f"passage_neighbours must be 0 or 1, got {self.passage_neighbours}")
        if self.rrf_k < 1:
            raise QAError(f"rrf_k must be positive, got {self.rrf_k}")
        if self.precision not in ("auto", "fp32", "bf16"):
            raise QAError(f"precision must be auto, fp32 or bf16, got {self.precision!r}")

    def index_part(self) -> dict:
        from .embed import resolve_models  # 'auto' is stored as the model it means here
        part = {k: getattr(self, k) for k in INDEX_FIELDS}
        part["model"], part["multilingual_model"] = resolve_models(self.model, self.multilingual_model)
        return part

    def fingerprint(self) -> str:
        blob = json.dumps(self.index_part(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Defaults, then QA_<FIELD> environment variables, then explicit overrides."""
        env = {}
        for f in dataclasses.fields(cls):
            raw = os.environ.get(f"QA_{f.name.upper()}")
            if raw is None or f.name == "policy":
                continue
            try:
                env[f.name] = raw
                if f.type == "tuple":
                    env[f.name] = tuple(float(x) for x in raw.split(","))
                elif f.type == "bool":
                    env[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
                elif f.type == "int":
                    env[f.name] = int(raw)
                elif f.type == "float":
                    env[f.name] = float(raw)
            except ValueError:
                raise QAError(f"environment variable QA_{f.name.upper()}={raw!r} is not a valid {f.type}")
        return cls(policy=AnswerPolicy.from_env(), **env).replace(**overrides)


def describe_differences(stored: dict, current: dict) -> list[str]:
    """Human lines such as "model: index has 'hash', current 'all-MiniLM-L6-v2'"."""
    out = []
    for k in sorted(set(stored) | set(current)):
        if stored.get(k) != current.get(k):
            out.append(f"{k}: index has {stored.get(k)!r}, current settings {current.get(k)!r}")
    return out
