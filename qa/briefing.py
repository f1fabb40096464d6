"""A conversation as a briefing planners can edit: Markdown, or Word (.docx, python-docx).

Both hold the same parts: title, date and index; each question with its answer and [n] markers;
the quotes, each with its report and pages; and a bibliography (title, file, pages cited, printed
page labels where the PDF has its own numbering).
"""
from __future__ import annotations

import io
import time
from dataclasses import dataclass, field

from .display import readable
from .types import Answer


def _pages(pages) -> str:
    if not pages:
        return ""
    return f", p. {pages[0]}" if len(pages) == 1 else f", pp. {pages[0]}–{pages[-1]}"


@dataclass
class Source:
    title: str
    path: str
    pages: set[int] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)

    def line(self) -> str:
        where = f", PDF pages {', '.join(map(str, sorted(self.pages)))}" if self.pages else ""
        printed = f" (printed {', '.join(sorted(self.labels))})" if self.labels else ""
        return f"{self.title} — {self.path}{where}{printed}"


def bibliography(answers: list[Answer]) -> list[Source]:
    """Every report cited in the conversation, once, with the pages cited; by title."""
    out: dict[str, Source] = {}
    for a in answers:
        for c in a.citations:
            s = out.setdefault(c.path, Source(c.title, c.path))
            s.pages.update(c.pages or [])
            if c.page_labels and c.pages and list(c.page_labels) != [str(p) for p in c.pages]:
                s.labels.update(c.page_labels)
    return sorted(out.values(), key=lambda s: s.title.lower())


def _title(index_name: str) -> tuple[str, str]:
    return (f"Briefing: questions to the reports ({index_name})",
            f"Prepared {time.strftime('%Y-%m-%d %H:%M')} with qa from the index “{index_name}”. Every answer "
            "sentence is quoted from the report cited after it.")


def briefing_markdown(answers: list[Answer], index_name: str) -> str:
    title, intro = _title(index_name)
    lines = [f"# {title}", "", f"_{intro}_", ""]
    for i, a in enumerate(answers, 1):
        lines += [f"## {i}. {a.question}", ""]
        if a.refused:
            lines += [f"> {a.text}", ""]
            continue
        lines += [readable(a.text), ""]
        for c in a.citations:
            quote = readable(" ".join(c.quote.split()))
            lines.append(f"- [{c.n}] *{c.title}* ({c.path}{_pages(c.pages)}): “{quote}”")
        lines.append("")
    sources = bibliography(answers)
    if sources:
        lines += ["## Sources", ""] + [f"- {s.line()}" for s in sources] + [""]
    return "\n".join(lines)


def briefing_docx(answers: list[Answer], index_name: str) -> bytes:
    """The same briefing as a Word document (headings, quotes as indented paragraphs)."""
    from docx import Document
    from docx.shared import Pt

    title, intro = _title(index_name)
    doc = Document()
    doc.core_properties.title = title
    doc.add_heading(title, level=0)
    doc.add_paragraph(intro).runs[0].italic = True
    for i, a in enumerate(answers, 1):
        doc.add_heading(f"{i}. {a.question}", level=1)
        if a.refused:
            doc.add_paragraph(readable(a.text), style="Intense Quote")
            continue
        doc.add_paragraph(readable(a.text))
        for c in a.citations:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(f"[{c.n}] ").bold = True
            p.add_run(c.title).italic = True
            p.add_run(f" ({c.path}{_pages(c.pages)}): “{readable(' '.join(c.quote.split()))}”")
            p.paragraph_format.space_after = Pt(4)
    sources = bibliography(answers)
    if sources:
        doc.add_heading("Sources", level=1)
        for s in sources:
            doc.add_paragraph(s.line(), style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
