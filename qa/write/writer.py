"""The generative reader: stream the writer's answer sentence by sentence, each one checked
(check.py) before it is shown, then the final Answer.

Only checked sentences are ever shown: a sentence no source supports is left out, and the
answer says how many were (decided over marking them "unsupported": a planner copies answers
into briefings, and a marked falsehood still travels; measured in bench/results/written.md).
When the writer finds no answer, or nothing it wrote survives the check, the answer is a
refusal that lists the closest passages, as the quoted reader's is. When the backend fails
(unreachable, an error, too slow) the quoted answer stands, with a one-line notice.
"""
from __future__ import annotations

import dataclasses
import re
import time
from typing import Iterator

from .. import answer as compose
from ..judge import Refusal
from ..types import Answer
from . import prompt
from .backends import Backend, BackendError
from .check import SupportChecker, sentences
from .queue import WriteQueue

# a sentence is complete at its full stop, with any citation marks after it, once more text follows
_SENTENCE_DONE = re.compile(r"[.!?。！？](?:\s*\[\s*\d+(?:\s*[,;-]\s*\d+)*\s*\])*(?:\s+|(?<=[。！？]))(?=[^\s\[])|\n+")


class Writing:
    """One written answer in progress: iterate for the checked sentences as they come (each with
    its [n], after a space or, for a list item, a line break); then `answer` is the final Answer."""

    def __init__(self, writer: "Writer", quoted: Answer, on_wait=None):
        self.writer, self.quoted, self.on_wait = writer, quoted, on_wait
        self.answer: Answer | None = None
        self.first_words_s: float | None = None

    def __iter__(self) -> Iterator[str]:
        w, quoted = self.writer, self.quoted
        if quoted.refused or quoted.query is None:
            self.answer = quoted
            return
        query, hits, policy = quoted.query, list(quoted.hits), w.assistant.policy
        parts = prompt.excerpts(hits, list(quoted.scored), policy.writer_passages, policy.writer_words_per_passage)
        same_language = all(w.assistant.language_of(e.hit.shown) == query.lang for e in parts)
        checker = SupportChecker(w.embedder, parts, same_language, w.assistant.index.lexical.term_weights,
                                 policy.meaning_weight, policy.support_min)
        try:
            with w.queue.turn(self.on_wait):
                t0 = time.perf_counter()  # the wait in the queue is not the writer's time
                yield from self._write(w, query, parts, checker, policy, state := _State())
            kept, dropped, citations, written = state.kept, state.dropped, state.citations, state.written
        except BackendError as e:
            self.answer = dataclasses.replace(quoted, notice=f"The writer could not answer ({e}); the quoted answer is shown.")
            return
        timings = dict(quoted.timings_ms, write=1000 * (time.perf_counter() - t0))
        if self.first_words_s is not None:
            timings["first_words"] = 1000 * self.first_words_s
        if not kept:
            if written.lstrip().upper().startswith(prompt.NO_ANSWER) or not sentences(written):
                refusal = Refusal("writer", "The writer found no answer in the closest passages.")
            else:
                refusal = Refusal("unsupported", "Nothing the writer wrote is supported by the passages found.")
            refused = w.assistant.refuse(quoted, refusal)
            self.answer = dataclasses.replace(refused, mode="generative", writer=w.backend.name, timings_ms=timings,
                                              unsupported=tuple(dropped))
            return
        notice = ""
        if dropped:
            notice = (f"{len(dropped)} written sentence{'s were' if len(dropped) > 1 else ' was'} left out: "
                      f"no passage found supports {'them' if len(dropped) > 1 else 'it'}.")
        self.answer = dataclasses.replace(quoted, text="".join(kept), citations=tuple(citations), mode="generative",
                                          writer=w.backend.name, notice=notice, timings_ms=timings,
                                          unsupported=tuple(dropped))

    def _write(self, w, query, parts, checker, policy, state) -> Iterator[str]:
        t0, buffer = time.perf_counter(), ""
        for piece in w.backend.stream(prompt.messages(query.resolved, query.lang, parts), policy.writer_max_tokens):
            if self.first_words_s is None:
                self.first_words_s = time.perf_counter() - t0
            state.written += piece
            buffer += piece
            if state.written.lstrip().upper().startswith(prompt.NO_ANSWER):
                return
            done = list(_SENTENCE_DONE.finditer(buffer))
            if done:
                complete, buffer = buffer[:done[-1].end()], buffer[done[-1].end():]
                yield from self._checked(complete, checker, parts, state)
        yield from self._checked(buffer, checker, parts, state)

    def _checked(self, text, checker, parts, state) -> Iterator[str]:
        kept, dropped, citations, number_of = state.kept, state.dropped, state.citations, state.number_of
        a = self.writer.assistant
        for sentence in sentences(text):
            support = checker.check(sentence)
            if support.source is None or support.score < a.policy.support_min:
                dropped.append(sentence)
                continue
            src = support.source
            key = (src.excerpt, src.start)
            if key not in number_of:
                number_of[key] = len(citations) + 1
                passage = parts[src.excerpt].hit.shown
                citations.append(compose.citation(number_of[key], passage, src.text, a.page_labels, a.ocr_pages,
                                                  support=support.score))
            # a list item stands on its own line, as the writer wrote it
            item = sentence.startswith("- ")
            sep = "" if not kept else "\n" if item or kept[-1].lstrip("\n").startswith("- ") else " "
            kept.append(f"{sep}{sentence} [{number_of[key]}]")
            yield kept[-1]


@dataclasses.dataclass
class _State:
    """What one written answer has so far."""
    written: str = ""  # everything the writer sent
    kept: list = dataclasses.field(default_factory=list)  # shown sentences, with [n] and separator
    dropped: list = dataclasses.field(default_factory=list)  # sentences no passage supports
    citations: list = dataclasses.field(default_factory=list)
    number_of: dict = dataclasses.field(default_factory=dict)  # (excerpt, start) → citation number


class Writer:
    """Writes answers with `backend`, checked against the passages with the assistant's
    multilingual embedder; one per server, shared by every session, with a queue in front
    (`backend.slots` answers at once)."""

    def __init__(self, assistant, backend: Backend):
        self.assistant, self.backend = assistant, backend
        r = assistant.retriever
        self.embedder = r.ml_embedder or r.main
        self.queue = WriteQueue(getattr(backend, "slots", 1))

    def stream(self, quoted: Answer, on_wait=None) -> Writing:
        """The written answer to `quoted`'s question, as it comes; `on_wait(n)`: n answers are
        ahead in the queue (0: writing starts)."""
        return Writing(self, quoted, on_wait)

    def write(self, quoted: Answer) -> Answer:
        writing = self.stream(quoted)
        for _ in writing:
            pass
        return writing.answer
