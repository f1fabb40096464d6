"""Question → ranked Hits and the passages that show them, in four steps.

1. Candidates: dense (English model), dense (multilingual model) and BM25 rankings fused by
   reciprocal rank fusion. RRF (Cormack, Clarke & Büttcher 2009) adds w / (k + rank) over the
   rankings a passage appears in; it needs no score calibration between retrievers, which
   matters here: MiniLM cosine, e5 cosine and BM25 live on unrelated scales. k = 60 is the
   value of the paper; a smaller k (we use 10) rewards the very top ranks more.
2. Rerank: the fused candidates are ordered by a weighted sum of evidence features on one
   scale (0…1): the two cosines, BM25 relative to the best passage, and the IDF-weighted share
   of the question's terms the passage contains (`RERANK_FEATURES`). No cross-encoder ships in
   a package (see README); the weights are fitted on the dev question sets by
   bench/fit_ranker.py and stored in Settings. Measured there (5-fold cross-validation, RRF
   order → reranked): MRR@10 0.56 → 0.61 on the reports questions, 0.66 → 0.69 on our extra
   ones, 0.70 → 0.77 on the seed ones (all on the seed + reports index).
3. Passages: each ranked chunk is returned together with the better-scoring of its two
   neighbours (same features, same weights), and a chunk already shown inside a passage above
   is not shown again. Chunks stay small (200 word pieces) because small chunks rank more
   sharply; the answer often sits one chunk away from the one that ranks best (the sentence
   before a table, the list after its introduction), and a reader checks a quote against a
   passage of ~200 words (the median), about half a page, more easily than against a fragment.
4. The passages are scored as a whole, and listed by that score: what is shown is what is
   ranked. A passage's features are the best of its chunks' (same weights), except coverage,
   which counts the question terms found anywhere in it (a table's caption in one chunk, its
   figures in the next). Answers still draw on the best chunks of step 2 (assistant.py).
   Measured against the passages in chunk order (bench/retrieval.py, MRR@10): 0.75 → 0.77 on
   the reports questions, 0.75 → 0.76 on our extra ones, 0.88 → 0.89 on the seed ones; the
   weights refitted on passages (5-fold cross-validation) score about the same as the chunks' weights.
"""
from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np

from .chunk import join_chunks
from .config import Settings
from .embed import Embedder
from .index import Index
from . import evidence
from .lexical import acronym_expansion, cognate_terms, find_acronyms, fold_text, tokenize
from .query import Query, QueryVectors, asking_part, resolve_follow_up
from .text import countries, language
from .types import Chunk, Hit


