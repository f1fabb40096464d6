"""Refit AnswerPolicy — how answers are read and when they are refused — by cross-validation
*by document*, over every question set we have.

    python bench/fit_policy.py --index index/seed ../shared/eval/dev.jsonl \\
        --index index/all ../shared/eval/reports-dev.jsonl --index index/all bench/questions/extra.jsonl \\
        --index index/all bench/questions/multilingual.jsonl --index index/all bench/questions/situations.jsonl

Each question is answered once per reading configuration (the weights of meaning and term overlap,
the margins that let further sentences join, the answer's length) with the strength thresholds
off; that gives its evidence strength, whether question and passage are in one language (which
threshold applies), whether another check (names, numbers, the kind asked for) refuses it anyway,
and whether the answer holds every answer keyword. A configuration and its two thresholds then
decide every question without asking again. The score is accuracy: answerable questions answered
with every keyword, unanswerable ones refused. Folds hold out one gold document at a time (its
questions are never seen by the fit that judges them); unanswerable questions, which have no
document, are held out by question set; a row's "group" overrides both (the same question asked in
seven languages is held out together). Results go to bench/results/policy.md.
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import write_result  # noqa: E402
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa.assistant import Assistant  # noqa: E402
from qa.evaluate import load_questions, norm, passage_hit  # noqa: E402
from qa.policy import AnswerPolicy  # noqa: E402

# around the current values (each run of the questions is ~5 s: the grid is kept to ~25 runs)
READING = {"meaning_weight": (0.45, 0.55, 0.65), "cross_meaning_weight": (0.75, 0.95),
           "other_margin": (0.12, 0.28), "max_answer_sentences": (3, 5)}
T_SAME = np.round(np.arange(0.10, 0.40, 0.02), 2)
T_ACROSS = np.round(np.arange(0.0, 0.40, 0.02), 2)
T_MEANING = np.round(np.concatenate([[0.0], np.arange(0.20, 0.48, 0.02)]), 2)  # the meaning floor; 0: off


def observe(assistants: dict, sets: list[tuple[str, Path]], reading: dict) -> list[dict]:
    out = []
    for index_dir, qfile in sets:
        a = assistants[index_dir]
        a.policy = dataclasses.replace(AnswerPolicy(), refuse_below=0.0, refuse_below_foreign=0.0,
                                       refuse_unrelated_below=0.0, **reading)
        top_k = a.settings.top_k
        for row in load_questions(qfile):
            ans = a.ask(row["question"])
            q = ans.query
            top = ans.hits[ans.scored[0].hit_rank].chunk if ans.scored else None
            across = q.foreign or (top is not None and a.language_of(top) != q.lang)
            kws = row.get("answer_keywords") or []
            text = norm(ans.text)
            # what the floor compares (Assistant.best_meaning), in full: the sentences are read
            # whatever the passage's similarity, so that every floor can be tried
            hits = list(ans.hits[:top_k])
            passage = a.passage_meaning(q, hits)
            meaning = 1.0 if passage is None else max(passage, a.sentence_meaning(q, hits, list(ans.scored)) or 0.0)
            out.append({"set": _set_name(index_dir, qfile), "id": row.get("id"), "answerable": bool(row.get("answerable")),
                        "lang": row.get("lang") or "en", "strength": ans.strength, "across": across,
                        "meaning": meaning,
                        "other_refuses": ans.refused, "keywords": all(norm(k) in text for k in kws),
                        "found": any(passage_hit(row, h.to_passage()) for h in ans.passages[:5]),
                        "group": row.get("group") or (row.get("doc") if row.get("answerable") else f"unanswerable:{qfile.name}")})
    return out


def _set_name(index_dir: str, qfile: Path) -> str:
    return f"{qfile.name} ({Path(index_dir).name})"


def decide(rows, t_same, t_across, t_meaning):
    """(refused, correct) per row."""
    res = []
    for r in rows:
        refused = r["other_refuses"] or r["strength"] < (t_across if r["across"] else t_same) or r["meaning"] < t_meaning
        res.append((refused, refused if not r["answerable"] else (not refused and r["keywords"])))
    return res


def correctness(rows) -> np.ndarray:
    """(len(T_SAME), len(T_ACROSS), len(T_MEANING), len(rows)) booleans: row decided right at
    those thresholds."""
    f = lambda key: np.array([r[key] for r in rows])  # noqa: E731
    strength, across, other, kw, answerable = f("strength"), f("across"), f("other_refuses"), f("keywords"), f("answerable")
    unrelated = f("meaning")[None, :] < T_MEANING[:, None]
    t = np.where(across[None, None, :], T_ACROSS[None, :, None], T_SAME[:, None, None])
    refused = (other[None, None, :] | (strength[None, None, :] < t))[:, :, None, :] | \
        unrelated[None, None, :, :]
    return np.where(answerable, ~refused & kw, refused)


def best(tensors: dict, keep: np.ndarray) -> tuple:
    """(reading index, t_same, t_across, t_meaning) with the best accuracy on the rows `keep`
    selects; ties go to the middle of the best plateau (the widest margin)."""
    scored = []
    for k, c in tensors.items():
        acc = c[..., keep].sum(axis=-1)
        for i, j, m in zip(*np.nonzero(acc == acc.max())):
            scored.append((int(acc[i, j, m]), k, float(T_SAME[i]), float(T_ACROSS[j]), float(T_MEANING[m])))
    top = max(s[0] for s in scored)
    plateau = [s for s in scored if s[0] == top]
    return plateau[len(plateau) // 2][1:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", nargs=2, action="append", metavar=("INDEX_DIR", "QUESTIONS"), required=True)
    ap.add_argument("--grid", action="append", default=[], metavar="FIELD=V1,V2,…",
                    help="reading weights to try instead of the default grid (repeatable)")
    ap.add_argument("--thresholds-only", action="store_true",
                    help="keep the reading weights as they are; refit the two thresholds only (one run of the questions)")
    args = ap.parse_args()
    sets = [(d, Path(q)) for d, q in args.index]
    assistants = {d: Assistant.load(d) for d in {d for d, _ in sets}}
    for a in assistants.values():
        a.warm()
    default_policy = AnswerPolicy()
    grid = {f: tuple(type(getattr(default_policy, f))(float(v)) for v in vs.split(","))  # int fields stay ints
            for f, vs in (g.split("=", 1) for g in args.grid)} or READING
    names = list(grid)
    configs = [] if args.thresholds_only else [dict(zip(names, values)) for values in itertools.product(*grid.values())]
    default = {n: getattr(AnswerPolicy(), n) for n in names}
    if default not in configs:
        configs.append(default)
    observed = {}
    for k, reading in enumerate(configs):
        observed[k] = observe(assistants, sets, reading)
        print(f"reading {k + 1}/{len(configs)}", file=sys.stderr)
    rows0 = observed[configs.index(default)]
    tensors = {k: correctness(rows) for k, rows in observed.items()}
    group_of = np.array([r["group"] for r in rows0])
    groups = sorted(set(group_of))
    held = np.zeros(len(rows0), bool)  # decided by a policy fitted without the row's group
    for g in groups:
        k, ts, ta, tm = best(tensors, group_of != g)
        i, j, m = list(T_SAME).index(ts), list(T_ACROSS).index(ta), list(T_MEANING).index(tm)
        held[group_of == g] = tensors[k][i, j, m, group_of == g]
    p = AnswerPolicy()
    now = decide(rows0, p.refuse_below, p.refuse_below_foreign, p.refuse_unrelated_below)
    unfloored = decide(rows0, p.refuse_below, p.refuse_below_foreign, 0.0)
    k, ts, ta, tm = best(tensors, np.ones(len(rows0), bool))
    fitted = decide(observed[k], ts, ta, tm)
    lines = [f"{len(rows0)} questions ({sum(r['answerable'] for r in rows0)} answerable) in {len(sets)} sets, "
             f"{len(groups)} held-out groups (documents; unanswerable questions by set); "
             f"{len(configs)} reading configurations × {len(T_SAME)}×{len(T_ACROSS)}×{len(T_MEANING)} thresholds", "",
             "| set | n | current policy | without the meaning floor | refitted, held-out document | fitted on all |",
             "|---|---|---|---|---|---|"]
    for name in [_set_name(d, q) for d, q in sets] + ["all"]:
        idx = [i for i, r in enumerate(rows0) if name in ("all", r["set"])]
        lines.append(f"| {name} | {len(idx)} | {np.mean([now[i][1] for i in idx]):.3f} | "
                     f"{np.mean([unfloored[i][1] for i in idx]):.3f} | "
                     f"{np.mean(held[idx]):.3f} | "
                     f"{np.mean([fitted[i][1] for i in idx]):.3f} |")
    lines += ["", f"fitted on all: {configs[k]}, refuse_below {ts}, refuse_below_foreign {ta}, refuse_unrelated_below {tm}",
              f"current: {default}, refuse_below {p.refuse_below}, refuse_below_foreign {p.refuse_below_foreign}, "
              f"refuse_unrelated_below {p.refuse_unrelated_below}", "",
              "answerable questions refused although the passage was found (top 5), by language, current policy:"]
    for lang in sorted({r["lang"] for r in rows0}):
        found = [i for i, r in enumerate(rows0) if r["lang"] == lang and r["answerable"] and r["found"]]
        if found:
            lines.append(f"  {lang}: {sum(now[i][0] for i in found)}/{len(found)}")
    write_result("policy.md", lines)


if __name__ == "__main__":
    main()
