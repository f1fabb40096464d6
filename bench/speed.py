"""Speed and memory on this machine, measured side by side in one run (issue 7).

    python bench/speed.py all --index index/reports --corpus ../shared/data/reports

  throughput  our passage encoding vs plain SentenceTransformer.encode (fp32) on the same chunks,
              chunks/s and ratio, plus top-10 retrieval agreement between the two vector sets
  latency     ask() p50/p95 in-process on the index as built, and on a scaled copy of it at
              ~10k and ~100k chunks (real chunk texts repeated with distinct ids; vectors are the
              real ones plus small noise; BM25 is rebuilt over the repeated texts); at the largest
              size also an HNSW index, with its recall@10 against exact search (near-duplicate
              copies make this a worst case for HNSW)
  coldstart   seconds from process start to a printed answer: `qa ask` (CLI)
  memory      peak resident memory of a build (child process) and of serving at ~100k chunks
Results are printed as Markdown and written to bench/results/speed.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
EVALS = [ROOT.parent / "shared" / "eval" / "dev.jsonl", ROOT.parent / "shared" / "eval" / "reports-dev.jsonl"]


def questions() -> list[str]:
    out = []
    for f in EVALS:
        if f.exists():
            out += [json.loads(line)["question"] for line in f.read_text().splitlines() if line.strip()]
    return out or ["How were Korea's e-Government projects funded?"]


def pct(xs, p):
    return float(np.percentile(np.asarray(xs), p))


def machine() -> str:
    """The CPU, with its family and whether it has AVX-512 VNNI (int8 dot products): "AMD EPYC"
    names several generations, and the same build took 171 s on one and 81 s on another
    (README, Performance)."""
    info = Path("/proc/cpuinfo").read_text().splitlines()
    def field(name: str) -> str:
        return next((ln.split(":", 1)[1].strip() for ln in info if ln.split(":")[0].strip() == name), "")
    cpu = field("model name") or platform.processor()
    vnni = "with" if "avx512_vnni" in field("flags").split() else "without"
    family = f" (family {field('cpu family')}, {vnni} AVX-512 VNNI)" if field("cpu family") else ""
    return f"{cpu}{family}, {os.cpu_count()} cores, Python {platform.python_version()}"


def throughput(index_dir: Path, n: int) -> list[str]:
    import torch
    from sentence_transformers import SentenceTransformer
    from qa.chunk import indexed_text
    from qa.embed import MiniLMEmbedder, USEEmbedder, minilm_path
    from qa.index import Index

    idx = Index.load(index_dir)
    texts = [indexed_text(c) for c in idx.chunks[:n]]
    plain = SentenceTransformer(str(minilm_path()), device="cpu")
    plain.encode(texts[:8])
    t = time.perf_counter()
    ref = plain.encode(texts, normalize_embeddings=True)
    t_plain = time.perf_counter() - t
    ours = MiniLMEmbedder()
    ours.encode_passages(texts[:8])
    t = time.perf_counter()
    vec = ours.encode_passages(texts)
    t_ours = time.perf_counter() - t
    use = USEEmbedder()
    use.encode_passages(texts[:8])
    t = time.perf_counter()
    use.encode_passages(texts)
    t_use = time.perf_counter() - t
    overlap = []
    for q in questions():
        qv = ours.encode_queries([q])[0]
        a = set(np.argsort(-(ref @ qv))[:10])
        b = set(np.argsort(-(vec @ qv))[:10])
        overlap.append(len(a & b) / 10)
    return [f"| passages encoded | {len(texts)} (first chunks of {index_dir}) |",
            f"| plain SentenceTransformer.encode, fp32 | {len(texts) / t_plain:.1f} chunks/s |",
            f"| ours: MiniLM, {ours.precision}, length-sorted batches of {ours.batch_size} | "
            f"{len(texts) / t_ours:.1f} chunks/s (**{t_plain / t_ours:.2f}×**) |",
            f"| ours: MiniLM + multilingual USE (the whole embed stage of a build) | "
            f"{len(texts) / (t_ours + t_use):.1f} chunks/s ({t_plain / (t_ours + t_use):.2f}×) |",
            f"| top-10 agreement, ours vs fp32 ({len(overlap)} questions) | {statistics.fmean(overlap):.3f} "
            f"(min {min(overlap):.1f}) |",
            f"| torch threads | {torch.get_num_threads()} |"]


def scaled_index(index_dir: Path, target: int):
    """The index repeated to ~target chunks with distinct ids; vectors jittered, BM25 rebuilt."""
    from dataclasses import replace
    from qa.chunk import indexed_text
    from qa.index import Index, vector_index
    from qa.lexical import LexicalIndex

    base = Index.load(index_dir)
    reps = max(1, -(-target // len(base.chunks)))
    rng = np.random.default_rng(0)
    chunks, mains, mls = [], [], []
    vm = base.vectors("main")
    vml = base.vectors("ml") if base.dense_ml is not None else None
    for r in range(reps):
        chunks += [replace(c, chunk_id=f"{c.chunk_id}-{r}", doc_id=f"{c.doc_id}-{r}") for c in base.chunks]
        for v, out in ((vm, mains), (vml, mls)):
            if v is None:
                continue
            j = v + rng.normal(0, 0.01 if r else 0.0, v.shape).astype(np.float32)
            out.append(j / np.linalg.norm(j, axis=1, keepdims=True))
    vm = np.concatenate(mains)
    vml = np.concatenate(mls) if mls else None
    texts = [indexed_text(c) for c in base.chunks] * reps
    idx = Index(base.folder, base.manifest, chunks, vector_index(vm),
                vector_index(vml) if vml is not None else None, LexicalIndex.build(texts))
    return idx, vm


def ask_latency(idx) -> tuple[float, float]:
    from qa.assistant import Assistant
    from qa.config import Settings
    a = Assistant(idx, Settings.from_env())
    a.warm()  # as the app does at start
    qs = questions()
    for q in qs[:3]:
        a.ask(q)
    ms = []
    for q in qs:
        t = time.perf_counter()
        a.ask(q)
        ms.append(1000 * (time.perf_counter() - t))
    return pct(ms, 50), pct(ms, 95)


def latency(index_dir: Path, sizes: list[int]) -> list[str]:
    import faiss
    from qa.config import Settings
    from qa.embed import make_embedders
    from qa.index import EXACT_LIMIT, Index, vector_index

    base = Index.load(index_dir)
    p50, p95 = ask_latency(base)
    rows = [f"| {len(base.chunks):,} (as built) | exact | {p50:.1f} | {p95:.1f} | – |"]
    enc, _ = make_embedders(Settings.from_env())
    qv = enc.encode_queries(questions())
    for size in sizes:
        idx, vm = scaled_index(index_dir, size)
        kind = "HNSW" if isinstance(idx.dense, faiss.IndexHNSWFlat) else "exact"
        p50, p95 = ask_latency(idx)
        rows.append(f"| {len(idx.chunks):,} (scaled) | {kind} | {p50:.1f} | {p95:.1f} | – |")
        if size == sizes[-1]:  # what HNSW would give at this size, for the record
            exact = faiss.IndexFlatIP(vm.shape[1])
            exact.add(vm)
            _, want = exact.search(qv, 10)
            idx.dense = vector_index(vm, approximate=True)
            _, got = idx.dense.search(qv, 10)
            recall = np.mean([len(set(w) & set(g)) / 10 for w, g in zip(want, got)])
            p50, p95 = ask_latency(idx)
            rows.append(f"| {len(idx.chunks):,} (scaled) | HNSW (M 32, efSearch 512), not used below "
                        f"{EXACT_LIMIT:,} | {p50:.1f} | {p95:.1f} | {recall:.3f} |")
    return rows


def coldstart(index_dir: Path, runs: int = 3) -> list[str]:
    qa = str(Path(sys.executable).parent / "qa")
    secs = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([qa, "ask", "How were Korea's e-Government projects funded?", "--index", str(index_dir)],
                       check=True, capture_output=True)
        secs.append(time.perf_counter() - t)
    rows = [f"| `qa ask` from process start to printed answer ({runs} runs, warm disk) | "
            f"median {statistics.median(secs):.2f} s, max {max(secs):.2f} s |"]
    return rows + app_coldstart(index_dir)


def app_coldstart(index_dir: Path) -> list[str]:
    """`streamlit run app.py` started, a browser opens the page and asks: seconds to the server
    answering health checks, and to the first answer on screen (needs Chromium + playwright)."""
    import shutil
    import socket
    import urllib.request
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        chromium = None
    if not chromium:
        return ["| app cold start | not measured: Chromium or playwright missing |"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, QA_INDEX_ROOT=str(Path(index_dir).parent))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless",
                             "true", "--server.address", "127.0.0.1", "--server.port", str(port),
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        while True:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.1)
        t_up = time.perf_counter() - t0
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=chromium, headless=True,
                                  args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = b.new_page()
            page.goto(f"{url}/?index={Path(index_dir).name}")
            box = page.get_by_placeholder("Ask a question about the reports")
            expect(box).to_be_visible(timeout=120_000)
            t_page = time.perf_counter() - t0
            t_q = time.perf_counter()
            box.fill("How were Korea's e-Government projects funded?")
            box.press("Enter")
            expect(page.get_by_text("[1]").first).to_be_visible(timeout=120_000)
            t_answer = time.perf_counter() - t0
            t_first = time.perf_counter() - t_q
            b.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return [f"| app: `streamlit run` to server up | {t_up:.1f} s |",
            f"| app: to page ready in the browser (model and index loaded and warmed) | {t_page:.1f} s |",
            f"| app: first question typed to its answer on screen | {t_first:.1f} s |",
            f"| app: process start to first answer | {t_answer:.1f} s |"]


MAKE_SCALED = """
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from bench.speed import scaled_index
from qa.index import save_index
idx, vm = scaled_index(Path(sys.argv[2]), int(sys.argv[3]))
save_index(Path(sys.argv[4]), idx.manifest, idx.chunks, vm,
           idx.vectors("ml") if idx.dense_ml is not None else None, idx.lexical)
