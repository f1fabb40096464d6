"""The Python API: `Assistant.load(index_dir).ask(question, history)` → Answer.

Loads the index and the models once. Each question runs three steps on one `Query`:

    query = retriever.prepare(question, history)     # query.py: built once
    hits = retriever.search(query)                   # retrieve.py
    scored = read candidate sentences                # answer.py (the extractive reader)
    refusal = judge(query, hits, scored, policy)     # judge.py: None, or why not

then quotes the best sentences (extractive) or, when asked, has a writer answer from the same
passages with each written sentence checked against them (write/).
"""
from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import answer as compose
from .config import Settings
from .embed import E5Embedder, make_embedders
from .index import Index
from .judge import RunningLines, judge
from .query import Query, resolve_follow_up  # noqa: F401  (resolve_follow_up: part of the API)
from .retrieve import Retriever
from .text import countries, language
from .text.countries import ShortNames
from .types import Answer, Chunk, Hit, by_passage


def within_budget(texts: list[str], count_tokens, per_sentence: int, budget: int) -> int:
    """How many of `texts`, in order, fit in `budget` tokens counting at most `per_sentence`
    each (at least one)."""
    used = np.cumsum([min(n, per_sentence) for n in count_tokens(texts)])
    return max(1, int(np.searchsorted(used, budget, side="right")))


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
        self.index, self.settings, self.policy = index, settings, settings.policy
        self.main, self.multi = make_embedders(settings)
        self.retriever = Retriever(index, self.main, self.multi, settings)
        files = index.manifest.get("files", [])
        self.page_labels = {f["path"]: f.get("page_labels") or [] for f in files}
        self.ocr_pages = {f["path"]: set(f.get("ocr_pages") or []) for f in files if f.get("ocr_pages")}
        self.running_lines = RunningLines(index.chunks)
        self.short_names = ShortNames(lambda: (c.text for c in index.chunks))
        self._position: dict[str, int] | None = None  # chunk id → row, built on first need
        self._languages: dict[str, str] = {}

    def language_of(self, chunk: Chunk) -> str:
        """The language a passage is written in: found at build time, or once per chunk of an
        index built before that."""
        lang = chunk.lang or self._languages.get(chunk.chunk_id)
        if not lang:
            lang = self._languages[chunk.chunk_id] = language.of_passage(chunk.text)
        return lang

    def following(self, chunk: Chunk) -> Chunk | None:
        """The chunk after `chunk` in its document (chunks are stored in reading order)."""
        return self._neighbour(chunk, 1)

    def preceding(self, chunk: Chunk) -> Chunk | None:
        """The chunk before `chunk` in its document."""
        return self._neighbour(chunk, -1)

    def _row(self, chunk: Chunk) -> int | None:
        """`chunk`'s row in the index (its vectors' too)."""
        if self._position is None:
            self._position = {c.chunk_id: i for i, c in enumerate(self.index.chunks)}
        return self._position.get(chunk.chunk_id)

    def _neighbour(self, chunk: Chunk, step: int) -> Chunk | None:
        i = self._row(chunk)
        if i is None or not 0 <= i + step < len(self.index.chunks):
            return None
        other = self.index.chunks[i + step]
        return other if other.doc_id == chunk.doc_id else None

    @classmethod
    def load(cls, index_dir: Path | str, settings: Settings | None = None) -> "Assistant":
        settings = settings or Settings.from_env()
        return cls(Index.load(index_dir, settings), settings)

    @property
    def starter_questions(self) -> list[str]:
        return list(self.index.manifest.get("starter_questions") or [])

    def warm(self) -> None:
        """Load the models and find the page headers now, so the first real question is fast."""
        language.warm()
        self.short_names.used()  # ISO 3166 names, and the ones the reports use (one pass, ~0.1 s per 4,000 passages)
        countries.warm()  # and their names in ~150 languages
        self.running_lines.find_all()
        self.ask("warm up")
        self.ask("¿Cómo se financió el gobierno electrónico?")  # loads the sentence encoder of other languages

    def ask(self, question: str, history: list[str] | None = None, top_k: int | None = None,
            translated_from: str | None = None) -> Answer:
        """Answer `question` with quotes; `history` holds the earlier questions of the conversation,
        oldest first; `translated_from`: the question as asked, when `question` is the writer's
        translation of it. `write.Writer.write(answer)` turns it into a written answer."""
        # A question is small matrix work: once faiss has started its OpenMP pool, two BLAS
        # threads fight it and one question takes 37 ms instead of 13 (bench/speed.py).
        with _blas_threads().limit(limits=1, user_api="blas"):
            return self._ask(question, history, top_k, translated_from)

    def _ask(self, question: str, history: list[str] | None, top_k: int | None,
             translated_from: str | None = None) -> Answer:
        t0 = time.perf_counter()
        query = self.retriever.prepare(question, history, translated_from)
        top_k = top_k or self.settings.top_k
        # twice the passages listed: a chunk inside a better hit's passage is not listed again.
        # The answer draws on the best chunks; the listed passages are ordered by their own
        # score (retrieve.py, step 4). Answering from the best passages' chunks instead was
        # measured worse: a rare name anywhere in a passage lifts it, and near misses got answered.
        hits = self.retriever.search(query, max(top_k, 2 * self.settings.passages_returned))
        hits = _kept(hits, top_k, self.settings.passages_returned)
        t1 = time.perf_counter()
        scored = self.score_sentences(query, hits[:top_k])
        own: dict[tuple[int, int], float] = {}  # sentences' own meaning, once encoded for this question
        if scored and scored[0].score < self.policy.closer_look_below:
            scored = self.look_closer(query, hits[:top_k], scored, own)
        measured: list[float | None] = []  # the meaning, once the judge asks for it (after its cheaper checks)

        def meaning() -> float | None:
            if not measured:
                measured.append(self.best_meaning(query, hits[:top_k], scored, own))
            return measured[0]
        refusal = judge(query, hits[:top_k], scored, self.policy, self.language_of, self.running_lines,
                        self.short_names, meaning)
        suggested: list[str] = []
        if refusal:
            (text, suggested), citations = compose.refusal(hits), []
        else:
            chosen = compose.select(scored, self.policy, query.resolved)
            chosen = compose.extend_list_intros(compose.extend_rows(chosen, hits), hits, self.following,
                                                 self.running_lines.holds)
            chosen = compose.extend_to_item_start(chosen, hits, self.preceding)
            chosen = compose.merge_adjacent(chosen, hits)
            text, citations = compose.cite(chosen, hits, self.page_labels, self.ocr_pages)
        t2 = time.perf_counter()
        return Answer(question=query.text, text=text, citations=tuple(citations), hits=tuple(hits),
                      refused=refusal is not None, refusal_reason=str(refusal or ""),
                      timings_ms={"retrieve": 1000 * (t1 - t0), "answer": 1000 * (t2 - t1),
                                  "total": 1000 * (t2 - t0)},
                      suggestions=tuple(suggested), resolved_question=query.resolved,
                      strength=scored[0].score if scored else 0.0, meaning=measured[0] if measured else None, query=query,
                      scored=tuple(scored))

    def best_meaning(self, query: Query, hits: list[Hit], scored: list[compose.Candidate],
                     own: dict | None = None) -> float | None:
        """How close what was found comes to what the question asks, by meaning alone (0-1; the
        judge's floor, AnswerPolicy.refuse_unrelated_below): the best passage's similarity or,
        where that falls below the floor, the best of the first sentences if higher, each encoded
        on its own (~6 ms a sentence). None where there is no multilingual-e5 encoder: the floor
        was fitted on its scale."""
        passage = self.passage_meaning(query, hits)
        if passage is None or passage >= self.policy.refuse_unrelated_below:
            return passage
        sentence = self.sentence_meaning(query, hits, scored, own)
        return passage if sentence is None else max(passage, sentence)

    def _meaning_encoder(self):
        ml = self.retriever.ml_embedder
        return ml if ml is not None and ml.name == E5Embedder.name else None

    def passage_meaning(self, query: Query, hits: list[Hit]) -> float | None:
        """The best passage's multilingual-e5 similarity, with the language gap added back."""
        ml, p = self._meaning_encoder(), self.policy
        if ml is None or not hits or query.vectors.ml is None:
            return None
        raw = np.array([self.retriever.ml_vector(self._row(h.chunk)) @ query.vectors.ml for h in hits])
        gaps = np.array([p.gap(query.lang, self.language_of(h.chunk)) for h in hits])
        return float(np.max(ml.calibrated(raw + gaps)))

    def sentence_meaning(self, query: Query, hits: list[Hit], scored: list[compose.Candidate],
                         own: dict | None = None) -> float | None:
        """The best similarity of the first `meaning_sentences` scored sentences, each encoded on
        its own (an English sentence is otherwise scored by its passage's similarity), with the
        language gap added back. `own`: (passage rank, start) → own meaning of the sentences
        already encoded for this question (look_closer): not encoded twice."""
        ml, p = self._meaning_encoder(), self.policy
        if ml is None or not scored or query.vectors.ml is None or not p.meaning_sentences:
            return None
        own = {} if own is None else own
        top = scored[:p.meaning_sentences]
        new = [c for c in top if c.at not in own]
        if new:
            own.update({c.at: float(s) for c, s in zip(new, self.own_meaning(ml, query, hits, new))})
        return max(own[c.at] for c in top)

    def look_closer(self, query: Query, hits: list[Hit], scored: list[compose.Candidate],
                    own: dict | None = None) -> list[compose.Candidate]:
        """`scored` again, the best sentences in the question's language now scored by their own
        meaning too (multilingual-e5, each encoded alone), not only by their passage's: before a
        question is refused as weak (AnswerPolicy.closer_look_below). A sentence whose own meaning
        is below the meaning floor may lose by it, never gain ("How do vaccines train the immune
        system?" reached "The German Advanced IT Training System"). Sentences compared across
        languages already are: they keep their scores. `own` gains each encoded sentence's own
        meaning, keyed (passage rank, start)."""
        ml, p = self._meaning_encoder(), self.policy
        same = [c for c in scored if not c.cross]
        if ml is None or query.vectors.ml is None or not same:
            return scored
        same = same[:within_budget([c.text for c in same], ml.count_tokens, p.sentence_tokens, p.closer_look_budget)]
        meaning = []
        for c, s in zip(same, map(float, self.own_meaning(ml, query, hits, same))):
            if own is not None:
                own[c.at] = s
            first = hits[c.hit_rank].similarity
            mixed = (1 - p.closer_look_share) * first + p.closer_look_share * s
            # a sentence not about what is asked (below the meaning floor) gains nothing
            meaning.append(mixed if s >= p.refuse_unrelated_below else min(mixed, first))
        rescored = compose.score_candidates(same, np.array(meaning), query.term_weights, [False] * len(same),
                                            query.kind, p)
        looked = {c.at for c in same}
        return sorted(rescored + [c for c in scored if c.at not in looked], key=lambda c: -c.score)

    def own_meaning(self, ml, query: Query, hits: list[Hit], sentences: list[compose.Candidate]) -> np.ndarray:
        """Each sentence encoded on its own by `ml` (~6 ms a sentence), its similarity to the
        question with the language gap of its passage added back, calibrated: one scale for a
        sentence and a passage, in any pair of languages."""
        p = self.policy
        gaps = np.array([p.gap(query.lang, self.language_of(hits[c.hit_rank].chunk)) for c in sentences])
        return ml.calibrated(ml.encode_sentences([c.text for c in sentences], p.sentence_tokens) @ query.vectors.ml
                             + gaps)

    def score_sentences(self, query: Query, hits: list[Hit]) -> list[compose.Candidate]:
        """The sentences of the passages an answer draws on, scored, best first.

        A passage in another language than the question (a Spanish question, an English one
        about the Korean deck), or any question not in English, is compared sentence by sentence
        in the multilingual space, with the encoder's gap for the language pair added back
        (AnswerPolicy.language_gap); in English a sentence's meaning score is its passage's, and
        term overlap ranks within a passage (measured as good as encoding every sentence, at a
        fifth of the time)."""
        cands = compose.candidates(hits)
        langs = [self.language_of(h.chunk) for h in hits]  # once a passage, not once a sentence
        other = [langs[c.hit_rank] != query.lang for c in cands]
        multilingual = [query.foreign or o for o in other]
        sims = np.array([hits[c.hit_rank].similarity for c in cands])
        ml = self.retriever.ml_embedder
        rows = [i for i, x in enumerate(multilingual) if x]
        if rows and ml is not None and query.vectors.ml is not None:
            p = self.policy
            rows = rows[:within_budget([cands[i].text for i in rows], ml.count_tokens, p.sentence_tokens,
                                       p.sentence_budget)]
            sims[rows] = self.own_meaning(ml, query, hits, [cands[i] for i in rows])
        return compose.score_candidates(cands, sims, query.term_weights, multilingual, query.kind, self.policy, other)
