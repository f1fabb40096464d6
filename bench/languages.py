"""Is a question refused because of its language? Quoted answers to the same 14 questions in nine
languages (en, de, es, fr, vi, zh, ar, ru, ko: 12 answerable, 2 not) over encyclopaedia-style paragraphs
written for this in the same nine languages (bench/wiki7/: the style of the public parallel
benchmarks, whose passages are not reports).

Two settings, each its own index under .cache/wiki7/:
- same language: all 54 paragraphs; a question's passage is the paragraph on its topic in any
  language (the one in its own language is there);
- across languages: the 6 English paragraphs beside the seed corpus; a question in any language
  must be answered from an English paragraph.

For each language: answerable questions whose passage is in the top five, how many of those are
refused (the issue's bound: at most 20%), how many answers hold the answer keyword, and how many
unanswerable questions are refused. Two question files: questions.jsonl (the encoder's language
gaps were measured on them, bench/fit_languages.py) and questions-after.jsonl (6 more in each
language, written after that change and used for nothing else).

    python bench/languages.py
"""
from __future__ import annotations

import collections
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import write_result  # noqa: E402

WIKI = ROOT / "bench" / "wiki7"
CACHE = ROOT / ".cache" / "wiki7"
LANGS = ["en", "de", "es", "fr", "vi", "zh", "ar", "ru", "ko"]


def corpus(name: str) -> Path:
    """The corpus folder of a setting, made once from bench/wiki7/docs (and corpus/)."""
    folder = CACHE / f"corpus-{name}"
    if folder.exists():
        return folder
    folder.mkdir(parents=True)
    for doc in sorted((WIKI / "docs").glob("*.txt")):
        if name == "same" or doc.stem.endswith("-en"):
            shutil.copy(doc, folder / doc.name)
    if name == "across":
        shutil.copytree(ROOT / "corpus", folder / "seed")
    return folder


def measure(assistant, rows: list[dict], english_passages: bool) -> dict[str, collections.Counter]:
    """`english_passages`: the answer is an English sentence, so it must hold the English
    question's keyword ("Mainz", not "Maguncia")."""
    english = {r["id"].rsplit("-", 1)[0]: r.get("answer_keywords") for r in rows if r["lang"] == "en"}
    by_lang: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for row in rows:
        answer = assistant.ask(row["question"]).to_dict()
        c = by_lang[row["lang"]]
        if not row["answerable"]:
            c["unanswerable"] += 1
            c["unanswerable refused"] += answer["refused"]
            continue
        docs = [Path(p["doc"]).name for p in answer["passages"][:5]]
        found = any(d.startswith(row["topic"] + "-") for d in docs)
        c["answerable"] += 1
        c["found"] += found
        c["refused when found"] += found and answer["refused"]
        text = (answer["answer"] or "").casefold()
        keywords = english[row["id"].rsplit("-", 1)[0]] if english_passages else row["answer_keywords"]
        c["correct"] += not answer["refused"] and all(k.casefold() in text for k in keywords)
        if found and answer["refused"]:
            print(f"  refused: {row['id']}: {answer.get('refusal_reason')}", file=sys.stderr)
    return by_lang


def main() -> None:
    from qa.assistant import Assistant
    from qa.build import build_index

    files = {name: [json.loads(line) for line in (WIKI / name).read_text(encoding="utf-8").splitlines()]
             for name in ("questions.jsonl", "questions-after.jsonl")}
    out = ["# Refusals by language: the same 14 questions in 9 languages (bench/languages.py)", "",
           "Quoted answers. *found*: the paragraph on the question's topic is among the top five passages; "
           "*refused when found*: of those, refused (the issue's bound: ≤ 20% in every language); "
           "*correct*: answered with the answer keyword (a year or number in every language, else the "
           "word in the paragraph's language: the question's, or English across languages).", ""]
    for setting, title in (("same", "same language: 54 paragraphs, each topic in 9 languages"),
                           ("across", "across languages: the 6 English paragraphs beside the seed corpus")):
        index_dir = CACHE / f"index-{setting}"
        if not index_dir.exists():
            build_index(corpus(setting), index_dir)
        assistant = Assistant.load(index_dir)
        assistant.warm()
        stats = {name: measure(assistant, rows, setting == "across") for name, rows in files.items()}
        out += [f"## {title}", "",
                "| language | " + " | ".join(f"{k} ({name})" for name in files for k in
                                             ("found", "refused when found", "correct", "unanswerable refused")) + " |",
                "|---" * (1 + 4 * len(files)) + "|"]
        for lang in LANGS:
            cells = []
            for name in files:
                c = stats[name][lang]
                cells += [f"{c['found']}/{c['answerable']}", f"{c['refused when found']}/{c['found']}",
                          f"{c['correct']}/{c['answerable']}", f"{c['unanswerable refused']}/{c['unanswerable']}"]
            out.append(f"| {lang} | " + " | ".join(cells) + " |")
        out.append("")
    write_result("languages.md", out)


if __name__ == "__main__":
    main()
