"""Retrieval methods side by side on question sets with gold evidence (issue 4).

    python bench/retrieval.py --index index/seed ../shared/eval/dev.jsonl \
                              --index index/all ../shared/eval/reports-dev.jsonl \
                              --index index/all bench/questions/extra.jsonl

Methods: dense search with each model (all-MiniLM-L6-v2; the multilingual model the index was
built with), BM25, the hybrid candidate list (weighted reciprocal rank fusion), hybrid + rerank
(the fused candidates ordered by the fitted evidence-feature weights, retrieve.py), all as
chunks of ≤200 word pieces; the reranked chunks shown as passages, each joined with its
better-scoring neighbour chunk (about twice as long), each chunk listed once, in the chunks'
order; and what `qa` returns: those passages ordered by their own score (retrieve.py, step 4).
Recall@1/@5 and MRR@10 over answerable questions, rules of tools/score.py.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import write_result  # noqa: E402
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

from qa.config import Settings  # noqa: E402
from qa.embed import make_embedders  # noqa: E402
from qa.evaluate import load_questions, passage_hit  # noqa: E402
from qa.index import Index  # noqa: E402
from qa.retrieve import Retriever  # noqa: E402
from qa.types import by_passage  # noqa: E402


def metrics(ranks):
    n = len(ranks)
    return (sum(1 for r in ranks if r == 1) / n, sum(1 for r in ranks if r and r <= 5) / n,
            sum(1 / r for r in ranks if r and r <= 10) / n)


def run(index_dir: Path, questions_file: Path) -> list[str]:
    s = Settings.from_env()
    idx = Index.load(index_dir, s)
    main, multi = make_embedders(s)
    r = Retriever(idx, main, multi, s.replace(passage_neighbours=0))
    widened = Retriever(idx, r.main, r.multi, s.replace(passage_neighbours=1))
    rows = [q for q in load_questions(questions_file) if q.get("answerable")]
    dense = [f"dense ({e.name})" for e in (main, multi) if e is not None]
    names = dense + ["BM25", "hybrid: weighted RRF", "hybrid + rerank",
                     "hybrid + rerank, passages of 2 chunks", "hybrid + rerank, passages ranked as passages (qa)"]
    methods: dict[str, list] = {k: [] for k in names}
    pos = {c.chunk_id: i for i, c in enumerate(idx.chunks)}
    for row in rows:
        q = row["question"]
        query = r.prepare(q)
        ranks = r.rankings(query, s.candidates)
        fused = r.fused(ranks, query.foreign)
        reranked = [pos[h.chunk.chunk_id] for h in r.search(query, 10)]
        orders = [ranks[k] for k in ("dense", "multilingual") if k in ranks] + [ranks["lexical"], fused, reranked]
        listed = [[{"doc": idx.chunks[c].path, "text": idx.chunks[c].text} for c in order[:10]] for order in orders]
        hits = widened.search(query, 20)
        listed.append([h.to_passage() for h in hits if not h.covered][:10])
        listed.append([h.to_passage() for h in by_passage(hits)][:10])
        for name, passages in zip(names, listed):
            methods[name].append(next((i for i, p in enumerate(passages, 1) if passage_hit(row, p)), None))
    lines = []
    for name, ranks in methods.items():
        r1, r5, mrr = metrics(ranks)
        lines.append(f"| {questions_file.name} ({index_dir.name}) | {name} | {len(ranks)} | {r1:.2f} | {r5:.2f} | {mrr:.2f} |")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", nargs=2, action="append", metavar=("INDEX_DIR", "QUESTIONS"), required=True)
    args = ap.parse_args()
    out = ["| questions (index) | method | n | recall@1 | recall@5 | MRR@10 |", "|---|---|---|---|---|---|"]
    for index_dir, qfile in args.index:
        out += run(Path(index_dir), Path(qfile))
    write_result("retrieval.md", out)


if __name__ == "__main__":
    main()
