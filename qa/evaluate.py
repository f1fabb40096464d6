"""`qa eval`: retrieval and answer quality on a question file (the format of shared/eval/*.jsonl).

One JSON object per line: id, question, answerable, doc, pages (null for unpaged formats),
evidence (exact spans), answer_keywords, kind, lang. The rules match tools/score.py: text is
compared lower-cased with whitespace collapsed and curly quotes straightened; a passage is a hit
when it contains an evidence span (and, on rows that carry "pages", comes from the gold document).
"""
from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path

from .errors import QAError


def norm(s: str) -> str:
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", s).strip().lower()


def load_questions(path: Path | str) -> list[dict]:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as e:
            raise QAError(f"{path}, line {n}: not JSON ({e})")
        if "question" not in row:
            raise QAError(f"{path}, line {n}: no 'question' field")
        rows.append(row)
    return rows


def _same_doc(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and Path(a).name == Path(b).name


def passage_hit(row: dict, passage: dict) -> bool:
    if "pages" in row and not _same_doc(passage.get("doc"), row.get("doc")):
        return False
    text = norm(passage.get("text", ""))
    return any(norm(e) in text for e in row.get("evidence") or [] if e)


def citation_supported(row: dict, cit: dict, passages: list[dict]) -> bool:
    """Strict support: the quote, or a returned passage at the cited place, holds the evidence."""
    ev = [norm(e) for e in row.get("evidence") or [] if e]
    q = norm(cit.get("quote") or "")
    need_doc = "pages" in row
    if need_doc and not _same_doc(cit.get("doc"), row.get("doc")):
        return False
    if q and (any(e in q for e in ev) or (len(q) >= 20 and any(q in e for e in ev))):
        return True
    for p in passages:
        if not _same_doc(p.get("doc"), cit.get("doc")):
            continue
        if cit.get("pages") and p.get("pages") and not set(cit["pages"]) & set(p["pages"]):
            continue
        if any(e in norm(p.get("text", "")) for e in ev):
            return True
    return False


def _pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return round(xs[lo] + (xs[hi] - xs[lo]) * (k - lo), 1)


def _retrieval(ranks: list[int | None]) -> dict:
    n = len(ranks)
    if not n:
        return {"n": 0}
    return {"n": n,
            "recall@1": round(sum(1 for r in ranks if r == 1) / n, 4),
            "recall@5": round(sum(1 for r in ranks if r and r <= 5) / n, 4),
            "mrr@10": round(sum(1 / r for r in ranks if r and r <= 10) / n, 4)}


def evaluate(ask, rows: list[dict], keyword_threshold: float = 1.0) -> dict:
    """Run `ask(question) -> contract dict` over rows; returns the summary and per-question detail.

    An answerable question counts as correct when it is answered and the answer holds at least
    `keyword_threshold` of its answer keywords (1.0 = all, the default of tools/score.py)."""
    detail, lat = [], []
    for row in rows:
        t0 = time.perf_counter()
        out = ask(row["question"])
        lat.append(1000 * (time.perf_counter() - t0))
        d = {"id": row.get("id"), "kind": row.get("kind") or "-", "lang": row.get("lang") or "en",
             "answerable": bool(row.get("answerable")), "refused": out["refused"], "latency_ms": round(lat[-1], 1)}
        if d["answerable"]:
            d["rank"] = next((i for i, p in enumerate(out["passages"][:10], 1) if passage_hit(row, p)), None)
            kws = row.get("answer_keywords") or []
            ans = norm(out["answer"]) if not out["refused"] else ""
            d["keyword_recall"] = sum(1 for k in kws if norm(k) in ans) / len(kws) if kws else 1.0
            d["citations"] = len(out["citations"])
            d["citations_supported"] = sum(citation_supported(row, c, out["passages"]) for c in out["citations"])
            d["correct"] = not out["refused"] and d["keyword_recall"] >= keyword_threshold
        else:
            d["correct"] = out["refused"]
        if out.get("mode"):
            d["mode"] = out["mode"]
        if out.get("refusal_reason"):
            d["refusal_reason"] = out["refusal_reason"]
        own_words = re.sub(r"“[^”]*”|\[\d+\]", "", out["answer"]).strip()  # a written answer's, not its quotes
        if out.get("mode") == "generative" and row.get("lang") and own_words:
            from .text import language
            d["answer_lang"] = language.detect(own_words)
        d["answer"] = out["answer"]
        t = out.get("timings_ms") or {}
        if "write" in t:
            d["write_ms"], d["first_words_ms"] = t["write"], t.get("first_words")
        detail.append(d)
    ans_rows = [d for d in detail if d["answerable"]]
    unans = [d for d in detail if not d["answerable"]]
    answered = [d for d in detail if not d["refused"]]
    by_kind: dict[str, list] = {}
    for d in ans_rows:
        by_kind.setdefault(d["kind"], []).append(d["rank"])
    n_cit = sum(d["citations"] for d in ans_rows)
    summary = {
        "n_questions": len(detail), "n_answerable": len(ans_rows), "n_unanswerable": len(unans),
        "retrieval": _retrieval([d["rank"] for d in ans_rows]),
        "by_kind": {k: _retrieval(v) for k, v in sorted(by_kind.items())},
        "citation_precision": round(sum(d["citations_supported"] for d in ans_rows) / n_cit, 4) if n_cit else None,
        "keyword_recall": round(statistics.fmean(d["keyword_recall"] if not d["refused"] else 0.0
                                                 for d in ans_rows), 4) if ans_rows else None,
        "unanswerable_refused": round(sum(d["refused"] for d in unans) / len(unans), 4) if unans else None,
        "answerable_answered": round(sum(not d["refused"] for d in ans_rows) / len(ans_rows), 4) if ans_rows else None,
        "answered_precision": round(sum(d["correct"] for d in answered) / len(answered), 4) if answered else None,
        "accuracy": round(sum(d["correct"] for d in detail) / len(detail), 4) if detail else None,
        "latency_ms": {"p50": _pct(lat, 50), "p95": _pct(lat, 95)},
    }
    langs = [d for d in detail if "answer_lang" in d]
    if langs:
        summary["answer_in_question_language"] = round(sum(d["answer_lang"] == d["lang"] for d in langs) / len(langs), 4)
    written = [d for d in detail if "write_ms" in d]
    if written:
        summary["written_ms"] = {"first_words_p50": _pct([d["first_words_ms"] for d in written if d["first_words_ms"]], 50),
                                 "whole_p50": _pct([d["write_ms"] for d in written], 50),
                                 "whole_p95": _pct([d["write_ms"] for d in written], 95)}
    return {"summary": summary, "questions": detail}


def format_summary(s: dict) -> str:
    r = s["retrieval"]
    f = lambda x: "-" if x is None else f"{x:.2f}"
    lines = [f"questions {s['n_questions']} ({s['n_answerable']} answerable, {s['n_unanswerable']} unanswerable)",
             f"retrieval   recall@1 {f(r.get('recall@1'))}  recall@5 {f(r.get('recall@5'))}  MRR@10 {f(r.get('mrr@10'))}",
             f"answers     citation precision {f(s['citation_precision'])}  keyword recall {f(s['keyword_recall'])}",
             f"refusal     unanswerable refused {f(s['unanswerable_refused'])}  answerable answered "
             f"{f(s['answerable_answered'])}",
             f"overall     answered precision {f(s['answered_precision'])}  accuracy {f(s['accuracy'])}",
             f"latency     p50 {s['latency_ms']['p50']} ms  p95 {s['latency_ms']['p95']} ms"]
    if "answer_in_question_language" in s:
        lines.append(f"language    answers in the question's language {f(s['answer_in_question_language'])}")
    if "written_ms" in s:
        w = s["written_ms"]
        lines.append(f"writing     first words p50 {w['first_words_p50']} ms  whole answer p50 {w['whole_p50']} ms  "
                     f"p95 {w['whole_p95']} ms")
    lines += ["", "by kind:"]
    for k, v in s["by_kind"].items():
        lines.append(f"  {k:<13} n={v['n']:<3} recall@1 {f(v.get('recall@1'))}  recall@5 {f(v.get('recall@5'))}  "
                     f"MRR@10 {f(v.get('mrr@10'))}")
    return "\n".join(lines)
