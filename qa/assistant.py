"""The Python API: `Assistant.load(index_dir).ask(question, history)` → Answer.

Loads the index and the models once; each question runs retrieve → answer. Follow-up questions
("and how was it funded?") are resolved against the previous turn before retrieval.
"""
from __future__ import annotations

import re
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import answer as compose
from . import evidence
from .config import Settings
from .embed import make_embedders
from .index import Index
from .lexical import cognate_terms, question_language, tokenize
from .retrieve import Retriever
from .types import Answer, Chunk, Hit, by_passage

_FOLLOW_UP = re.compile(r"^(and|but|also|so|then|what about|how about|et|y|또|그리고)\b|"
                        r"\b(it|its|they|them|their|this|that|these|those|there|he|she|this one)\b", re.I)


def resolve_follow_up(question: str, history: list[str] | None) -> str:
    """Fold the previous question into a short, dependent follow-up; leave others unchanged.

    A follow-up is dependent when it starts like a continuation ("and ...", "what about ...") or
    leans on a pronoun and has few content words of its own.
    """
    if not history:
        return question
    content = tokenize(question)
    if _FOLLOW_UP.search(question.strip()) and len(content) <= 4 or len(content) <= 1:
        return f"{history[-1].rstrip(' ?')} — {question}"
    return question


# Sentences compared with a question across languages are encoded at question time: their
# beginnings only (SENTENCE_TOKENS), best passages first, up to SENTENCE_BUDGET tokens in all; the
# sentences of lower passages past it keep their passage's similarity. Encoding costs ~0.2 ms a
# token on 2 cores. Measured on the 13 dev questions not in English (reports-dev, extra): p95
# 216 ms with every sentence whole, 78 ms with these limits; 9 of 13 correct either way (10 of the
# 13 answers worded differently: the best passage's sentences win more often).
SENTENCE_TOKENS = 48
SENTENCE_BUDGET = 256


def within_budget(texts: list[str], count_tokens) -> int:
    """How many of `texts`, in order, fit in SENTENCE_BUDGET tokens (at least one)."""
    used = np.cumsum([min(n, SENTENCE_TOKENS) for n in count_tokens(texts)])
    return max(1, int(np.searchsorted(used, SENTENCE_BUDGET, side="right")))


@lru_cache(maxsize=1)
def _blas_threads():
    """threadpoolctl's view of the loaded BLAS libraries, found once (0.6 ms a question otherwise)."""
    from threadpoolctl import ThreadpoolController
    return ThreadpoolController()


def _kept(hits: list[Hit], top_k: int, n: int) -> list[Hit]:
    """The hits an answer keeps, in their order: the first top_k, which it draws on, and those
    that show the n best passages, which it lists."""
    listed = {id(h) for h in by_passage(hits)[:n]}
    return [h for i, h in enumerate(hits) if i < top_k or id(h) in listed]


