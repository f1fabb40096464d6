"""How much lower the multilingual encoder scores a question against the sentence that answers it
when the question is not in the passage's language: the source of AnswerPolicy.language_gap.

The same 12 questions are asked in nine languages (bench/wiki7/questions.jsonl) of the English
paragraph on their topic (bench/wiki7/docs/*-en.txt). For each question, the best cosine between
the question and a sentence of the paragraph is taken in English and in the other language; the
gap is their difference, averaged per language, and shown per topic too: a gap that held for one
topic only would be a property of the questions, not of the encoder. The last column is the
other direction, an English question against the paragraph in the language: the same order of
size, so one table serves both.

    python bench/fit_languages.py
"""
from __future__ import annotations

import collections
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import write_result  # noqa: E402

WIKI = ROOT / "bench" / "wiki7"


def main() -> None:
    from qa.chunk import sentence_spans
    from qa.embed import E5Embedder

    e5 = E5Embedder()
    rows = [json.loads(line) for line in (WIKI / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in rows}
    gaps: dict[str, dict[str, list[float]]] = collections.defaultdict(lambda: collections.defaultdict(list))
    for r in rows:
        if not r["answerable"] or r["lang"] == "en":
            continue
        text = (WIKI / "docs" / f"{r['topic']}-en.txt").read_text(encoding="utf-8")
        sentences = e5.encode_sentences([text[a:b] for a, b in sentence_spans(text)], 48)
        english = by_id[r["id"].rsplit("-", 1)[0] + "-en"]["question"]
        asked, in_english = e5.encode_queries([r["question"], english])
        gaps[r["lang"]][r["topic"]].append(float((sentences @ in_english).max() - (sentences @ asked).max()))
    # the other direction: the English question against the paragraph in each language (an
    # English question about a Korean deck); AnswerPolicy.gap uses one table for both
    reverse: dict[str, list[float]] = collections.defaultdict(list)
    for r in rows:
        if not r["answerable"] or r["lang"] != "en":
            continue
        (q,) = e5.encode_queries([r["question"]])
        best = {}
        for lang in {x["lang"] for x in rows}:
            text = (WIKI / "docs" / f"{r['topic']}-{lang}.txt").read_text(encoding="utf-8")
            best[lang] = float((e5.encode_sentences([text[a:b] for a, b in sentence_spans(text)], 48) @ q).max())
        for lang, b in best.items():
            if lang != "en":
                reverse[lang].append(best["en"] - b)
    topics = sorted({t for by_topic in gaps.values() for t in by_topic})
    lines = ["# The multilingual encoder's gap by language (bench/fit_languages.py)", "",
             f"{e5.name}; cosine of a question with the best sentence of the English paragraph that answers it, "
             "asked in English minus asked in the language. Per topic: the mean over its 2 questions.", "",
             "| language | gap | sd | " + " | ".join(topics) + " | English question, paragraph in the language |",
             "|---" * (4 + len(topics)) + "|"]
    table = {}
    for lang in sorted(gaps):
        values = [g for t in topics for g in gaps[lang][t]]
        table[lang] = round(statistics.mean(values), 3)
        lines.append(f"| {lang} | {table[lang]:.3f} | {statistics.pstdev(values):.3f} | " +
                     " | ".join(f"{statistics.mean(gaps[lang][t]):.3f}" for t in topics) +
                     f" | {statistics.mean(reverse[lang]):.3f} |")
    lines += ["", f"AnswerPolicy.language_gap = {tuple(sorted(table.items()))}",
              f"AnswerPolicy.language_gap_default = {statistics.mean(table.values()):.3f}"]
    write_result("language-gap.md", lines)


if __name__ == "__main__":
    main()
