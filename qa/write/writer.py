"""The generative reader: stream the writer's answer sentence by sentence, each one checked
(check.py) before it is shown, then the final Answer.

Only checked sentences are ever shown: a sentence no source supports is left out, and the
answer says how many were (decided over marking them "unsupported": a planner copies answers
into briefings, and a marked falsehood still travels; measured in bench/results/written.md).
After the written sentences come, verbatim and in quotes, the quoted answer's sentences the
writer did not stand on or whose numbers and coded names it left out, from the passages it draws
on (the best one and those it cites): a 1.5B model paraphrases away the figure a question turns on
(reports questions: accuracy 0.33 written alone, 0.60 so); then the next best-scoring sentence
of those passages that neither answer holds (AnswerPolicy.writer_extra_quotes; 0.65).
Where the evidence is weak (AnswerPolicy.ask_if_answered_below) the writer is first asked, on its
own, whether the best excerpt answers the question, and where it says no, whether all of them do;
that second "no" refuses the question unwritten (told to write, a 1.5B model answers an everyday
question from whatever it is shown).
When the writer finds no answer where the evidence is also weak (AnswerPolicy.
refuse_with_writer_below; there the prompt asks for NO ANSWER whenever the sources do not
answer), the question is refused: two readers agree. Otherwise, when it finds
no answer or nothing it wrote survives the check, the quoted answer stands with a notice: the
judge had found the evidence strong, and the writer's "no answer" alone was right 5 times of 10
over 257 questions (bench/results/written.md). When the
backend fails (unreachable, an error, too slow) the quoted answer stands, with a one-line notice.

A question not in English is also searched in English, translated by the writer: the
multilingual encoder ranks English passages for an English question far better (our 11
questions in 11 languages: recall@5 0.18 as asked, 0.82 asked in English). The reading with the
better top passage is answered, so a French question about a French report keeps its own.
"""
from __future__ import annotations

import dataclasses
import re
import time
from typing import Iterator

from .. import answer as compose
from .. import evidence
from ..lexical import fold_text, tokenize
from ..text import countries
from ..judge import judge_writer_found_none, judge_writer_says_unanswered, writer_no_refuses
from ..types import Answer
from . import prompt
from .backends import CUT_OFF, Backend, BackendError
from .check import CITE_MARK, SupportChecker, ends_sentence, facts, missing_facts, names, sentences, without_asides
from .queue import WriteQueue

# a sentence is complete at its full stop, with any citation marks after it, once more text follows
_SENTENCE_DONE = re.compile(rf"[.!?。！？](?:\s*{CITE_MARK})*(?:\s+|(?<=[。！？]))(?=[^\s\[])|\n+")
_FINISHED = re.compile(rf"[.!?。！？](?:\s*{CITE_MARK})*\s*$")
_TRANSLATION_TOKENS = 80


