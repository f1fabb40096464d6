"""A workshop at once: N sessions in real Chromium contexts ask through the chat box, on loopback.

    python bench/load.py --index index/all [--sessions 20] [--questions 3] [--writers 4]

1. One `streamlit run app.py` over the index, quoted answers only (QA_WRITE=0).
2. Single session: the sessions one after another, each asking its questions in turn — the
   quoted-answer time (Enter pressed → the answer with its sources on screen) with no one else on.
3. Load: the same sessions at once, each in its own browser context (its own Streamlit session).
4. Writers (--writers K > 0, needs the embedded model): the app restarted with written answers on;
   K sessions ask at once, a moment apart. Each must see its place in the queue and get its
   written answer, in the order asked.

Every session must get every answer; the server's log must hold no error. The CPU seconds of the
server and of the load generator (Chromium and this script) are reported: twenty renderers need
the same two cores the server uses, so the load phase measures both sharing the machine.
Bounded: every wait has a time-out, and the whole run stops at --limit seconds. Linux only
(/proc). Results go to bench/results/load.md.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
QUESTION_SETS = [ROOT.parent / "shared" / "eval" / "reports-dev.jsonl", ROOT / "bench" / "questions" / "extra.jsonl"]
ANSWER_TIMEOUT_MS = 180_000
TICK = os.sysconf("SC_CLK_TCK")

# the last assistant message holds a finished answer: its sources (expanders) or a refusal (alert),
# and no spinner
ANSWERED = """([n, needle]) => {
  const m = document.querySelectorAll("[data-testid='stChatMessage']");
  if (m.length < n) return false;
  const last = m[n - 1];
  if (last.innerText.includes("Searching the reports")) return false;
  return needle ? last.innerText.includes(needle)
                : !!last.querySelector("[data-testid='stExpander'], [data-testid='stAlert']");
}"""


def cpu_seconds(pid: int) -> float:
    """user + system CPU seconds of a process and all its descendants still alive."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                raw = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            fields = raw[raw.rindex(")") + 2:].split()
            stats[int(d)] = fields
            children.setdefault(int(fields[1]), []).append(int(d))
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        if p in stats:
            f = stats[p]
            total += (int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])) / TICK  # utime stime cutime cstime
        todo.extend(children.get(p, []))
    return total


