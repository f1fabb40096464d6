"""How long a cited page takes to show: render + locate + highlight, uncached, on the 117-page
test PDF and on a report page (issue 15). Not part of answering: the app renders a page only
when the reader opens it.

    python bench/page_render.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.ingest.pdf import read_pdf  # noqa: E402
from qa.page_image import _render, render  # noqa: E402

PDFS = [ROOT / "tests" / "data" / "19-long-117p-outline-metadata_geotopo.pdf",
        ROOT.parent / "shared" / "data" / "reports" / "oecd-2023-digital-government-index.pdf"]


def main():
    lines = ["| PDF | pages rendered | median ms | max ms | quote located |", "|---|---|---|---|---|"]
    for pdf in PDFS:
        if not pdf.exists():
            continue
        pages = read_pdf(pdf, pdf.name)["pages"]
        chosen = [1, len(pages) // 3, 2 * len(pages) // 3, len(pages)]
        ms, located = [], 0
        for p in chosen:
            words = pages[p - 1].split()
            quote = " ".join(words[len(words) // 2:len(words) // 2 + 12])
            _render.cache_clear()
            t = time.perf_counter()
            located += render(pdf, p, quote).located
            ms.append(1000 * (time.perf_counter() - t))
        lines.append(f"| {pdf.name} | {', '.join(map(str, chosen))} | {statistics.median(ms):.0f} | {max(ms):.0f} | "
                     f"{located}/{len(chosen)} |")
    text = "\n".join(lines)
    print(text)
    (ROOT / "bench" / "results" / "page-render.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