class Writing:
    """One written answer in progress: iterate for the checked sentences as they come (each with
    its [n], after a space or, for a list item, a line break); then `answer` is the final Answer
    and `quoted` the quoted answer it rests on (the English search's, when that found more)."""

    def __init__(self, writer: "Writer", quoted: Answer, on_wait=None):
        self.writer, self.quoted, self.on_wait = writer, quoted, on_wait
        self.answer: Answer | None = None
        self.first_words_s: float | None = None

    def __iter__(self) -> Iterator[str]:
        w, asked = self.writer, self.quoted
        if asked.query is None or (asked.refused and not w.searches_in_english(asked)):
            self.answer = asked
            return
        policy, state = w.assistant.policy, _State()
        try:
            with w.queue.turn(self.on_wait):
                t0 = self.started = time.perf_counter()  # the wait in the queue is not the writer's time
                quoted = self.quoted = w.better_reading(asked)
                if quoted.refused:
                    self.answer = quoted
                    return
                hits = list(quoted.hits)
                parts = prompt.excerpts(hits, list(quoted.scored), policy.writer_passages,
                                        policy.writer_words_per_passage)
                same_language = all(w.assistant.language_of(e.hit.shown) == asked.query.lang for e in parts)
                checker = SupportChecker(w.embedder, parts, same_language, w.assistant.index.lexical.term_weights,
                                         policy.meaning_weight, policy.support_min, asked.query.lang,
                                         # acronyms only: "The author of Estonia's paper is Siim Sikkut" (st-04)
                                         # and "The 1999 plan … connects 21 data networks" (sb-06) put the
                                         # question's subject on a sentence about something else, which
                                         # its source's lack of the name or number shows
                                         tuple(names(asked.query.resolved, False)))
                if quoted.strength < policy.ask_if_answered_below and not self._answers(w, quoted.query, parts):
                    timings = dict(quoted.timings_ms, write=1000 * (time.perf_counter() - t0))
                    self.answer = _refused(quoted, judge_writer_says_unanswered(quoted.strength, policy),
                                           w.backend.name, timings)
                    return
                yield from self._write(w, asked.query, parts, checker, policy, state)
        except BackendError as e:
            self.answer = dataclasses.replace(self.quoted, notice=f"The writer could not answer ({e}); the quoted answer is shown.")
            return
        timings = dict(quoted.timings_ms, write=1000 * (time.perf_counter() - t0))
        if self.first_words_s is not None:
            timings["first_words"] = 1000 * self.first_words_s
        kept, dropped, written = state.kept, state.dropped, state.written
        if not kept:
            said_none = written.lstrip().upper().startswith(prompt.NO_ANSWER)
            refusal = judge_writer_found_none(quoted.strength, policy) if said_none else None
            if refusal is not None:
                self.answer = _refused(quoted, refusal, w.backend.name, timings)
                return
            why = ("The writer found no answer in these passages" if said_none or not sentences(written)
                   else "Nothing the writer wrote is supported by the passages found")
            self.answer = dataclasses.replace(quoted, notice=f"{why}; the quoted answer is shown.", timings_ms=timings,
                                              unsupported=tuple(dropped))
            return
        yield from self._completed(quoted, state)
        notices = [quoted.notice] if quoted.notice else []
        if dropped:
            notices.append(f"{len(dropped)} written sentence{'s were' if len(dropped) > 1 else ' was'} left out: "
                           f"no passage found supports {'them' if len(dropped) > 1 else 'it'}.")
        self.answer = dataclasses.replace(quoted, text="".join(kept), citations=tuple(state.citations),
                                          mode="generative", writer=w.backend.name, notice=" ".join(notices),
                                          timings_ms=timings, unsupported=tuple(dropped))

    @staticmethod
    def _answers(w, query, parts) -> bool:
        """Whether the writer, asked only that, says the excerpts answer the question (anything
        but a NO is a yes: only its clear "no" refuses). Asked first of the best excerpt alone
        (~3 s on two cores, a third of the prompt); only its NO is asked again of all of them
        (~8 s), and only two NOs refuse: alone, the best excerpt said NO to list and table
        questions whose items run on into the next excerpts (tl-03, la-02; written.md)."""
        def says_no(shown) -> bool:
            reply = "".join(p for p in w.backend.stream(prompt.answered(query.resolved, shown), 3) if p != CUT_OFF)
            return bool(re.match(rf"\W*{prompt.NO}\b", reply.strip().upper()))
        return not (says_no(parts[:1]) and (len(parts) == 1 or says_no(parts)))

    def _write(self, w, query, parts, checker, policy, state) -> Iterator[str]:
        t0, buffer = self.started, ""  # first words count the search in English too
        weak = writer_no_refuses(self.quoted.strength, policy)  # there its "no" counts: asked to say it
        for piece in w.backend.stream(prompt.messages(query.resolved, query.lang, parts, weak), policy.writer_max_tokens):
            if piece == CUT_OFF:  # stopped at the length limit: an unfinished "Le deuxième projet" claims nothing
                if not _FINISHED.search(buffer):
                    buffer = ""
                break
            if self.first_words_s is None:
                self.first_words_s = time.perf_counter() - t0
            state.written += piece
            buffer += piece
            if state.written.lstrip().upper().startswith(prompt.NO_ANSWER):
                return
            done = [m for m in _SENTENCE_DONE.finditer(buffer)
                    if "\n" in m.group() or ends_sentence(buffer[:m.start() + 1], buffer[m.end():])]
            if done:
                complete, buffer = buffer[:done[-1].end()], buffer[done[-1].end():]
                yield from self._checked(complete, checker, parts, state)
        yield from self._checked(buffer, checker, parts, state)

    def _completed(self, quoted: Answer, state) -> Iterator[str]:
        """The quoted answer's sentences the written one does not stand on, or whose numbers,
        coded names or most of its other words it left out, added verbatim: a small model
        paraphrases away the figure, name or clause a question turns on, and an answer in the
        user's language holds none of an English source's words (bench/results/written.md)."""
        written = re.sub(r"\[\d+\]", "", " ".join(state.kept))
        drawn_on = self._drawn_on(quoted, state)
        policy = self.writer.assistant.policy
        asked = quoted.query.resolved if quoted.query is not None else quoted.question
        for c in quoted.citations:
            if c.chunk_id not in drawn_on:
                continue
            rests_on = any(_same_sentence(c.quote, s) for s in state.sources)
            if rests_on and not missing_facts(facts(c.quote, False), written) and \
                    words_held(c.quote, written, asked) >= policy.writer_source_words_held:
                continue
            yield state.quote(dataclasses.replace(c, n=len(state.citations) + 1))
        yield from self._next_best(quoted, state, drawn_on)

    def _next_best(self, quoted: Answer, state, drawn_on: set[str]) -> Iterator[str]:
        """The best-scoring sentences of the passages drawn on that neither the quoted answer
        (its length limits) nor the written one holds, within `other_margin` of the best, up to
        `writer_extra_quotes`, while the quotes stay within `max_answer_words`: where the writer
        stood on some quoted sentences, there is room for the next one ("We call this ‘assisted
        digital’.")."""
        a, policy = self.writer.assistant, self.writer.assistant.policy
        if not quoted.scored or policy.writer_extra_quotes <= 0:
            return
        best, added = quoted.scored[0], 0
        shown = [" ".join(c.quote.split()) for c in state.citations]
        quoted_words = sum(len(k.split()) for k in state.kept if k.lstrip("\n").startswith("“"))
        for cand in quoted.scored:
            if added >= policy.writer_extra_quotes or cand.score < best.score - policy.other_margin:
                break
            hit = quoted.hits[cand.hit_rank]
            quote = " ".join(cand.text.split())
            if hit.chunk.chunk_id not in drawn_on or not cand.statement or (cand.cross and not best.cross) \
                    or any(quote in s or _same_sentence(quote, s) for s in shown + state.sources):
                continue
            if quoted_words + len(quote.split()) > policy.max_answer_words:
                continue  # the quotes stay within a quoted answer's length
            n = len(state.citations) + 1
            yield state.quote(compose.citation(n, hit.chunk, cand.text, a.page_labels, a.ocr_pages))
            shown.append(quote)
            added, quoted_words = added + 1, quoted_words + len(quote.split())

    def _drawn_on(self, quoted: Answer, state) -> set[str]:
        """The passages whose quoted sentences may follow the written ones: the best passage, those
        the written sentences cite, and the chunks a quoted list runs on into. A quoted sentence
        from another passage is one the writer read and left aside: appended, it was the answer's
        least precise citation (99 questions: citation precision 0.80 → 0.85, accuracy the same)."""
        following = self.writer.assistant.following
        drawn = {c.chunk_id for c in state.citations}
        drawn |= {i for h in quoted.hits[:1] for i in (h.chunk.chunk_id, h.shown.chunk_id)}
        drawn |= {h.chunk.chunk_id for h in quoted.hits if h.shown.chunk_id in drawn}  # one passage shown
        for c in quoted.citations:  # in reading order: a list's next chunk comes after its start
            if any(h.chunk.chunk_id in drawn and getattr(following(h.chunk), "chunk_id", None) == c.chunk_id
                   for h in quoted.hits):
                drawn.add(c.chunk_id)
        return drawn

    def _checked(self, text, checker, parts, state) -> Iterator[str]:
        kept, dropped, citations, number_of = state.kept, state.dropped, state.citations, state.number_of
        a = self.writer.assistant
        for sentence in sentences(text):
            if _repeats(sentence, kept):
                continue  # a small model restating its last sentence with one word changed
            if not sentence.startswith("- ") and state.statements() >= a.policy.max_answer_sentences:
                continue  # the "one to four short sentences" asked for: a fifth ran on to what else the passages said
            support = checker.check(sentence)
            trimmed = without_asides(sentence, support.missing) if support.missing else sentence
            if trimmed != sentence:
                again = checker.check(trimmed)
                if again.source is not None and again.score >= a.policy.support_min:
                    sentence, support = trimmed, again  # only its aside was unsupported
            if support.source is None or support.score < a.policy.support_min:
                dropped.append(sentence)
                continue
            src = support.source
            state.sources.append(src.text)
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
    sources: list = dataclasses.field(default_factory=list)  # the source sentence of each kept sentence

    def statements(self) -> int:
        """Written sentences shown so far, list items and quotes not counted."""
        return sum(not k.lstrip("\n").startswith(("- ", "“")) for k in self.kept)

    def quote(self, citation) -> str:
        """Show `citation`'s sentence verbatim, in quotes, on a line of its own (a list or table
        keeps its items' lines, as in the quoted answer); the line shown.
        Where a written sentence already cites this sentence (one holds the other), the quote
        follows under that number, the citation widened to the longer of the two: one source, one
        number (a French sentence spelling a name its own way had [1], and its source as a quote [2])."""
        new = " ".join(citation.quote.split())
        for k, cited in enumerate(self.citations):
            old = " ".join(cited.quote.split())
            if new in old or old in new:
                if len(new) > len(old):
                    self.citations[k] = dataclasses.replace(citation, n=cited.n, support=cited.support)
                citation = self.citations[k]
                break
        else:
            self.citations.append(citation)
        self.kept.append(("\n" if self.kept else "") + f"“{compose.one_line_per_item(citation.quote)}” [{citation.n}]")
        return self.kept[-1]


