"""Written answers measured on question sets, with the writer's raw output kept, so that what is
done after writing (the check, citing, completing) can be changed and measured again in seconds.

    python bench/written.py --index index/seed ../shared/eval/dev.jsonl \\
        --index index/all ../shared/eval/reports-dev.jsonl --index index/all bench/questions/multilingual.jsonl

The first run asks the embedded model (or QA_LLM_URL's server) and keeps every reply under
.cache/bench-writer/, keyed by the exact prompt; a later run with the same prompts replays them
(`--fresh` asks again). Timings are the model's only on a run that asked it (`replayed` says how many
were not). Results: bench/results/written-sets.md, and every answer in .cache/bench-writer/answers.json.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import write_result  # noqa: E402

CACHE = ROOT / ".cache" / "bench-writer"


class Replaying:
    """A backend that answers a prompt it has seen from the kept reply, and asks `backend` otherwise."""

    def __init__(self, backend, fresh: bool = False):
        self.backend, self.fresh, self.replayed = backend, fresh, 0
        self.name, self.slots = backend.name, 1
        CACHE.mkdir(parents=True, exist_ok=True)

    def stream(self, messages, max_tokens):
        # further fields of the request change the reply: the backend's options and its sampling
        # (the frequency penalty of 0.3 before stop 36 was in no key)
        extra = [x for x in (getattr(self.backend, "options", None), getattr(self.backend, "sampling", None)) if x]
        key = hashlib.sha256(json.dumps([messages, max_tokens, self.backend.name, *extra]).encode()).hexdigest()[:24]
        kept = CACHE / f"{key}.json"
        if kept.exists() and not self.fresh:
            self.replayed += 1
            yield from json.loads(kept.read_text())
            return
        pieces = []
        try:
            for piece in self.backend.stream(messages, max_tokens):
                pieces.append(piece)
                yield piece
        except GeneratorExit:  # the writer stopped reading ("NO ANSWER"): a replay stops at the same place
            kept.write_text(json.dumps(pieces))
            raise
        kept.write_text(json.dumps(pieces))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", nargs=2, action="append", metavar=("INDEX_DIR", "QUESTIONS"), required=True)
    ap.add_argument("--fresh", action="store_true", help="ask the model again instead of replaying")
    args = ap.parse_args()

    from qa.assistant import Assistant
    from qa.evaluate import evaluate, load_questions
    from qa.write import Writer, backend_from_env

    backend = backend_from_env(say=lambda m: print(m, file=sys.stderr))
    if backend is None:
        sys.exit("no writer: pip install -e '.[writer]' or set QA_LLM_URL")
    replaying = Replaying(backend, args.fresh)
    assistants, answers, rows_out = {}, {}, []
    for index_dir, qfile in args.index:
        if index_dir not in assistants:
            assistants[index_dir] = Assistant.load(index_dir)
            assistants[index_dir].warm()
        a = assistants[index_dir]
        writer = Writer(a, replaying)
        ask = lambda q: writer.write(a.ask(q)).to_dict()  # noqa: E731

        rows = load_questions(qfile)
        before = replaying.replayed
        result = evaluate(ask, rows)
        answers[qfile] = result["questions"]
        s = result["summary"]
        w = s.get("written_ms") or {}
        quoted = evaluate(lambda q: a.ask(q).to_dict(), rows)["summary"]
        # a replayed reply comes at once: its timings are not the model's
        timing = (f"{w.get('first_words_p50', '–')} / {w.get('whole_p50', '–')} ms"
                  if replaying.replayed == before else "– (replayed)")
        rows_out.append(f"| {Path(qfile).name} ({index_dir}) | {s['n_questions']} | {s['citation_precision']} | "
                        f"{s['keyword_recall']} | {s['unanswerable_refused']} | {s['answerable_answered']} | "
                        f"{s['accuracy']} ({quoted['accuracy']}) | {s.get('answer_in_question_language', '–')} | "
                        f"{timing} | {replaying.replayed - before} |")
    (CACHE / "answers.json").write_text(json.dumps(answers, ensure_ascii=False, indent=1))
    write_result("written-sets.md", [
        f"# Written answers ({backend.name}); `python bench/written.py` " + " ".join(f"{d} {q}" for d, q in args.index),
        "",
        "| questions | n | citation precision | keyword recall | unanswerable refused | answerable answered | "
        "accuracy (quoted answer's) | in question's language | first words / whole p50 | replayed |",
        "|---|---|---|---|---|---|---|---|---|---|", *rows_out])


if __name__ == "__main__":
    main()
