"""The records every stage passes on: Document → Chunk → Hit → Citation/Answer.

Frozen dataclasses with `to_dict`/`from_dict`, so an index is plain JSON on disk and the
JSON contract of `qa ask --json` comes from one place (`Answer.to_dict`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields


def _from_dict(cls, data: dict):
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class Document:
    """One source file as text. `pages[i]` is PDF page i+1; other formats have one page."""

    doc_id: str
    path: str  # relative to the corpus root, with forward slashes
    title: str
    pages: tuple[str, ...]
    paged: bool = False  # True for PDFs: page numbers are meaningful and cited
    page_labels: tuple[str, ...] = ()  # printed labels (PDF /PageLabels) where they differ from numbers
    warnings: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)

    PAGE_SEP = "\n\n"

    @property
    def text(self) -> str:
        """All pages joined; chunk spans index into this string."""
        return self.PAGE_SEP.join(self.pages)

    def page_starts(self) -> list[int]:
        """Offset in `text` where each page begins."""
        starts, pos = [], 0
        for p in self.pages:
            starts.append(pos)
            pos += len(p) + len(self.PAGE_SEP)
        return starts


@dataclass(frozen=True)
class Chunk:
    """A passage of a document with its provenance; `doc.text[start:end] == text`."""

    chunk_id: str
    doc_id: str
    path: str
    title: str
    text: str
    start: int
    end: int
    page_start: int | None  # 1-based PDF page, None for unpaged formats
    page_end: int | None
    heading: str = ""
    # the language of `text` (lingua, at build time: ~1 ms a passage, which a question would
    # otherwise pay for each new passage it meets); "" in an index built before it was stored
    lang: str = ""

    @property
    def pages(self) -> list[int] | None:
        if self.page_start is None:
            return None
        return list(range(self.page_start, (self.page_end or self.page_start) + 1))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Chunk":
        return _from_dict(cls, data)


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and its rank in each retriever (None: not returned).

    Answers quote the chunk; a reader is shown `passage`, the chunk with a neighbouring chunk
    (retrieve.py, step 3; None: the chunk alone), and passages are listed by `passage_score`
    (step 4). `covered`: the chunk lies inside the passage of a better hit, which it shares,
    and is not listed again."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    similarity: float = 0.0  # cosine of question and chunk in the main embedder's space
    passage: Chunk | None = None
    covered: bool = False
    passage_score: float | None = None  # None: not scored as a passage; the chunk's score stands

    @property
    def listed_score(self) -> float:
        return self.score if self.passage_score is None else self.passage_score

    @property
    def shown(self) -> Chunk:
        return self.passage or self.chunk

    def to_passage(self) -> dict:
        """The JSON passage: the shown text; `chunk_id` is the ranked chunk's, as citations give it."""
        c = self.shown
        return {"doc": c.path, "title": c.title, "pages": c.pages, "text": c.text,
                "score": round(float(self.listed_score), 4), "chunk_id": self.chunk.chunk_id, "heading": self.chunk.heading}


def by_passage(hits) -> list[Hit]:
    """The hits that show a passage (not covered), best passage first (ties keep hit order)."""
    return sorted((h for h in hits if not h.covered), key=lambda h: -h.listed_score)


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: `quote` is verbatim text of the chunk."""

    n: int
    path: str
    title: str
    pages: list[int] | None
    quote: str
    chunk_id: str
    page_labels: list[str] | None = None
    ocr: bool = False  # the quoted page was read by OCR: check the wording against the scan
    support: float = 1.0  # how well the quote supports the answer sentence citing it (1: it is that sentence)

    def to_dict(self) -> dict:
        d = {"n": self.n, "doc": self.path, "title": self.title, "pages": self.pages,
             "quote": self.quote, "chunk_id": self.chunk_id, "support": round(float(self.support), 3)}
        if self.page_labels:
            d["page_labels"] = self.page_labels
        if self.ocr:
            d["ocr"] = True
        return d


@dataclass(frozen=True)
class Answer:
    """What `ask` returns; `to_dict` is the JSON contract of DESIGN.md."""

    question: str
    text: str
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    refused: bool
    timings_ms: dict
    suggestions: tuple[str, ...] = ()
    resolved_question: str = ""  # the question after follow-up resolution, when it differs
    strength: float = 0.0  # evidence strength the refusal decision was based on
    meaning: float | None = None  # how close in meaning alone what was found comes (Assistant.best_meaning;
    # None where the judge refused before asking)
    refusal_reason: str = ""  # why it was refused, in a sentence the user reads (judge.py)
    mode: str = "extractive"  # 'extractive': quoted sentences; 'generative': written, each sentence checked
    writer: str = ""  # which backend wrote it (generative mode)
    notice: str = ""  # one line about the answer's making (a writer that failed, sentences left out)
    unsupported: tuple[str, ...] = ()  # written sentences left out: no passage supports them
    query: object = field(default=None, repr=False, compare=False)  # the Query it answered (query.py)
    scored: tuple = field(default=(), repr=False, compare=False)  # its scored candidate sentences

    @property
    def passages(self) -> list[Hit]:
        """The hits a reader is shown, best passage first: each passage once."""
        return by_passage(self.hits)

    def to_dict(self) -> dict:
        d = {"question": self.question, "answer": self.text, "refused": self.refused, "mode": self.mode,
             "refusal_reason": self.refusal_reason or None,
             "citations": [c.to_dict() for c in self.citations],
             "passages": [h.to_passage() for h in self.passages],
             "timings_ms": {k: round(float(v), 1) for k, v in self.timings_ms.items()}}
        if self.suggestions:
            d["suggestions"] = list(self.suggestions)
        if self.resolved_question and self.resolved_question != self.question:
            d["resolved_question"] = self.resolved_question
        if self.writer:
            d["writer"] = self.writer
        if self.notice:
            d["notice"] = self.notice
        if self.unsupported:
            d["unsupported"] = list(self.unsupported)
        return d