def _refused(quoted: Answer, refusal, writer: str, timings: dict) -> Answer:
    """The question refused by the writer's "no", with the closest passages and suggestions."""
    text, suggested = compose.refusal(list(quoted.hits))
    return dataclasses.replace(quoted, text=text, citations=(), refused=True, refusal_reason=str(refusal),
                               suggestions=tuple(suggested), mode="generative", writer=writer, timings_ms=timings)


def words_held(source: str, written: str, question: str) -> float:
    """The share of `source`'s words beyond the question's (BM25 terms: stemmed, stop words out)
    that `written` holds; 1 where the source adds fewer than three."""
    words = set(tokenize(source)) - set(tokenize(question))
    return len(words & set(tokenize(written))) / len(words) if len(words) >= 3 else 1.0


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _repeats(sentence: str, kept: list[str], share: float = 0.7) -> bool:
    """Whether most of a sentence's words (at least six of them) are in one sentence shown before."""
    words = set(_words(sentence))
    return len(words) >= 6 and any(len(words & set(_words(k))) >= share * len(words) for k in kept)


def _same_sentence(quote: str, source: str, run: int = 6) -> bool:
    """Whether a quoted sentence and a written sentence's source overlap: one holds the other, or
    they share a run of `run` words."""
    a, b = _words(quote), _words(source)
    run = min(run, len(a), len(b))
    if not run:
        return False
    grams = {tuple(a[i:i + run]) for i in range(max(1, len(a) - run + 1))}
    return any(tuple(b[i:i + run]) in grams for i in range(max(1, len(b) - run + 1)))


