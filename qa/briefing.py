"""A conversation as a Markdown briefing: questions, answers with their citations, bibliography."""
from __future__ import annotations

import time

from .display import readable
from .types import Answer


def _pages(pages) -> str:
    if not pages:
        return ""
    return f", p. {pages[0]}" if len(pages) == 1 else f", pp. {pages[0]}–{pages[-1]}"


def briefing_markdown(answers: list[Answer], index_name: str) -> str:
    lines = [f"# Briefing: questions to the reports ({index_name})", "",
             f"_Prepared {time.strftime('%Y-%m-%d %H:%M')} with qa. Every answer sentence is quoted from the "
             "report cited after it._", ""]
    bibliography: dict[str, str] = {}
    for i, a in enumerate(answers, 1):
        lines += [f"## {i}. {a.question}", ""]
        if a.refused:
            lines += [f"> {a.text}", ""]
            continue
        lines += [readable(a.text), ""]
        for c in a.citations:
            quote = readable(" ".join(c.quote.split()))
            lines.append(f"- [{c.n}] *{c.title}* ({c.path}{_pages(c.pages)}): “{quote}”")
            bibliography.setdefault(c.path, c.title)
        lines.append("")
    if bibliography:
        lines += ["## Sources", ""]
        lines += [f"- *{title}* — `{path}`" for path, title in sorted(bibliography.items(), key=lambda kv: kv[1])]
        lines.append("")
    return "\n".join(lines)
