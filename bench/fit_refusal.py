"""Fit the evidence-strength threshold below which an English question is refused
(Settings.refuse_below), by cross-validation *by document*, on every question set we have.

    python bench/fit_refusal.py --index index/seed ../shared/eval/dev.jsonl \\
                                --index index/all ../shared/eval/reports-dev.jsonl \\
                                --index index/all bench/questions/extra.jsonl

Each question is asked once with the strength thresholds off, which gives its evidence strength
(the best sentence's score) and whether the other checks (names, numbers, answer kind) refuse it
anyway. A threshold t then refuses where strength < t. The score of a threshold is the share of
right decisions: answerable questions answered, unanswerable ones refused. Folds hold out one
gold document at a time (its questions are never seen by the fit that judges them); unanswerable
questions, which have no document, are held out by question set. Questions not in English use
their own threshold (refuse_below_foreign) and are reported, not fitted: too few of them.
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

from qa.assistant import Assistant  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.evaluate import load_questions  # noqa: E402


def observe(index_dir: Path, qfile: Path) -> list[dict]:
    s = Settings.from_env().replace(refuse_below=0.0, refuse_below_foreign=0.0)
    a = Assistant.load(index_dir, s)
    out = []
    for row in load_questions(qfile):
        ans = a.ask(row["question"])
        out.append({"set": qfile.name, "id": row.get("id"), "answerable": bool(row.get("answerable")),
                    "lang": row.get("lang") or "en", "strength": ans.strength, "other_refuses": ans.refused,
                    "group": row.get("doc") if row.get("answerable") else f"unanswerable:{qfile.name}"})
    return out


def decisions_right(rows: list[dict], t: float) -> int:
    return sum((r["other_refuses"] or r["strength"] < t) != r["answerable"] for r in rows)


def best_threshold(rows: list[dict]) -> float:
    grid = np.round(np.arange(0.10, 0.60, 0.01), 2)
    scores = [decisions_right(rows, t) for t in grid]
    top = max(scores)
    chosen = [t for t, sc in zip(grid, scores) if sc == top]
    return float(chosen[len(chosen) // 2])  # the middle of the best plateau: the widest margin


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", nargs=2, action="append", metavar=("INDEX_DIR", "QUESTIONS"), required=True)
    args = ap.parse_args()
    rows = [r for index_dir, qfile in args.index for r in observe(Path(index_dir), Path(qfile))]
    english = [r for r in rows if r["lang"] == "en"]
    groups = sorted({r["group"] for r in english})
    held_right = 0
    for g in groups:
        t = best_threshold([r for r in english if r["group"] != g])
        held = [r for r in english if r["group"] == g]
        held_right += decisions_right(held, t)
    current = Settings().refuse_below
    t_all = best_threshold(english)
    lines = [f"English questions: {len(english)} ({sum(r['answerable'] for r in english)} answerable), "
             f"{len(groups)} held-out groups (documents; unanswerable by set)",
             f"right decisions, current threshold {current}: {decisions_right(english, current) / len(english):.3f}",
             f"right decisions, threshold refitted per held-out document: {held_right / len(english):.3f}",
             f"fitted on all: refuse_below = {t_all}"]
    for name in sorted({r["set"] for r in english}):
        part = [r for r in english if r["set"] == name]
        ans = [r for r in part if r["answerable"]]
        un = [r for r in part if not r["answerable"]]
        lines.append(f"  {name}: answerable answered {sum(not r['other_refuses'] and r['strength'] >= t_all for r in ans)}"
                     f"/{len(ans)}, unanswerable refused "
                     f"{sum(r['other_refuses'] or r['strength'] < t_all for r in un)}/{len(un)}")
    foreign = [r for r in rows if r["lang"] != "en"]
    tf = Settings().refuse_below_foreign
    lines.append(f"other languages ({len(foreign)}), refuse_below_foreign {tf}: right decisions "
                 f"{decisions_right(foreign, tf)}/{len(foreign)}")
    lines.append("strengths (answerable | unanswerable, English): "
                 + " ".join(f"{r['strength']:.2f}" for r in sorted(english, key=lambda r: r['strength']) if r["answerable"])
                 + " | " + " ".join(f"{r['strength']:.2f}{'*' if r['other_refuses'] else ''}"
                                    for r in english if not r["answerable"]))
    text = "\n".join(lines)
    print(text)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "refusal.md").write_text("```\n" + text + "\n```\n")


if __name__ == "__main__":
    main()