def rrf(rankings: Sequence[Sequence[int]], k: int = 60,
        weights: Sequence[float] | None = None) -> list[tuple[int, float]]:
    """Fuse rankings (lists of ids, best first) into [(id, score)], best first.

    score(id) = Σ_r weight_r / (k + rank_r(id)), rank 1-based; ties keep the order in which ids
    were first seen, so the result is deterministic.
    """
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[int, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def top_ids(scores: np.ndarray, n: int) -> list[int]:
    """Indices of the n largest positive scores, best first."""
    n = min(n, len(scores))
    if n <= 0:
        return []
    part = np.argpartition(-scores, n - 1)[:n]
    part = part[np.argsort(-scores[part], kind="stable")]
    return [int(i) for i in part if scores[i] > 0]


ACRONYM_WEIGHT = 0.5  # BM25 weight of the acronym of words the question spells out
COGNATE_WEIGHT = 0.5  # weight of English terms sharing a Spanish/French word's first letters (BM25; answers: × idf)
FOLLOW_UP_WEIGHT = 3.0  # in a follow-up, its own words say what is asked now
COGNATE_LANGUAGES = ("es", "fr", "pt", "it")  # Romance languages share word stems with English

# What the reranker weighs, in the order of Settings.rerank_weights.
RERANK_FEATURES = ("dense cosine", "multilingual cosine", "BM25 / best BM25", "question-term coverage")


class Retriever:
    """`main` is the index's dense model (vectors.faiss); `multi` a second, multilingual one
    (vectors-ml.faiss) or None. Where the main model is itself multilingual (e5, the default)
    there is one dense space and it fills the multilingual slot of the rankings, the features
    and the weights (`ml_embedder`), so the fitted weights keep their meaning."""

    def __init__(self, index: Index, main: Embedder, multi: Embedder | None, settings: Settings):
        self.index, self.main, self.multi, self.settings = index, main, multi, settings
        self._pool = None
        self._acronyms: dict[str, list[str]] | None = None  # defined in the documents, found on first need
        self._multilingual = index.dense_ml is not None and multi is not None
        self._main_only_multilingual = not self._multilingual and getattr(main, "multilingual", False)
        # the model and vectors of the multilingual space, if there is one
        self.ml_embedder = multi if self._multilingual else (main if self._main_only_multilingual else None)
        self._ml_vectors = index.dense_ml if self._multilingual else index.dense

    def prepare(self, question: str, history: list[str] | None = None, translated_from: str | None = None) -> Query:
        """The Query every later step takes: worked out once per question. `translated_from`: the
        question as the user asked it, of which `question` is a machine translation; the names
        and numbers the question hinges on are then only those the user wrote (a small model
        translating "la Corée" may write "North Korea")."""
        text = " ".join((question or "").split())
        resolved = resolve_follow_up(text, history)
        lang = language.detect(resolved)
        lexical = self.index.lexical
        weights = lexical.term_weights(resolved)
        cognates = cognate_terms(resolved, lexical.vocabulary) if lang in COGNATE_LANGUAGES else []
        if cognates:
            # English words that share a question word's first letters count half; the question's
            # own words that no report uses cannot tell sentences apart and would outweigh them
            weights = {t: w for t, w in weights.items() if lexical.document_frequency(t)}
            weights.update({t: COGNATE_WEIGHT * lexical.idf(t) for t in cognates if t not in weights})
        if resolved != text:
            own = set(tokenize(text))
            weights = {t: w * (FOLLOW_UP_WEIGHT if t in own else 1.0) for t, w in weights.items()}
        asked = asking_part(resolved)
        keys = evidence.numbers(asked) if lang != "en" else evidence.key_terms(asked)
        numbers = evidence.numbers(asked)
        named = countries.named_in(asked, lang) if translated_from is None else []
        if translated_from is not None:
            said = fold_text(translated_from)
            # and the countries the user named in their own words ("新加坡" is "Singapore")
            meant = {countries.country_of(n) for n in
                     countries.named_in(translated_from, language.detect(translated_from))} - {None}
            keys, numbers = ([k for k in terms if fold_text(k) in said or countries.country_of(k) in meant]
                             for terms in (keys, numbers))
        return Query(text=text, resolved=resolved, lang=lang, vectors=self.embed(resolved),
                     bm25=self._bm25(resolved, cognates), coverage=lexical.coverage(resolved),
                     term_weights=Query.frozen_weights(weights), kind=evidence.answer_kind(asked),
                     key_terms=tuple(keys), numbers=tuple(numbers), countries=tuple(named))

    def embed(self, question: str) -> QueryVectors:
        """Both question vectors; the multilingual one on a second thread (numpy releases the
        GIL, so the two models run on the two cores at once)."""
        if not self._multilingual:
            q = self.main.encode_queries([question])[0]
            return QueryVectors(q, q if self._main_only_multilingual else None)
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-embed")
        ml = self._pool.submit(self.multi.encode_queries, [question])
        q = self.main.encode_queries([question])[0]
        return QueryVectors(q, ml.result()[0])

    def _bm25(self, question: str, cognates: list[str]) -> np.ndarray:
        """BM25 of every chunk for the question, its acronyms and (Romance languages) cognates."""
        if self._acronyms is None:
            self._acronyms = find_acronyms(c.text for c in self.index.chunks)
        scores = self.index.lexical.scores(question)
        other = acronym_expansion(question, self._acronyms)
        if other:  # the acronym counts half: it stands in for words already asked
            scores = scores + ACRONYM_WEIGHT * self.index.lexical.scores(other)
        if cognates:
            scores = scores + COGNATE_WEIGHT * self.index.lexical.scores_of_terms(cognates)
        return scores

    def rankings(self, query: Query, depth: int) -> dict[str, list[int]]:
        out = {}
        qv = query.vectors
        if not self._main_only_multilingual:
            _, ids = self.index.dense.search(qv.main[None, :].astype(np.float32), depth)
            out["dense"] = [int(i) for i in ids[0] if i >= 0]
        if qv.ml is not None:
            _, ids = self._ml_vectors.search(qv.ml[None, :].astype(np.float32), depth)
            out["multilingual"] = [int(i) for i in ids[0] if i >= 0]
        out["lexical"] = top_ids(query.bm25, depth)
        return out

    def fused(self, ranks: dict[str, list[int]], foreign: bool) -> list[int]:
        """Step 1: the rankings fused by weighted RRF, best first (questions not in English weigh
        the multilingual ranking more: Settings.weights_foreign)."""
        s = self.settings
        weight_of = dict(zip(("dense", "multilingual", "lexical"), s.weights_foreign if foreign else s.weights_english))
        return [cid for cid, _ in rrf(list(ranks.values()), k=s.rrf_k, weights=[weight_of[n] for n in ranks])]

    def trace(self, query: Query) -> tuple[dict[str, list[int]], list[int], np.ndarray]:
        """The rankings, the fused candidates and their reranker features (for bench/)."""
        ranks = self.rankings(query, self.settings.candidates)
        ids = self.fused(ranks, query.foreign)[:self.settings.rerank_depth]
        return ranks, ids, self.features(query, ids)

    def search(self, query: Query, top_k: int | None = None) -> list[Hit]:
        s = self.settings
        top_k = top_k or s.top_k
        ranks = self.rankings(query, s.candidates)
        names = list(ranks)
        ids = self.fused(ranks, query.foreign)[:max(top_k, s.rerank_depth)]
        if not ids:
            return []
        X = self.features(query, ids)
        scores = X @ self._weights()
        order = np.argsort(-scores, kind="stable")[:top_k]
        ranked = [ids[i] for i in order]
        pos = {n: {cid: r for r, cid in enumerate(ranks[n], 1)} for n in names}
        dense = "multilingual" if self._main_only_multilingual else "dense"
        sim = 1 if self._main_only_multilingual else 0  # the question-chunk similarity answers start from
        hits = [Hit(chunk=self.index.chunks[ids[i]], score=float(scores[i]), dense_rank=pos[dense].get(ids[i]),
                    lexical_rank=pos["lexical"].get(ids[i]), similarity=float(X[i, sim])) for i in order]
        if not s.passage_neighbours:
            return hits
        features = dict(zip(ids, X))
        shown = self.passages(query, ranked, features)
        return self.score_passages(query, hits, [shown[row] for row in ranked], features)

    def passages(self, query: Query, ranked: list[int],
                 features: dict[int, np.ndarray]) -> dict[int, tuple[Chunk | None, bool, tuple[int, ...]]]:
        """Step 3: row → (passage, covered, rows of the passage) for the `ranked` rows, best
        first. A row's passage is the row joined with the better-scoring of its neighbours in the
        document that no passage above holds yet (None when there is none); a row already inside
        a passage above shares that passage and is covered. `features` (row → reranker
        features) gains the neighbours'."""
        chunks = self.index.chunks

        def neighbours(row: int) -> list[int]:
            return [r for r in (row - 1, row + 1) if 0 <= r < len(chunks) and chunks[r].doc_id == chunks[row].doc_id]

        missing = sorted({r for row in ranked for r in neighbours(row)} - set(features))
        if missing:
            features.update(zip(missing, self.features(query, missing)))
        w = self._weights()
        score = {r: float(f @ w) for r, f in features.items()}
        holder: dict[int, tuple[Chunk | None, tuple[int, ...]]] = {}  # row → the passage that shows it
        out = {}
        for row in ranked:
            if row in holder:
                out[row] = (holder[row][0], True, holder[row][1])
                continue
            best = max((r for r in neighbours(row) if r not in holder), key=score.__getitem__, default=None)
            if best is None:
                holder[row] = (None, (row,))
            else:
                first, last = min(row, best), max(row, best)
                holder[first] = holder[last] = (join_chunks(chunks[first], chunks[last], heading=chunks[row].heading),
                                                (row, best))
            out[row] = (holder[row][0], False, holder[row][1])
        return out

    def score_passages(self, query: Query, hits: list[Hit], shown: list[tuple[Chunk | None, bool, tuple[int, ...]]],
                       features: dict[int, np.ndarray]) -> list[Hit]:
        """Step 4: each hit with its passage and the passage's score (`passage_score`; a
        covered hit gets the score of the passage that holds it). The hits keep their order."""
        groups = list(dict.fromkeys(rows for _, _, rows in shown))
        X = np.array([np.max([features[r] for r in g], axis=0) for g in groups])
        X[:, 3] = self.index.lexical.coverage_of_groups(query.resolved, groups)
        score = dict(zip(groups, (X @ self._weights()).tolist()))
        return [dataclasses.replace(h, passage=passage, covered=covered, passage_score=score[rows])
                for h, (passage, covered, rows) in zip(hits, shown)]

    def ml_vector(self, row: int) -> np.ndarray:
        """The stored vector of chunk `row` in the multilingual space."""
        return self._ml_vectors.reconstruct(int(row))

    def _weights(self) -> np.ndarray:
        w = np.asarray(self.settings.rerank_weights, np.float32)
        return w / float(w.sum())

    def features(self, query: Query, ids: list[int]) -> np.ndarray:
        """(len(ids), len(RERANK_FEATURES)) evidence features of the candidates, each 0…1."""
        X = np.zeros((len(ids), len(RERANK_FEATURES)), np.float32)
        qv = query.vectors
        # the stored vectors, not a copy of them all: serving memory stays one copy of the index
        if not self._main_only_multilingual:
            X[:, 0] = [self.index.dense.reconstruct(int(i)) @ qv.main for i in ids]
        if qv.ml is not None:
            X[:, 1] = self.ml_embedder.calibrated([self._ml_vectors.reconstruct(int(i)) @ qv.ml for i in ids])
        X[:, 2] = query.bm25[ids] / max(float(query.bm25.max()), 1e-9)
        X[:, 3] = query.coverage[ids]
        return X
