"""Our build and our questions against plain sentence-transformers and txtai's hybrid index, in one
run on one machine (issue 13).

    .venv/bin/pip install -e ".[bench]"      # txtai, pinned; used by bench/ only
    python bench/peers.py                    # corpus/ + ../shared/data/reports, ~6 min

Build: the whole `qa build` (read, chunk, embed, BM25, save; a fresh index folder, the e5 model
already converted, as on any build after the first), then the same chunk texts encoded by plain
SentenceTransformer.encode (all-MiniLM-L6-v2 fp32, the usual "chat with your PDFs" set-up), then
txtai's hybrid index (dense all-MiniLM-L6-v2 + BM25, content stored) built from the same chunk
texts. txtai is handed our chunks, so its time leaves out reading the PDFs, which ours includes.
Questions: every question of dev, reports-dev and our extra set, each asked in-process to our
Assistant.ask (retrieve, answer, refuse) and to txtai's search (retrieve only), p50/p95 per
language; recall@5 of both on the answerable ones. The load average is sampled through the run.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import write_result  # noqa: E402
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
SHARED = ROOT.parent / "shared"
QUESTION_SETS = [SHARED / "eval" / "dev.jsonl", SHARED / "eval" / "reports-dev.jsonl",
                 ROOT / "bench" / "questions" / "extra.jsonl"]


class LoadSampler:
    """The 1-minute load average every few seconds while the benchmark runs."""

    def __init__(self, every: float = 5.0):
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)

    def _run(self, every):
        while not self._stop.wait(every):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self):
        self.before = os.getloadavg()[0]
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()

    def summary(self) -> str:
        s = self.samples or [self.before]
        return f"load average before {self.before:.2f}; during the run median {np.median(s):.2f}, max {max(s):.2f}"


def combined_corpus(tmp: Path) -> Path:
    """corpus/ and the shared reports side by side, as the dev question sets were measured."""
    out = tmp / "corpus-and-reports"
    shutil.copytree(ROOT / "corpus", out / "corpus")
    shutil.copytree(SHARED / "data" / "reports", out / "reports")
    return out


def our_build(corpus: Path, index_dir: Path) -> tuple[float, int]:
    from qa.embed import make_embedders
    from qa.config import Settings
    for e in make_embedders(Settings.from_env()):  # once per machine; not part of a build's time
        if e is not None and hasattr(e, "prepare"):
            e.prepare()
    t = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "qa"), "build", str(corpus), "--index", str(index_dir)],
                   check=True, capture_output=True)
    seconds = time.perf_counter() - t
    chunks = json.loads((index_dir / "manifest.json").read_text())["counts"]["chunks"]
    return seconds, chunks


def chunk_texts(index_dir: Path) -> list[str]:
    from qa.chunk import indexed_text
    from qa.index import Index
    return [indexed_text(c) for c in Index.load(index_dir).chunks]


def plain_sentence_transformers(texts: list[str]) -> float:
    import torch  # noqa: F401
    from sentence_transformers import SentenceTransformer
    from qa.embed import minilm_path
    model = SentenceTransformer(str(minilm_path()), device="cpu")
    model.encode(texts[:8])
    t = time.perf_counter()
    model.encode(texts, batch_size=32)
    return time.perf_counter() - t


def txtai_build(texts: list[str]):
    from txtai import Embeddings
    from qa.embed import minilm_path
    emb = Embeddings({"path": str(minilm_path()), "hybrid": True, "content": True})
    t = time.perf_counter()
    emb.index([(i, text, None) for i, text in enumerate(texts)])
    return emb, time.perf_counter() - t


def questions() -> list[dict]:
    from qa.evaluate import load_questions
    return [row for f in QUESTION_SETS if f.exists() for row in load_questions(f)]


def timed(fn, rows) -> tuple[list[float], list]:
    for row in rows[:3]:
        fn(row["question"])  # warm
    ms, outs = [], []
    for row in rows:
        t = time.perf_counter()
        outs.append(fn(row["question"]))
        ms.append(1000 * (time.perf_counter() - t))
    return ms, outs


def recall5(rows, passages_per_row) -> float:
    from qa.evaluate import passage_hit
    pairs = [(r, ps) for r, ps in zip(rows, passages_per_row) if r.get("answerable")]
    return sum(any(passage_hit(r, p) for p in ps[:5]) for r, ps in pairs) / max(1, len(pairs))


def by_language(rows, ms) -> dict[str, tuple[int, float, float]]:
    langs: dict[str, list[float]] = {}
    for r, m in zip(rows, ms):
        langs.setdefault(r.get("lang") or "en", []).append(m)
    langs["all"] = list(ms)
    return {k: (len(v), float(np.percentile(v, 50)), float(np.percentile(v, 95))) for k, v in langs.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="folder to index [default: corpus/ + the shared reports]")
    args = ap.parse_args()
    from bench.speed import machine
    out = [f"# Build and question speed against peers, on {machine()}", "",
           time.strftime("Measured %Y-%m-%d %H:%M by bench/peers.py"), ""]
    with tempfile.TemporaryDirectory() as tmp, LoadSampler() as load:
        tmp = Path(tmp)
        corpus = args.corpus or combined_corpus(tmp)
        index_dir = tmp / "index" / "peers"
        ours_s, n = our_build(corpus, index_dir)
        texts = chunk_texts(index_dir)
        st_s = plain_sentence_transformers(texts)
        emb, txtai_s = txtai_build(texts)

        from qa.assistant import Assistant
        from qa.index import Index
        idx = Index.load(index_dir)
        a = Assistant.load(index_dir)
        a.warm()  # as the app does at start
        rows = questions()
        ours_ms, answers = timed(lambda q: a.ask(q), rows)
        txtai_ms, results = timed(lambda q: emb.search(q, 10), rows)
        ours_passages = [[h.to_passage() for h in ans.passages] for ans in answers]
        txtai_passages = [[{"doc": idx.chunks[int(r["id"])].path, "text": idx.chunks[int(r["id"])].text}
                           for r in res] for res in results]
    out += ["## Whole build of the same files", "",
            f"{n:,} chunks from {corpus.name if args.corpus else 'corpus/ + the 12 shared reports'}.", "",
            "| method | seconds | chunks/s | ours is |", "|---|---|---|---|",
            f"| **qa build** (read PDFs, chunk, e5 int8 on onnxruntime, BM25, save) | {ours_s:.1f} | "
            f"**{n / ours_s:.1f}** | – |",
            f"| plain SentenceTransformer.encode, MiniLM fp32, chunk texts only | {st_s:.1f} | {n / st_s:.1f} | "
            f"{st_s / ours_s:.2f}× as fast |",
            f"| txtai hybrid index (MiniLM + BM25, content), from our chunk texts | {txtai_s:.1f} | "
            f"{n / txtai_s:.1f} | {txtai_s / ours_s:.2f}× as fast |", ""]
    ours_lang, txtai_lang = by_language(rows, ours_ms), by_language(rows, txtai_ms)
    out += ["## Questions in-process, same index and questions", "",
            "`ask` is retrieve + answer (quotes, refusal); txtai's `search` is retrieval only.", "",
            "| language | n | qa ask p50 ms | p95 ms | txtai search p50 ms | p95 ms |", "|---|---|---|---|---|---|"]
    for lang in sorted(ours_lang, key=lambda k: (k == "all", k)):
        n_q, p50, p95 = ours_lang[lang]
        _, t50, t95 = txtai_lang[lang]
        out.append(f"| {lang} | {n_q} | {p50:.1f} | {p95:.1f} | {t50:.1f} | {t95:.1f} |")
    out += ["", f"recall@5 on the answerable questions: qa {recall5(rows, ours_passages):.2f}, "
            f"txtai hybrid {recall5(rows, txtai_passages):.2f}", "", load.summary(), ""]
    write_result("peers.md", out)


if __name__ == "__main__":
    main()