"""
SERVE = """
import sys
sys.path.insert(0, sys.argv[1])
from bench.speed import ask_latency, peak_mb
from qa.index import Index
ask_latency(Index.load(sys.argv[2]))
print(peak_mb())
"""
BUILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
from bench.speed import peak_mb
from qa.build import build_index
t = time.perf_counter()
build_index(sys.argv[2], sys.argv[3])
print(peak_mb(), time.perf_counter() - t)
"""


def peak_mb() -> float:
    """This process's own peak resident memory (VmHWM; unlike ru_maxrss it is not inherited)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory(index_dir: Path, corpus: Path, size: int) -> list[str]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        peak, build_s = map(float, subprocess.run(
            [sys.executable, "-c", BUILD, str(ROOT), str(corpus), str(Path(tmp) / "x")], check=True,
            capture_output=True, text=True).stdout.split()[-2:])
        rows.append(f"| build of {corpus} from scratch | peak {peak:,.0f} MB, {build_s:.0f} s |")
        scaled = Path(tmp) / "scaled"
        subprocess.run([sys.executable, "-c", MAKE_SCALED, str(ROOT), str(index_dir), str(size), str(scaled)],
                       check=True, capture_output=True)
        out = subprocess.run([sys.executable, "-c", SERVE, str(ROOT), str(scaled)], check=True,
                             capture_output=True, text=True).stdout.split()[-1]
    rows.append(f"| serving ~{size:,} chunks (load the saved index, answer the dev questions) | "
                f"peak {float(out):,.0f} MB |")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["throughput", "latency", "coldstart", "memory", "all"])
    ap.add_argument("--index", default="index/reports", type=Path)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "reports"), type=Path)
    ap.add_argument("--chunks", type=int, default=600, help="passages for the throughput run")
    ap.add_argument("--sizes", default="10000,100000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    out = [f"# Speed of qa on {machine()}", "", time.strftime("Measured %Y-%m-%d %H:%M by bench/speed.py"), ""]
    # latency first: throughput imports torch, whose thread pool would then share the cores
    if args.what in ("latency", "all"):
        out += ["## Query latency of ask() (retrieve + answer, in-process)", "",
                "| chunks | vector search | p50 ms | p95 ms | HNSW recall@10 vs exact |", "|---|---|---|---|---|"]
        out += latency(args.index, sizes) + [""]
    if args.what in ("throughput", "all"):
        out += ["## Indexing throughput", "", "| | |", "|---|---|"] + throughput(args.index, args.chunks) + [""]
    if args.what in ("coldstart", "all"):
        out += ["## Cold start", "", "| | |", "|---|---|"] + coldstart(args.index) + [""]
    if args.what in ("memory", "all"):
        out += ["## Peak memory", "", "| | |", "|---|---|"] + memory(args.index, args.corpus, sizes[-1]) + [""]
    text = "\n".join(out)
    print(text)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / f"speed-{args.what}.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
