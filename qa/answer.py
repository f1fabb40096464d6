"""Hits → Answer: the best-matching sentences of the retrieved passages, each cited [n], or an
honest refusal that shows what was found.

No language model: every sentence of an answer is a verbatim sentence of a cited passage, so a
citation can never point at text that does not say what the answer says. A sentence is scored
by meaning (cosine with the question; in the multilingual space when question and passage are
not both English) and by the share of the question's informative terms it contains
(IDF-weighted). A chosen sentence may grow into a longer verbatim quote: the items of a list it
announces, the figures of a table row. Whether to answer at all is decided by
judge.py; the tuned numbers are `AnswerPolicy`'s (policy.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .chunk import HEADING_SEP, join_chunks, sentence_spans
from .evidence import has_answer_kind
from .lexical import tokenize
from .policy import AnswerPolicy
from .text.lexicon import BULLETS, CAPTION_WORDS, TABLE_RULE
from .types import Chunk, Citation, Hit, by_passage

MIN_SENTENCE_CHARS = 25
MAX_QUOTE_CHARS = 600


@dataclass(frozen=True)
class Candidate:
    hit_rank: int  # 0-based rank of the passage among the hits
    start: int  # offsets in the passage text
    end: int
    text: str
    score: float = 0.0
    statement: bool = True  # False: a heading, table row or slide line
    cross: bool = False  # in another language than the question

    @property
    def at(self) -> tuple[int, int]:
        """Where the sentence is: (passage rank, start); the same sentence however it is scored."""
        return self.hit_rank, self.start


def coverage(weights: dict[str, float], text: str) -> float:
    """IDF-weighted share of the question's terms present in `text`."""
    total = sum(weights.values())
    if not total:
        return 0.0
    present = _terms(text)
    return sum(w for t, w in weights.items() if t in present) / total


@lru_cache(maxsize=65536)
def _terms(text: str) -> frozenset[str]:
    """A sentence's index terms, worked out once: questions in a session meet the same passages
    again (serving ~100k passages, the whole bench's questions: peak 996 MiB with both caches)."""
    return frozenset(tokenize(text))


def asks(piece: str) -> bool:
    """Whether a sentence is a question (its mark may stand before a closing quote or bracket)."""
    return piece.rstrip(" *_)\"'”’»").endswith(("?", "？", "؟"))


def _is_statement(piece: str) -> bool:
    """A sentence that states something, not a heading, a menu line, a row of numbers or a
    question (a checklist's "Existe-t-il une feuille de route claire ?" answers nothing)."""
    words = piece.split()
    if len(piece) < MIN_SENTENCE_CHARS or sum(map(str.isalpha, piece)) < 0.4 * len(piece):
        return False
    if asks(piece):
        return False
    if re.search(r"#{2,}[A-Z0-9_]", piece):
        return False  # template markup left in a saved web page ("##3D_LAYER##"): not to quote
    alpha = [w for w in words if w[:1].isalpha()]
    cased = [w for w in alpha if w[0].isupper() or w[0].islower()]  # Hangul and Han have no case
    if cased and len(cased) > 0.5 * len(alpha) and sum(w[0].isupper() for w in cased) > 0.6 * len(cased):
        return False  # Title Case: a heading, a keyword list, a menu — not a statement
    return len(words) >= 12 or (len(words) >= 5 and piece.rstrip()[-1] in ".!?。:;)")


# Markdown images and link targets, HTML tags and attributes, bare URLs: not prose
_HTML_TAG = r"</?[a-zA-Z][^<>]{0,400}>"  # "<td>", "</strong>", '<img src="…">'; not "a < b" in prose
_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|" + _HTML_TAG + r"|^[^<>]{0,400}?\"\s*/?>|"
                     r"<[a-zA-Z/][^>]*$|\b[\w-]+=\"[^\"]*\"|https?://\S+")


