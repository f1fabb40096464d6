"""Is there an answer in what was found? `judge` returns None, or a `Refusal` with its reason.

A question is refused because the evidence falls short, never because of its language or its
length: the names and numbers checked are those of the sentence that asks (query.asking_part),
and across languages only numbers, which every language writes the same, and the countries a
question names in its own words, which pycountry knows in every language (text/countries.py).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from . import evidence
from .policy import AnswerPolicy
from .query import Query
from .text.countries import ShortNames
from .types import Chunk, Hit

_POSSESSIVE = re.compile(r"['’]s$")
_WORD = re.compile(r"[^\W_]")  # a letter or digit of any script
_PAGE_NUMBER = re.compile(r"\d{1,3}$|^\d{1,3}")  # a running line's page number, at its start or end
KIND_WORDS = {"year": "a date or year", "money": "an amount of money", "number": "a number"}


@dataclass(frozen=True)
class Refusal:
    code: str  # 'nothing' | 'weak' | 'unrelated' | 'missing' | 'kind' | 'writer'
    reason: str  # one sentence the user reads

    def __str__(self) -> str:
        return self.reason


class RunningLines:
    """Page headers and footers: lines that recur on three or more pages of a document ("OECD
    Digital Government Index 2019 | 23"). A year in one must not answer "when" or stand for the
    year a question names. Found per document on first need, page numbers ignored."""

    def __init__(self, chunks: list[Chunk]):
        self._chunks = chunks
        self._paged: dict[str, list[Chunk]] | None = None  # each document's chunks with pages, grouped once
        self._by_doc: dict[str, set[str]] = {}

    @staticmethod
    def _key(line: str) -> str:
        return _PAGE_NUMBER.sub("#", " ".join(line.split()).lower())

    def find_all(self) -> None:
        """Every document's running lines now (a served assistant, at start): found on a
        question's first need, a document costs ~2 ms, and a question over a large index meets
        several new ones (bench/speed.py, ~100k chunks: p50 36 → 19 ms with the grouping)."""
        for doc_id in {c.doc_id for c in self._chunks}:
            self.of(doc_id)

    def of(self, doc_id: str) -> set[str]:
        if doc_id not in self._by_doc:
            if self._paged is None:  # grouped once: a scan of every chunk per document took 4 ms at 100k chunks
                self._paged = {}
                for c in self._chunks:
                    if c.page_start is not None:
                        self._paged.setdefault(c.doc_id, []).append(c)
            pages: dict[str, set[int]] = {}
            for c in self._paged.get(doc_id, ()):
                for line in c.text.splitlines():
                    if 3 <= len(line.strip()) <= 100:
                        pages.setdefault(self._key(line), set()).add(c.page_start)
            self._by_doc[doc_id] = {k for k, p in pages.items() if len(p) >= 3}
        return self._by_doc[doc_id]

    def holds(self, chunk: Chunk, line: str) -> bool:
        """Whether `line` is one of the running lines of `chunk`'s document."""
        return chunk.page_start is not None and self._key(line) in self.of(chunk.doc_id)

    def strip(self, chunk: Chunk, text: str | None = None) -> str:
        """`text` (default: the chunk's) without the running lines of its document."""
        text = chunk.text if text is None else text
        if chunk.page_start is None:
            return text
        running = self.of(chunk.doc_id)
        return "\n".join(ln for ln in text.splitlines() if self._key(ln) not in running)


def judge(query: Query, hits: list[Hit], scored: list, policy: AnswerPolicy,
          language_of: Callable[[Chunk], str], running: RunningLines | None = None,
          meant: ShortNames | None = None, meaning: Callable[[], float | None] | None = None) -> Refusal | None:
    """None when the best sentences answer the question; otherwise why not. `scored`: the
    candidate sentences of the answer's passages, best first (answer.score_candidates);
    `meant`: which country the reports mean by a short name several share ("Korea");
    `meaning()`: how close in meaning alone what was found comes to the question
    (Assistant.best_meaning; None: not measured), asked last: it may encode sentences."""
    if not _WORD.search(query.resolved):
        # "?" or "🙂🙂" asks nothing: its vector still lands somewhere, on a byline once
        return Refusal("nothing", "The question has no words to look for.")
    if not hits or not scored:
        return Refusal("nothing", "Nothing in this index matches the question.")
    best = scored[0]
    across = query.foreign or language_of(hits[best.hit_rank].chunk) != query.lang
    threshold = policy.refuse_below_foreign if across else policy.refuse_below
    if best.score < threshold:
        return Refusal("weak", f"The closest passages match the question only weakly "
                               f"(evidence {best.score:.2f}, below {threshold:.2f}).")
    shown = [h.shown for h in hits]
    if running is not None:
        shown = [_without_running_lines(c, running) for c in shown]
    # across languages, what every language writes alike: numbers, and countries (by any name)
    terms = list(query.numbers + query.countries if across else query.key_terms)
    missing = evidence.missing_together(terms, shown, meant)
    if missing:
        names = ", ".join(f"“{_POSSESSIVE.sub('', t)}”" for t in missing)
        found = [t for t in terms if t not in missing and t.lower() not in evidence.LANGUAGE_NAMES]
        along = f" together with {', '.join(f'“{t}”' for t in found)}" if found else ""
        return Refusal("missing", f"No passage found mentions {names}{along}.")
    kind = query.kind
    if across and kind and kind.startswith("number:"):
        kind = "number"  # "how many components" is "125종" in the Korean deck
    near = [c for c in scored if c.score >= best.score - policy.other_margin]
    texts = [running.strip(hits[c.hit_rank].chunk, c.text) if running else c.text for c in near]
    if not any(evidence.has_answer_kind(kind, t) for t in texts):
        what = KIND_WORDS.get(kind or "", "the count asked for")
        return Refusal("kind", f"No sentence close to the question gives {what}.")
    closeness = meaning() if meaning is not None else None
    if closeness is not None and closeness < policy.refuse_unrelated_below:
        return Refusal("unrelated", f"No passage found is about what the question asks (closest in meaning "
                                    f"{closeness:.2f}, below {policy.refuse_unrelated_below:.2f}).")
    return None


def writer_no_refuses(strength: float, policy: AnswerPolicy) -> bool:
    """Whether the writer's "no answer" refuses a question whose evidence is `strength`: only
    where it is weak too (below `refuse_with_writer_below`); the writer's prompt says so."""
    return strength < policy.refuse_with_writer_below


def judge_writer_found_none(strength: float, policy: AnswerPolicy) -> Refusal | None:
    """The writer, shown the passages the judge let through, found no answer in them: a second
    reader's "no" refuses the question where the evidence was weak too; above it the quoted
    answer stands (writer.py)."""
    if writer_no_refuses(strength, policy):
        return Refusal("writer", f"The writer found no answer in the closest passages, and they match the question "
                                 f"only weakly (evidence {strength:.2f}, below {policy.refuse_with_writer_below:.2f}).")
    return None


def judge_writer_says_unanswered(strength: float, policy: AnswerPolicy) -> Refusal:
    """Asked before writing, where the evidence is weak (below `ask_if_answered_below`), whether
    the closest passages answer the question, the writer said no (writer.py)."""
    return Refusal("writer", f"Asked whether the closest passages answer the question, the writer found they do "
                             f"not, and they match it only weakly (evidence {strength:.2f}, below "
                             f"{policy.ask_if_answered_below:.2f}).")


def _without_running_lines(chunk: Chunk, running: RunningLines) -> Chunk:
    import dataclasses
    return dataclasses.replace(chunk, text=running.strip(chunk))