class Assistant:
    def __init__(self, index: Index, settings: Settings):
        self.index, self.settings = index, settings
        self.main, self.multi = make_embedders(settings)
        self.retriever = Retriever(index, self.main, self.multi, settings)
        files = index.manifest.get("files", [])
        self.page_labels = {f["path"]: f.get("page_labels") or [] for f in files}
        self.ocr_pages = {f["path"]: set(f.get("ocr_pages") or []) for f in files if f.get("ocr_pages")}
        self._position: dict[str, int] | None = None  # chunk id → row, built on first need
        self._languages: dict[str, str] = {}

    def _near_miss(self, question: str, lang: str, top: list[Hit], scored: list, kind: str | None) -> bool:
        """Whether the evidence falls short of the question: too weak, the names and numbers it
        hinges on not together in one passage (as shown: a name in the caption and a figure in
        the table below it are together), or no sentence good enough to quote holding the
        kind of answer it asks for (a year, an amount). Across languages only numbers are sure
        to be written the same, and a count's unit may be written differently."""
        best = scored[0]
        across = lang != "en" or self.language_of(top[best.hit_rank].chunk) != lang
        terms = evidence.numbers(question) if across else evidence.key_terms(question)
        if across and kind and kind.startswith("number:"):
            kind = "number"  # "how many components" is "125종" in the Korean deck
        threshold = self.settings.refuse_below_foreign if across else self.settings.refuse_below
        return (best.score < threshold or bool(evidence.missing_together(terms, [h.shown for h in top]))
                or not any(evidence.has_answer_kind(kind, c.text) for c in scored
                           if c.score >= best.score - compose.OTHER_MARGIN))

    def language_of(self, chunk: Chunk) -> str:
        """The language a passage is written in (cached per chunk)."""
        lang = self._languages.get(chunk.chunk_id)
        if lang is None:
            lang = self._languages[chunk.chunk_id] = question_language(chunk.text[:600])
        return lang

    def following(self, chunk: Chunk) -> Chunk | None:
        """The chunk after `chunk` in its document (chunks are stored in reading order)."""
        if self._position is None:
            self._position = {c.chunk_id: i for i, c in enumerate(self.index.chunks)}
        i = self._position.get(chunk.chunk_id)
        if i is None or i + 1 >= len(self.index.chunks):
            return None
        nxt = self.index.chunks[i + 1]
        return nxt if nxt.doc_id == chunk.doc_id else None

    @classmethod
    def load(cls, index_dir: Path | str, settings: Settings | None = None) -> "Assistant":
        settings = settings or Settings.from_env()
        return cls(Index.load(index_dir, settings), settings)

    @property
    def starter_questions(self) -> list[str]:
        return list(self.index.manifest.get("starter_questions") or [])

    def warm(self) -> None:
        """Load the models now, so the first real question is fast."""
        self.ask("warm up")

    def ask(self, question: str, history: list[str] | None = None, top_k: int | None = None) -> Answer:
        """Answer `question`; `history` holds the earlier questions of the conversation, oldest first."""
        # A question is small matrix work: once faiss has started its OpenMP pool, two BLAS
        # threads fight it and one question takes 37 ms instead of 13 (bench/speed.py).
        with _blas_threads().limit(limits=1, user_api="blas"):
            return self._ask(question, history, top_k)

    def _ask(self, question: str, history: list[str] | None, top_k: int | None) -> Answer:
        t0 = time.perf_counter()
        question = " ".join((question or "").split())
        resolved = resolve_follow_up(question, history)
        lang = question_language(resolved)
        foreign = lang != "en"
        qv = self.retriever.embed(resolved)
        top_k = top_k or self.settings.top_k
        # twice the passages listed: a chunk inside a better hit's passage is not listed again.
        # The answer draws on the best chunks; the listed passages are ordered by their own
        # score (retrieve.py, step 4). Answering from the best passages' chunks instead was
        # measured worse: a rare name anywhere in a passage lifts it, and near misses got answered.
        hits = self.retriever.search(resolved, max(top_k, 2 * self.settings.passages_returned), qv, foreign)
        hits = _kept(hits, top_k, self.settings.passages_returned)
        t1 = time.perf_counter()
        cands = compose.candidates(hits[:top_k])
        weights = self.index.lexical.term_weights(resolved)
        if lang in ("es", "fr"):
            # English words that share a question word's first letters count half; the question's
            # own words that no report uses cannot tell sentences apart and would outweigh them
            weights = {t: w for t, w in weights.items() if self.index.lexical.document_frequency(t)}
            weights.update({t: 0.5 * self.index.lexical.idf(t)
                            for t in cognate_terms(resolved, self.index.lexical.vocabulary) if t not in weights})
        if resolved != question:  # a follow-up: its own words say what is asked now
            own = set(tokenize(question))
            weights = {t: w * (3.0 if t in own else 1.0) for t, w in weights.items()}
        # a passage in another language than the question (a Spanish question, an English one
        # about the Korean deck), or any question not in English, is compared sentence by
        # sentence in the multilingual space; in English a sentence's meaning score is its
        # passage's, and term overlap ranks within a passage (measured as good as encoding every
        # sentence, at a fifth of the time)
        multilingual = [foreign or self.language_of(hits[c.hit_rank].chunk) != lang for c in cands]
        sims = np.array([hits[c.hit_rank].similarity for c in cands])
        ml = self.retriever.ml_embedder
        rows = [i for i, x in enumerate(multilingual) if x]
        if rows and ml is not None:
            rows = rows[:within_budget([cands[i].text for i in rows], ml.count_tokens)]
            sims[rows] = ml.calibrated(ml.encode_sentences([cands[i].text for i in rows], SENTENCE_TOKENS) @ qv.ml)
        kind = evidence.answer_kind(resolved)
        scored = compose.score_candidates(cands, sims, weights, multilingual, kind)
        strength = scored[0].score if scored else 0.0
        refused = not scored or self._near_miss(resolved, lang, hits[:top_k], scored, kind)
        suggested: list[str] = []
        if refused:
            text, citations = compose.refusal_text(hits), []
            suggested = compose.suggestions(by_passage(hits))
        else:
            chosen = compose.select(scored, self.settings.max_answer_sentences)
            chosen = compose.extend_list_intros(compose.extend_rows(chosen, hits), hits, self.following)
            chosen = compose.merge_adjacent(chosen, hits)
            text, citations = compose.cite(chosen, hits, self.page_labels, self.ocr_pages)
        t2 = time.perf_counter()
        return Answer(question=question, text=text, citations=tuple(citations), hits=tuple(hits),
                      refused=refused,
                      timings_ms={"retrieve": 1000 * (t1 - t0), "answer": 1000 * (t2 - t1),
                                  "total": 1000 * (t2 - t0)},
                      suggestions=tuple(suggested), resolved_question=resolved, strength=strength)
