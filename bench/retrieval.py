"""Retrieval methods side by side on the dev question sets (issue 4).

    python bench/retrieval.py --index index/seed ../shared/eval/dev.jsonl \
                              --index index/reports ../shared/eval/reports-dev.jsonl

Methods: dense (all-MiniLM-L6-v2), multilingual dense (USE), BM25, hybrid (weighted RRF, what
`qa` uses), and hybrid + a sentence-level rerank (max cosine of the question with any sentence of
the top 30 passages, fused by RRF) — the only reranker available offline, since no cross-encoder
ships in a package. Recall@1/@5 and MRR@10 over answerable questions, rules of tools/score.py.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

from qa.chunk import sentence_spans  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.embed import make_embedder  # noqa: E402
from qa.evaluate import load_questions, passage_hit  # noqa: E402
from qa.index import Index  # noqa: E402
from qa.lexical import question_language  # noqa: E402
from qa.retrieve import Retriever, rrf  # noqa: E402


def metrics(ranks):
    n = len(ranks)
    return (sum(1 for r in ranks if r == 1) / n, sum(1 for r in ranks if r and r <= 5) / n,
            sum(1 / r for r in ranks if r and r <= 10) / n)


def run(index_dir: Path, questions_file: Path) -> list[str]:
    s = Settings.from_env()
    idx = Index.load(index_dir, s)
    main, multi = make_embedder(s.model), make_embedder(s.multilingual_model)
    r = Retriever(idx, main, multi, s)
    rows = [q for q in load_questions(questions_file) if q.get("answerable")]
    methods: dict[str, list] = {k: [] for k in ("dense (MiniLM)", "dense (multilingual USE)", "BM25",
                                                 "hybrid: weighted RRF (qa)", "hybrid + sentence rerank")}
    for row in rows:
        q = row["question"]
        qv = r.embed(q)
        ranks = r.rankings(q, qv, s.candidates)
        foreign = question_language(q) != "en"
        hybrid = [h.chunk for h in r.search(q, 30, qv, foreign)]
        ids = {c.chunk_id: i for i, c in enumerate(idx.chunks)}
        hybrid_ids = [ids[c.chunk_id] for c in hybrid]
        sims = {}
        for cid in hybrid_ids:
            text = idx.chunks[cid].text
            sents = [text[a:b] for a, b in sentence_spans(text)] or [text]
            sims[cid] = float(np.max(main.encode_queries(sents) @ qv.main))
        rerank = [c for c, _ in rrf([hybrid_ids, sorted(hybrid_ids, key=lambda c: -sims[c])], k=s.rrf_k)]
        orders = [ranks["dense"], ranks.get("multilingual", []), ranks["lexical"], hybrid_ids, rerank]
        for (name, out), order in zip(methods.items(), orders):
            passages = [{"doc": idx.chunks[c].path, "text": idx.chunks[c].text} for c in order[:10]]
            out.append(next((i for i, p in enumerate(passages, 1) if passage_hit(row, p)), None))
    lines = []
    for name, ranks in methods.items():
        r1, r5, mrr = metrics(ranks)
        lines.append(f"| {questions_file.name} | {name} | {len(ranks)} | {r1:.2f} | {r5:.2f} | {mrr:.2f} |")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", nargs=2, action="append", metavar=("INDEX_DIR", "QUESTIONS"), required=True)
    args = ap.parse_args()
    out = ["| questions | method | n | recall@1 | recall@5 | MRR@10 |", "|---|---|---|---|---|---|"]
    for index_dir, qfile in args.index:
        out += run(Path(index_dir), Path(qfile))
    text = "\n".join(out)
    print(text)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "retrieval.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