def questions(n: int) -> list[str]:
    out = []
    for f in QUESTION_SETS:
        if f.exists():
            out += [json.loads(line)["question"] for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not out:
        sys.exit("no question sets found")
    return [out[i % len(out)] for i in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(root: Path, log: Path, **env_extra) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = dict(os.environ, QA_INDEX_ROOT=str(root), QA_STATE_DIR=str(root.parent / "state"), **env_extra)
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                             "--server.headless", "true", "--server.address", "127.0.0.1",
                             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return url, proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    sys.exit("streamlit did not start: " + log.read_text()[-2000:])


async def open_session(browser, url: str):
    context = await browser.new_context(viewport={"width": 1100, "height": 800})
    page = await context.new_page()
    await page.goto(url)
    box = page.get_by_placeholder("Ask a question about the reports")
    await box.wait_for(timeout=ANSWER_TIMEOUT_MS)
    # the first script run also loads the index and models: wait for the page to settle
    await page.wait_for_function("() => !document.body.innerText.includes('Loading the reports')",
                                 timeout=ANSWER_TIMEOUT_MS)
    return context, page, box


async def ask(page, box, question: str, needle: str | None = None) -> float:
    """Seconds from Enter to the finished answer on screen."""
    n = await page.locator("[data-testid='stChatMessage']").count() + 2
    await box.fill(question)
    t0 = time.perf_counter()
    await box.press("Enter")
    await page.wait_for_function(ANSWERED, arg=[n, needle], timeout=ANSWER_TIMEOUT_MS, polling=50)
    return time.perf_counter() - t0


async def session(browser, url: str, qs: list[str], results: list, errors: list):
    try:
        context, page, box = await open_session(browser, url)
        try:
            for q in qs:
                results.append(await ask(page, box, q))
        finally:
            await context.close()
    except Exception as e:  # counted and reported: a lost answer is a failure of the run
        errors.append(f"{type(e).__name__}: {str(e)[:200]}")


async def quoted_phase(url: str, sessions: list[list[str]], concurrent: bool, server_pid: int):
    from playwright.async_api import async_playwright
    results: list[float] = []
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        srv0 = cpu_seconds(server_pid)
        gen0 = cpu_seconds(os.getpid())
        t0 = time.perf_counter()
        if concurrent:
            await asyncio.gather(*(session(browser, url, qs, results, errors) for qs in sessions))
        else:
            for qs in sessions:
                await session(browser, url, qs, results, errors)
        wall = time.perf_counter() - t0
        gen = cpu_seconds(os.getpid()) - gen0  # Chromium runs as this script's child
        srv = cpu_seconds(server_pid) - srv0
        await browser.close()
    return {"answers": len(results), "expected": sum(len(q) for q in sessions), "errors": errors,
            "p50": float(np.percentile(results, 50)) if results else None,
            "p95": float(np.percentile(results, 95)) if results else None,
            "wall": wall, "server_cpu": srv, "generator_cpu": gen}


async def writer_phase(url: str, qs: list[str], gap_s: float):
    """K sessions ask at once, `gap_s` apart; each records the queue places it was shown and when
    its written answer was finished."""
    from playwright.async_api import async_playwright
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        opened = [await open_session(browser, url) for _ in qs]
        out: list[dict] = [{} for _ in qs]

        async def one(i: int):
            _, page, box = opened[i]
            await asyncio.sleep(i * gap_s)
            places: list[str] = []

            async def watch():
                while True:
                    text = await page.locator("[data-testid='stCaptionContainer']").all_inner_texts()
                    for t in text:
                        if "queued" in t and t not in places:
                            places.append(t)
                    await asyncio.sleep(0.2)
            watcher = asyncio.create_task(watch())
            t0 = time.perf_counter()
            try:
                out[i]["quoted_s"] = await ask(page, box, qs[i], needle=None)
                await page.wait_for_function(
                    ANSWERED, arg=[await page.locator("[data-testid='stChatMessage']").count(), "Written by"],
                    timeout=ANSWER_TIMEOUT_MS * 2, polling=100)
                out[i]["written_done_s"] = time.perf_counter() - t0
                out[i]["asked_at"] = t0
            except Exception as e:
                out[i]["error"] = f"{type(e).__name__}: {str(e)[:200]}"
            finally:
                watcher.cancel()
            out[i]["queue_captions"] = places

        await asyncio.gather(*(one(i) for i in range(len(qs))))
        for c, _, _ in opened:
            await c.close()
        await browser.close()
    return out


def server_errors(log: Path) -> list[str]:
    return [ln for ln in log.read_text(errors="replace").splitlines()
            if any(w in ln for w in ("Traceback", "Error", "Exception")) and "Token authentication" not in ln]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True, help="the index folder to serve")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--questions", type=int, default=3, help="questions per session")
    ap.add_argument("--writers", type=int, default=0, help="sessions in the written-answer phase (0: skip)")
    ap.add_argument("--limit", type=int, default=1500, help="stop the whole run after this many seconds")
    args = ap.parse_args()
    if not CHROMIUM:
        sys.exit("Chromium is not installed (apt-get install chromium)")
    qs = questions(args.sessions * args.questions)
    sessions = [qs[i * args.questions:(i + 1) * args.questions] for i in range(args.sessions)]
    tmp = Path(tempfile.mkdtemp(prefix="qa-load-"))
    root = tmp / "index"
    root.mkdir()
    shutil.copytree(args.index, root / Path(args.index).name)
    log = tmp / "server.log"
    url, proc = start_app(root, log, QA_WRITE="0")
    lines = [f"# Load: {args.sessions} sessions × {args.questions} questions, index {args.index}", "",
             f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, load average before "
             f"{os.getloadavg()[0]:.2f}; one `streamlit run` on loopback, Chromium {CHROMIUM}", ""]
    try:
        async def run_all():
            single = await quoted_phase(url, sessions, False, proc.pid)
            many = await quoted_phase(url, sessions, True, proc.pid)
            return single, many
        single, many = asyncio.run(asyncio.wait_for(run_all(), args.limit))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    errs = server_errors(log)
    lines += ["| phase | answers | p50 s | p95 s | wall s | server CPU s | load generator CPU s |",
              "|---|---|---|---|---|---|---|"]
    for name, r in (("one session at a time", single), (f"{args.sessions} sessions at once", many)):
        lines.append(f"| {name} | {r['answers']}/{r['expected']} | {r['p50']:.2f} | {r['p95']:.2f} | "
                     f"{r['wall']:.0f} | {r['server_cpu']:.0f} | {r['generator_cpu']:.0f} |")
    lines += ["", "Time: Enter pressed → the quoted answer with its sources on screen, in the browser.",
              f"Session errors: {single['errors'] + many['errors'] or 'none'}; server log errors: {errs or 'none'}"]

    if args.writers:
        wlog = tmp / "server-writer.log"
        url, proc = start_app(root, wlog)
        try:
            res = asyncio.run(asyncio.wait_for(writer_phase(url, qs[:args.writers], 1.5), args.limit))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        done = [r.get("asked_at", 0) + r.get("written_done_s", 0) for r in res]
        in_order = all(r.get("written_done_s") for r in res) and done == sorted(done)
        lines += ["", f"## Written answers, embedded model: {args.writers} sessions asking 1.5 s apart", "",
                  "| session | quoted answer s | written answer finished s | queue places shown |", "|---|---|---|---|"]
        for i, r in enumerate(res):
            lines.append(f"| {i + 1} | {r.get('quoted_s', float('nan')):.2f} | {r.get('written_done_s', float('nan')):.0f} | "
                         f"{'; '.join(r.get('queue_captions', [])) or '-'}{' ERROR ' + r['error'] if 'error' in r else ''} |")
        lines += ["", f"Written answers finished in the order asked: {in_order}; server log errors: "
                  f"{server_errors(wlog) or 'none'}"]
    text = "\n".join(lines)
    print(text)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "load.md").write_text(text + "\n")
    shutil.rmtree(tmp, ignore_errors=True)
    ok = single["answers"] == single["expected"] and many["answers"] == many["expected"] and not errs
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