def _loses_country(english: str, named: tuple[str, ...]) -> bool:
    """Whether a translation into `english` leaves out a country the question `named` in its own
    words (looked for as the judge does, under all its names and initials: evidence.present) and
    names another one instead: the 1.5B model made "Estonya'nın … belgesinin yazarı kimdir?" "Who
    is the author of … report in Spain?" (ml-11). One left out with no other named is let through:
    an English name neither ISO nor initials give ("British") is not a lost country."""
    text = fold_text(english)
    joined = re.sub(r"[\s-]+", "", text)
    lost = [c for c in named if not evidence.present(c, text, joined)]
    return bool(lost) and bool(countries.named_in_english(english) - {countries.country_of(c) for c in named})


class Writer:
    """Writes answers with `backend`, checked against the passages with the assistant's
    multilingual embedder; one per server, shared by every session, with a queue in front
    (`backend.slots` answers at once)."""

    def __init__(self, assistant, backend: Backend):
        self.assistant, self.backend = assistant, backend
        r = assistant.retriever
        self.embedder = r.ml_embedder or r.main
        self.queue = WriteQueue(getattr(backend, "slots", 1))

    def searches_in_english(self, asked: Answer) -> bool:
        """Whether the writer also searches for `asked`'s question in English: it is not in English."""
        return asked.query is not None and asked.query.lang != "en"

    def better_reading(self, asked: Answer) -> Answer:
        """`asked`, or the quoted answer to its question translated into English by the writer when
        that search finds a better top passage (the reranker's score: one scale for both). Called
        in the writer's turn: the translation is the model's work."""
        if not self.searches_in_english(asked):
            return asked
        titles = list(dict.fromkeys(h.shown.title for h in asked.hits[:5]))
        reply = "".join(piece for piece in self.backend.stream(prompt.translation(asked.query.resolved, titles),
                                                                _TRANSLATION_TOKENS) if piece != CUT_OFF)
        english = " ".join(reply.strip().splitlines()[0].split()).strip("\"'“”") if reply.strip() else ""
        if not english or english.casefold() == asked.query.resolved.casefold():
            return asked
        digits = lambda text: {n.rstrip("s") for n in evidence.numbers(text)}  # "les années 1980": "the 1980s"
        if digits(english) - digits(asked.query.resolved):
            return asked  # not a translation: numbers the user did not write ("from how many percent" → "13.4%")
        if _loses_country(english, asked.query.countries):
            return asked  # nor one that puts another country for the user's ("Estonya'nın …" → "… in Spain?")
        found = self.assistant.ask(english, translated_from=asked.query.resolved)
        top = lambda a: a.hits[0].score if a.hits else 0.0  # noqa: E731
        if top(found) <= top(asked):
            return asked
        return dataclasses.replace(found, question=asked.question, resolved_question=asked.resolved_question,
                                   notice=f"Searched in English as “{english}”.")

    def stream(self, quoted: Answer, on_wait=None) -> Writing:
        """The written answer to `quoted`'s question, as it comes; `on_wait(n)`: n answers are
        ahead in the queue (0: writing starts)."""
        return Writing(self, quoted, on_wait)

    def write(self, quoted: Answer) -> Answer:
        writing = self.stream(quoted)
        for _ in writing:
            pass
        return writing.answer