def _mostly_markup(piece: str) -> bool:
    """Markdown image/link targets and HTML left in a Markdown file (the GovStack playbook's
    tables) are not prose; a sentence with one long link in it still is."""
    prose = len("".join(_MARKUP.sub(" ", piece).split()))
    share = prose / max(1, len("".join(piece.split())))
    return share < 0.35 or (share < 0.6 and prose < 80) or len(re.findall(r"\w{2,}", _MARKUP.sub(" ", piece))) < 2


# a tag, or the tail of one cut off at the span's start ('alt="">', 'td>')
_TAG = re.compile(_HTML_TAG + r"|^[^<>\s]*=\"[^\"]*\"(?:\s*[\w:-]+(?:=\"[^\"]*\")?)*\s*/?>|^/?[a-zA-Z][\w-]*>")
_BLOCK = re.compile(r"</?(td|th|tr|table|thead|tbody|p|div|li|ul|ol|br|h\d)\b|^/?(td|th|tr)>", re.I)
_TAG_START = re.compile(r"</?[a-zA-Z]")  # a tag cut off at the span's end begins here


def _between_tags(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The span, or where it holds HTML (a table kept in a Markdown file), each cell's text:
    a quote is then words a reader sees, still verbatim, not "alt=\"\"></td><td><strong>…". A
    cell that is mostly markup (a link, an image) gives nothing; one with inline tags
    ("<strong>Address Privacy</strong>: Addressing …") its longest run of text."""
    piece = text[s:e]
    if "<" not in piece and ">" not in piece:
        return [(s, e)]
    cells, runs, pos = [], [], 0
    for m in _TAG.finditer(piece):
        runs.append((pos, m.start()))
        pos = m.end()
        if _BLOCK.match(m.group()):
            cells.append(runs)
            runs = []
    cut = _TAG_START.search(piece, pos)
    cells.append(runs + [(pos, cut.start() if cut else len(piece))])
    out = []
    for runs in cells:
        if not runs or _mostly_markup(piece[runs[0][0]:runs[-1][1]]):
            continue
        a, b = max(runs, key=lambda r: len(piece[r[0]:r[1]].strip(" \t\n:;,")))
        run = piece[a:b]
        if run.strip(" \t\n:;,"):
            lead = len(run) - len(run.lstrip(" \t\n:;,"))  # "</strong>: Addressing …" starts at the word
            out.append((s + a + lead, s + a + len(run.rstrip())))
    return out


def candidates(hits: list[Hit]) -> list[Candidate]:
    """Sentences and lines of the passages, each marked whether it is a statement: table rows
    and slide lines may answer ("… omni-channel strategy … Yes / No 0.44%"), but lose to a
    statement that says as much (AnswerPolicy.line_penalty)."""
    return [Candidate(rank, s, e, piece, statement=statement)
            for rank, h in enumerate(hits) for s, e, piece, statement in _pieces(h.chunk.text)]


@lru_cache(maxsize=8192)
def _pieces(text: str) -> tuple[tuple[int, int, str, bool], ...]:
    """(start, end, text, is a statement) of each sentence or line of a passage worth scoring,
    found once per passage (the same passages come up question after question: ask p50 on the
    reports' questions ~0.8 ms less)."""
    out = []
    for s, e in (cell for span in sentence_spans(text) for cell in _between_tags(text, *span)):
        piece = text[s:e]
        if len(piece) < 8 or re.search(r"#{2,}[A-Z0-9_]", piece) or _mostly_markup(piece):
            continue  # mostly markup: a Markdown image or link, HTML, template markup ("##3D_LAYER##")
        if e - s > MAX_QUOTE_CHARS:
            e = s + text[s:s + MAX_QUOTE_CHARS].rfind(" ")
            piece = text[s:e]
        out.append((s, e, piece, _is_statement(piece)))
    return tuple(out)


def score_candidates(cands: list[Candidate], sims: np.ndarray, weights, cross: list[bool],
                     kind: str | None, policy: AnswerPolicy, other_language: list[bool] | None = None) -> list[Candidate]:
    """Meaning and term overlap, with a small preference for higher-ranked passages and for
    sentences holding the kind of answer asked for (a year for "when", a number for "how many").
    `cross[i]`: candidate i is compared in the multilingual space (its meaning score counts for
    more); `other_language[i]`: and it is in another language than the question, where the words
    they share are cognates and names ("Danubio", "Danube"), which may point at the topic rather
    than at the sentence that answers (AnswerPolicy.cross_lexical_weight)."""
    out = []
    other_language = other_language or [False] * len(cands)
    for c, sim, foreign, other in zip(cands, sims, cross, other_language):
        lex = coverage(weights, c.text)
        p = policy
        if foreign:  # in the question's own language terms match; in another, only cognates and names
            w = p.cross_lexical_weight if other else 0.5
            score = max(p.cross_meaning_weight * float(sim), 0.5 * float(sim) + w * lex)
        else:
            score = p.meaning_weight * float(sim) + (1 - p.meaning_weight) * lex
        if kind and has_answer_kind(kind, c.text):
            score += p.kind_bonus
        if not c.statement:
            score -= p.line_penalty
        out.append(Candidate(c.hit_rank, c.start, c.end, c.text, score - p.rank_penalty * c.hit_rank, c.statement,
                             foreign))
    return sorted(out, key=lambda c: -c.score)


def select(scored: list[Candidate], policy: AnswerPolicy, question: str = "") -> list[Candidate]:
    """The best sentence, the sentence that follows it when it continues the point (lists,
    explanations, or a best sentence that only restates the question), and other sentences
    nearly as good that say something different."""
    if not scored:
        return []
    best = scored[0]
    chosen = [best]
    following = [c for c in scored if c.hit_rank == best.hit_rank and c.start >= best.end]
    # a best sentence that only restates the question ("The first FIFA World Cup was held in Uruguay
    # in 1930." for "Why was …?") answers nothing; one that announces a list brings its items below
    echo = bool(question) and restates(best.text, question) and not _LIST_INTRO.search(best.text)
    if following:
        nxt = min(following, key=lambda c: c.start)
        if nxt.start - best.end <= 3 and (nxt.score >= best.score - policy.next_margin
                                          or _LIST_INTRO.search(best.text)):
            chosen.append(nxt)
    if echo:  # the best sentence only restates the question: the passage's next best says what it asks
        told = next((c for c in scored[1:] if c.hit_rank == best.hit_rank and c.statement and c not in chosen
                     and not restates(c.text, question)), None)
        if told is not None:
            chosen.append(told)
    words_used = sum(len(c.text.split()) for c in chosen)
    for c in scored[1:]:
        if len(chosen) >= policy.max_answer_sentences or c.score < best.score - policy.other_margin:
            break
        if c in chosen or words_used + len(c.text.split()) > policy.max_answer_words:
            continue
        if c.cross and not best.cross:
            continue  # the reports answer in the question's language: a translation adds nothing
        words = set(re.findall(r"\w+", c.text.lower()))
        if any(len(words & set(re.findall(r"\w+", o.text.lower()))) > 0.6 * len(words) for o in chosen):
            continue  # the overlap window repeats a sentence already chosen
        chosen.append(c)
        words_used += len(c.text.split())
    # the best sentence's passage first, then the others; in each, sentences in reading order
    # (measured: best-sentence-first order split quotes that read as one and lost keywords)
    return sorted(chosen, key=lambda c: (c.hit_rank != best.hit_rank, c.hit_rank, c.start))


def restates(sentence: str, question: str, new_terms: int = 1) -> bool:
    """Whether `sentence` says little the question does not: at most `new_terms` of its index
    terms are not the question's ("The first FIFA World Cup was held in Uruguay in 1930." for
    "Why was the first World Cup held in Uruguay in 1930?")."""
    own = _terms(sentence)
    return bool(own) and len(own - _terms(question)) <= new_terms


def merge_adjacent(chosen: list[Candidate], hits: list[Hit]) -> list[Candidate]:
    """Sentences that follow each other in one passage become one quote (still verbatim); a
    sentence already quoted from an overlapping passage of the same document is dropped."""
    out: list[Candidate] = []
    quoted: list[tuple[str, int, int]] = []  # (doc id, start, end) in document offsets
    for c in chosen:
        ch = hits[c.hit_rank].chunk
        a, b = ch.start + c.start, ch.start + c.end
        if any(d == ch.doc_id and s <= a and b <= e for d, s, e in quoted):
            continue
        quoted.append((ch.doc_id, a, b))
        prev = out[-1] if out else None
        if prev and prev.hit_rank == c.hit_rank and c.start - prev.end <= 3:  # adjacent or overlapping
            text = hits[c.hit_rank].chunk.text
            end = max(prev.end, c.end)
            out[-1] = Candidate(prev.hit_rank, prev.start, end, text[prev.start:end], max(prev.score, c.score),
                                prev.statement or c.statement)
        else:
            out.append(c)
    return out


# "… the following lessons can be drawn:", "It consists of five sections: …"; or a sentence that opens
# with "The following" ("The following are suggested technical focus areas that are recommended …";
# not "Following the crisis, …")
_LIST_INTRO = re.compile(r"(:|\b(following|as follows|these|include|includes|consists of|comprise|comprises)\b"
                         r".{0,60}[.:])\s*(\d\.)?\s*$|^\W*the following\b", re.I)


_ITEM = re.compile(rf"\s*(>\s*)?([{BULLETS}\-–*o]\s|\(?\d{{1,2}}[.)]\s|\(?[a-z][.)]\s)")  # "> * " in Markdown quotes


def _is_item(piece: str) -> bool:
    """A list item: a bullet or number in front, or a short line that is not a sentence (a
    table or slide row)."""
    if re.fullmatch(r"\s*\(?\w{1,2}[.)]\s*", piece):
        return True  # a list number split from its item ("1." at the very start of a passage)
    if _ITEM.match(piece):
        return True
    lines = [ln for ln in piece.splitlines() if ln.strip()]
    if len(lines) > 1:  # items the sentence splitter kept together ("Cross-border services \no Cross-border eID")
        return all(_is_item(ln) for ln in lines)
    return len(piece.split()) < 12 and not piece.rstrip().endswith((".", "!", "?"))


def extend_rows(chosen: list[Candidate], hits: list[Hit]) -> list[Candidate]:
    """A table row chosen as an answer often ends before its figures, which PDF extraction puts
    on the next line ("90 Availability of an omni-channel strategy …" / "Yes / No 0.44%"):
    quote up to two such short lines with numbers along with it."""
    out = []
    for c in chosen:
        if not c.statement:
            text = hits[c.hit_rank].chunk.text
            end = c.end
            for a, b in [(a, b) for a, b in sentence_spans(text) if a >= c.end][:2]:
                piece = text[a:b]
                if len(piece.split()) > 5 or not re.search(r"\d", piece) or a - end > 3:
                    break
                end = b
            c = Candidate(c.hit_rank, c.start, end, text[c.start:end], c.score, c.statement)
        out.append(c)
    return out


_NUMBERED = re.compile(r"\s*\(?\d{1,2}[.)]\s+\S")  # "4) Residence …", "(2) The …", "3. Users …"


def extend_to_item_start(chosen: list[Candidate], hits: list[Hit], preceding=None, reach: int = 3) -> list[Candidate]:
    """A sentence inside a numbered item continues the point its item opens with ("4) Residence
    Registration Number as a national identification system is also a critical infrastructure.
    Without unique identification numbers, …"): its opening sentence is quoted too, when it
    starts a line, is a statement, and lies at most `reach` sentences back in the same paragraph
    — as one quote with the sentence right after it, or as a quote of its own before a sentence
    further on (the sentences between stay out: they are not what was asked). When the item opens
    in the chunk before (`preceding(chunk)`), the two chunks joined become a hit, so the citation
    can show them; a quote that runs on from the opening takes the passage's other chosen
    sentences with it."""
    out = list(chosen)
    for rank in dict.fromkeys(c.hit_rank for c in chosen):
        mine = sorted((i for i, c in enumerate(out) if c.hit_rank == rank), key=lambda i: out[i].start)
        first = out[mine[0]]
        if _NUMBERED.match(first.text):
            continue
        found = _item_start(first, hits[rank].chunk, preceding, reach)
        if found is None:
            continue
        a, b, joined = found
        base = joined or hits[rank].chunk
        if any(hits[o.hit_rank].chunk.doc_id == base.doc_id
               and hits[o.hit_rank].chunk.start + o.start <= base.start + a < hits[o.hit_rank].chunk.start + o.end
               for o in out if o.hit_rank != rank):
            continue  # the item's opening is quoted already, from another passage
        shift = hits[rank].chunk.start - base.start
        if joined is not None:
            hits.append(Hit(chunk=joined, score=hits[rank].score))
        new_rank = len(hits) - 1 if joined is not None else rank
        if base.text[b:first.start + shift].strip():  # sentences between: the opening alone, before
            out.insert(out.index(first), Candidate(new_rank, a, b, base.text[a:b], first.score, True, first.cross))
            continue
        for k, i in enumerate(mine):
            c = out[i]
            lo = a if k == 0 else c.start + shift
            out[i] = Candidate(new_rank, lo, c.end + shift, base.text[lo:c.end + shift], c.score, c.statement, c.cross)
    return out


def _item_start(c: Candidate, chunk: Chunk, preceding, reach: int) -> tuple[int, int, Chunk | None] | None:
    """(start, end) of the sentence that opens c's numbered item, in `chunk`'s text or, when it
    opens in the chunk before, in the text of the two joined (the third value)."""
    text, shift, joined = chunk.text, 0, None
    before = [(a, b) for a, b in sentence_spans(text) if b <= c.start]
    prev = preceding(chunk) if preceding and len(before) < reach else None
    if prev is not None:
        joined = join_chunks(prev, chunk, heading=chunk.heading)
        text, shift = joined.text, chunk.start - prev.start
        before = [(a, b) for a, b in sentence_spans(text) if b <= c.start + shift]
    for a, b in reversed(before[-reach:]):
        piece = text[a:b]
        if "\n\n" in text[a:c.start + shift] or (_ITEM.match(piece) and not _NUMBERED.match(piece)):
            return None  # another paragraph, or a bulleted list: not this sentence's item
        if not _NUMBERED.match(piece):
            continue
        if text[:a].rstrip(" \t\xa0")[-1:] not in ("", "\n") or not _is_statement(piece) \
                or c.end + shift - a > 2 * MAX_QUOTE_CHARS:
            return None  # a number inside a line, a numbered heading ("4. Results"), or too long a quote
        return (a - shift, b - shift, None) if a >= shift else (a, b, joined)
    return None


_COUNTED = re.compile(r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:\w+\s+){0,2}?(\w+s)\b", re.I)


def _starts_other_list(piece: str, intro: str) -> bool:
    """An announcement inside the items starts another list, unless it is one of the things the
    first announced ("three development stages: … The third stage (2002) is …:")."""
    if not _LIST_INTRO.search(piece) or _ITEM.match(piece):
        return False
    counted = _COUNTED.search(intro)
    return not (counted and set(tokenize(counted.group(1))) & set(tokenize(piece)))


def _list_ends(piece: str, intro: str, aside: bool, budget: int, quoted_chars: int) -> bool:
    """Whether `piece` ends the list `intro` announced: no items left in the budget, a numbered
    caption, a quote grown too long, or a piece that is neither an item nor a further
    announcement, or that starts another list; an `aside` (the one sentence between an
    announcement and its first item) goes on."""
    if budget <= 0 or _CAPTION.match(piece) or quoted_chars > 2 * MAX_QUOTE_CHARS:
        return True
    if aside:
        return False
    return not (_is_item(piece) or _LIST_INTRO.search(piece)) or _starts_other_list(piece, intro)


def extend_list_intros(chosen: list[Candidate], hits: list[Hit], following=None, running=None,
                       max_items: int = 16, max_note_pieces: int = 8) -> list[Candidate]:
    """A sentence that announces a list ("... the following lessons can be drawn:") says little
    alone: quote the items that follow it too (verbatim spans), up to the first sentence that is
    not an item. When the list runs past the end of the passage, `following(chunk)` gives the
    next chunk of the document; its items become a further quote, and that chunk joins the hits
    so the citation can show it. Footnotes and page headers (`running(chunk, line)`, judge.py's
    RunningLines.holds) that a page break put inside the list are stepped over: the quote stops
    before them and goes on at the next item. A numbered caption ("Figure 2.1: …") ends it."""
    out = []
    for c in chosen:
        if not _LIST_INTRO.search(c.text):
            out.append(c)
            continue
        rank, quoted_to, budget = c.hit_rank, None, max_items  # quoted_to: document offset
        seen, in_note = c.text, 0  # the text quoted so far (footnote markers); pieces of notes stepped over
        for _ in range(6):  # passages: a list runs on over a page or two at most
            chunk = hits[rank].chunk
            text = chunk.text
            spans = [(a, b) for a, b in sentence_spans(text)
                     if a >= (c.end if quoted_to is None else quoted_to - chunk.start)]
            start, end = (c.start, c.end) if quoted_to is None else (None, None)
            consumed, stopped = (c.end if quoted_to is None else quoted_to - chunk.start), False
            for k, (a, b) in enumerate(spans):
                piece = text[a:b]
                furniture = _footnote(piece, seen) or (running is not None and running(chunk, piece))
                if in_note and (furniture or not _is_item(piece)):
                    in_note += 1
                    if in_note > max_note_pieces:
                        stopped = True
                        break
                    consumed = b
                    continue
                if furniture:
                    if end is not None:
                        out.append(Candidate(rank, start, end, text[start:end], c.score, c.statement))
                    start = end = None
                    in_note, consumed = 1, b
                    continue
                in_note = 0
                # one sentence between the announcement and its first item ("The following are
                # suggested technical focus areas … These skills may be acquired by various
                # stakeholders as relevant to them. * Software Reusable components …") belongs to it
                aside = (budget == max_items and quoted_to is None and k + 1 < len(spans) and not _is_item(piece)
                         and _is_item(text[spans[k + 1][0]:spans[k + 1][1]]))
                if _list_ends(piece, c.text, aside, budget, 0 if start is None else b - start):
                    stopped = True
                    break
                start = a if start is None else start
                end, consumed, budget = b, b, budget - 1
                seen += " " + piece
            if end is not None:
                out.append(Candidate(rank, start, end, text[start:end], c.score, c.statement))
            nxt = following(chunk) if following and not stopped else None
            if nxt is None:
                break
            quoted_to = chunk.start + consumed  # the next chunk overlaps this one
            rank = next((i for i, h in enumerate(hits) if h.chunk.chunk_id == nxt.chunk_id), None)
            if rank is None:
                hits.append(Hit(chunk=nxt, score=0.0))
                rank = len(hits) - 1
    return out


_CAPTION = re.compile(rf"\s*(?i:{'|'.join(map(re.escape, CAPTION_WORDS))})\s*\d")


def _footnote(piece: str, above: str) -> bool:
    """A footnote ("6 Renamed, but same questions as the 2019 Usability indicator."): a number
    and a capitalised word, the number glued as a marker to a word above ("User support6",
    "EU countries.5"; not "Table B.1", whose numbered rows are no footnotes)."""
    m = re.match(r"\s*(\d{1,2})\s+[A-Z]", piece)
    return m is not None and re.search(rf"[a-z]{{2}}[.,;:)]?{m.group(1)}(?!\d|[.,]\d)", above) is not None


def cite(chosen: list[Candidate], hits: list[Hit], page_labels: dict[str, list[str]],
         ocr_pages: dict[str, set[int]] | None = None) -> tuple[str, list[Citation]]:
    """Answer text with [n] after each sentence; one citation per quoted sentence, numbered
    by first appearance."""
    citations: list[Citation] = []
    parts = []
    for c in chosen:
        n = len(citations) + 1
        citations.append(citation(n, hits[c.hit_rank].chunk, c.text, page_labels, ocr_pages))
        sentence = one_line_per_item(c.text)
        parts.append(f"{sentence} [{n}]")
    text = parts[0] if parts else ""
    for prev, part in zip(parts, parts[1:]):  # a quoted list stands on lines of its own
        text += ("\n" if "\n" in prev or "\n" in part else " ") + part
    return text, citations


def citation(n: int, chunk: Chunk, quote: str, page_labels: dict[str, list[str]],
             ocr_pages: dict[str, set[int]] | None, support: float = 1.0) -> Citation:
    """Citation [n] of `quote`, verbatim text of `chunk`, with the printed labels of its pages
    and whether OCR read them."""
    labels = page_labels.get(chunk.path) or []
    pl = [labels[p - 1] for p in (chunk.pages or []) if p - 1 < len(labels)] or None
    ocr = bool(chunk.pages and set(chunk.pages) & (ocr_pages or {}).get(chunk.path, set()))
    return Citation(n=n, path=chunk.path, title=chunk.title, pages=chunk.pages, quote=quote,
                    chunk_id=chunk.chunk_id, page_labels=pl, ocr=ocr, support=support)


_TABLE_ROW = re.compile(r"\s*\|.*\|\s*$")  # a Markdown table's row: "| 46% | Online and … |"


def one_line_per_item(quote: str) -> str:
    """The quote as it is shown: its whitespace collapsed; a list keeps one item per line and a
    Markdown table one row per line, without its rule of dashes, so each reads as what it is
    (the words and their order are the passage's). Joined, "| Percentage of UK adult population
    | Completed digital transactions | | ---- | ---- | | 46% | Online and …" (tl-01)."""
    lines = [" ".join(ln.split()) for ln in quote.splitlines() if ln.strip()]
    if sum(1 for ln in lines if _TABLE_ROW.match(ln)) >= 2:
        return "\n".join(ln for ln in lines if not TABLE_RULE.fullmatch(ln))
    if sum(1 for ln in lines if _ITEM.match(ln)) >= 3:
        return "\n".join(lines)
    return " ".join(lines)


def refusal_text(hits: list[Hit]) -> str:
    if not hits:
        return "Not found in the reports: nothing in this index matches the question."
    return ("Not found in the reports: the indexed documents do not answer this question. "
            "The closest passages are listed below; they may help you rephrase it.")


def refusal(hits: list[Hit]) -> tuple[str, list[str]]:
    """A refusal's text and the questions its nearest passages can answer (the judge's refusal,
    assistant.py, and the writer's, write/writer.py)."""
    return refusal_text(hits), suggestions(by_passage(hits))


def suggestions(hits: list[Hit], limit: int = 3) -> list[str]:
    """Questions the nearest passages can answer, from their section headings and titles."""
    out: list[str] = []
    for h in hits:
        topic = (h.chunk.heading or "").split(HEADING_SEP)[-1].strip(" #:") or h.chunk.title
        topic = re.sub(r"^\s*(\d+(\.\d+)*\.?|[IVX]+\.)\s+", "", topic)  # drop section numbers
        if not topic or len(topic) > 90 or sum(ch.isalpha() for ch in topic) < 3:  # "15027" is no topic
            continue
        q = f"What does “{h.chunk.title}” say about {topic[0].lower() + topic[1:] if topic[:2].istitle() else topic}?" \
            if topic != h.chunk.title else f"What are the main points of “{h.chunk.title}”?"
        if q not in out:
            out.append(q)
        if len(out) >= limit:
            break
    return out
