"""What the writer is shown: the question, and the best part of the top passages, numbered.

Short on purpose: on two CPU cores the embedded model reads ~60 tokens/s, so ~600 tokens of
sources put its first words ~10 s after the question. Each excerpt is whole sentences of a
passage around its best-scoring sentence, verbatim, so a citation can point into it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..chunk import sentence_spans
from ..text import language
from ..text.lexicon import BULLETS, DASHES, TABLE_RULE
from ..types import Hit

# Measured on the seed questions: "If the sources do not answer …, write NO ANSWER" made the 1.5B
# model refuse 4 of 15 answerable questions whose passages held the answer; the judge has
# already found strong evidence before the writer is asked, so it is told to refuse only when
# the sources say nothing on the subject.
SYSTEM = ("You help government officials. Answer the question from the numbered sources. Write one to four "
          "short sentences in {language}. After each sentence, give the number of its source in square "
          "brackets, like [2]. Use only facts from the sources; copy names and numbers exactly. Only if the "
          "sources say nothing about the subject of the question, write: NO ANSWER")
NO_ANSWER = "NO ANSWER"
# Where the evidence is weak (AnswerPolicy.refuse_with_writer_below), a NO ANSWER refuses the
# question (judge.judge_writer_found_none), so there the writer is asked to say it whenever the
# sources do not answer.
SYSTEM_WEAK = SYSTEM.replace("Only if the sources say nothing about the subject of the question, write: NO ANSWER",
                             "If the sources do not answer the question, write: NO ANSWER")

# Where the evidence is weak (AnswerPolicy.ask_if_answered_below), the writer is first asked,
# on its own, whether the sources answer the question: told to write an answer, the 1.5B model
# grafts an everyday question's subject onto whatever it is shown ("an adult should drink
# approximately 82% …"); asked only this, it tells them apart (bench/results/written.md).
# Under a system message of its own: asked under the writer's (so that the answer could reuse
# the check's prompt, nearly free), it said YES to every question, the guitar lesson included.
ANSWERED = "You check whether numbered sources answer a question. Reply with YES or NO only."
YES, NO = "YES", "NO"

TRANSLATE = ("Translate the user's question into English. Keep names, acronyms, numbers and titles as they are. "
             "Reply with the English question only.")


def translation(question: str, titles: list[str]) -> list[dict]:
    """The messages that ask for the question in English, to search with (writer.py). `titles`:
    of the reports the question first found, so that the model translates into their terms (told
    nothing, the 1.5B model made "la Corée" "North Korea"; told the titles, "South Korea")."""
    context = f" The question is asked of these reports: {'; '.join(titles)}." if titles else ""
    return [{"role": "system", "content": TRANSLATE + context}, {"role": "user", "content": question}]


@dataclass(frozen=True)
class Excerpt:
    n: int  # its number in the prompt
    hit: Hit  # the passage it comes from
    start: int  # offsets in hit.shown.text
    end: int

    @property
    def text(self) -> str:
        return self.hit.shown.text[self.start:self.end]


def excerpt(hit: Hit, anchor: int, words: int) -> tuple[int, int]:
    """Whole sentences of the passage around offset `anchor`, about `words` words."""
    text = hit.shown.text
    spans = sentence_spans(text) or [(0, len(text))]
    i = next((k for k, (a, b) in enumerate(spans) if a <= anchor < b), 0)
    lo = hi = i
    used = len(text[spans[i][0]:spans[i][1]].split())
    while used < words and (lo > 0 or hi < len(spans) - 1):
        if hi < len(spans) - 1:
            hi += 1
            used += len(text[spans[hi][0]:spans[hi][1]].split())
        if lo > 0 and used < words:
            lo -= 1
            used += len(text[spans[lo][0]:spans[lo][1]].split())
    return spans[lo][0], spans[hi][1]


def excerpts(hits: list[Hit], scored: list, passages: int, words: int) -> list[Excerpt]:
    """The top `passages` passages (each once), cut around the best-scoring sentence each holds.
    `scored`: candidate sentences (answer.Candidate) with `hit_rank` into `hits`."""
    out: list[Excerpt] = []
    taken: list[tuple[str, int, int]] = []  # (document, start, end) of the excerpts so far
    for c in scored:
        hit = hits[c.hit_rank]
        passage = hit.shown
        anchor = passage.start + max(0, hit.chunk.start + c.start - passage.start)
        if hit.covered or any(d == passage.doc_id and s <= anchor < e for d, s, e in taken):
            continue  # this sentence is already shown in an excerpt
        a, b = excerpt(hit, anchor - passage.start, words)
        if any(d == passage.doc_id and a + passage.start < e and s < b + passage.start for d, s, e in taken):
            continue  # overlapping passages of one document: the model would read the same lines twice
        taken.append((passage.doc_id, passage.start + a, passage.start + b))
        out.append(Excerpt(len(out) + 1, hit, a, b))
        if len(out) >= passages:
            break
    return out


# A line that starts a row of its own: a list item, or a table row ("78% | Staff costs")
_ROW = re.compile(rf"([{BULLETS}{DASHES}]|\d{{1,2}}[.)])\s|\||.*\s\|\s")


def layout(text: str) -> str:
    """`text` as the writer reads it: wrapped lines joined, but each list item and table row on a
    line of its own. Joined into one line, "Source | % of saving ---- | ---- 78% | Staff costs 12% |
    Accommodation" read to the 1.5B model as prose, and it left the shares out (rdev-39)."""
    lines: list[str] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line or TABLE_RULE.fullmatch(line):
            continue
        if lines and not _ROW.match(line):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return "\n".join(lines)


def _sources(parts: list[Excerpt], pages: bool = True) -> str:
    """The numbered excerpts as the model reads them, under their report's title (and pages)."""
    return "\n\n".join(f"[{e.n}] {e.hit.shown.title}{_pages(e.hit) if pages else ''}:\n{layout(e.text)}"
                       for e in parts)


def messages(question: str, lang: str, parts: list[Excerpt], weak: bool = False) -> list[dict]:
    sources = _sources(parts)
    return [{"role": "system", "content": (SYSTEM_WEAK if weak else SYSTEM).format(language=language.name(lang))},
            {"role": "user", "content": f"Question: {question}\n\nSources:\n{sources}\n\nQuestion: {question}\n"
                                        f"Answer in {language.name(lang)}:"}]


def answered(question: str, parts: list[Excerpt]) -> list[dict]:
    """The messages that ask whether the excerpts answer the question at all (writer.py)."""
    return [{"role": "system", "content": ANSWERED},
            {"role": "user", "content": f"Sources:\n{_sources(parts, pages=False)}\n\nQuestion: {question}\n\n"
                                        f"Do the sources answer this question? Reply {YES} or {NO}."}]


def _pages(hit: Hit) -> str:
    pages = hit.shown.pages
    if not pages:
        return ""
    return f" (p. {pages[0]})" if len(pages) == 1 else f" (pp. {pages[0]}-{pages[-1]})"
