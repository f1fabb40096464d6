"""A workshop at once: N sessions in real Chromium contexts ask through the chat box, on loopback.

    python bench/load.py --index index/all [--sessions 20] [--ws-sessions 20 50] [--questions 3] [--writers 4]

1. One `streamlit run app.py` over the index, quoted answers only (QA_WRITE=0).
2. Single session: the sessions one after another, each asking its questions in turn — the
   quoted-answer time (Enter pressed → the answer with its sources on screen) with no one else on.
3. Load: the same sessions at once, each in its own browser context (its own Streamlit session).
   Twenty renderers need the two cores the server needs; so the same sessions, and more, are
   also driven through the app's own websocket protocol (what the browser sends and receives,
   without drawing it), one at a time and at once.
4. Writers (--writers K > 0, needs the embedded model): the app restarted with written answers on;
   K sessions ask at once, a moment apart. Each must see its place in the queue and get its
   written answer in the order of the place it was shown (a session joins the queue when its
   quoted answer is ready, so under load that need not be the order asked).

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
import re
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


def questions(n: int, answerable_only: bool = False) -> list[str]:
    out = []
    for f in QUESTION_SETS:
        if f.exists():
            rows = [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
            out += [r["question"] for r in rows if r.get("answerable") or not answerable_only]
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


async def launch(playwright):
    """Debian's Chromium, headless, kept off the network (this machine's is closed)."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"])


def summary(results: list[float], errors: list[str], expected: int, wall: float, server_cpu: float,
            generator_cpu: float) -> dict:
    return {"answers": len(results), "expected": expected, "errors": errors,
            "p50": float(np.percentile(results, 50)) if results else None,
            "p95": float(np.percentile(results, 95)) if results else None,
            "wall": wall, "server_cpu": server_cpu, "generator_cpu": generator_cpu}


async def open_session(browser, url: str):
    context = await browser.new_context(viewport={"width": 1100, "height": 800})
    page = await context.new_page()
    await page.goto(url, timeout=ANSWER_TIMEOUT_MS)  # twenty renderers starting at once are slow
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
        browser = await launch(p)
        srv0 = cpu_seconds(server_pid)
        gen0 = cpu_seconds(os.getpid())
        t0 = time.perf_counter()
        if concurrent:
            await asyncio.gather(*(session(browser, url, qs, results, errors) for qs in sessions))
        else:
            for qs in sessions:
                await session(browser, url, qs, results, errors)
        wall = time.perf_counter() - t0
        srv = cpu_seconds(server_pid) - srv0
        gen = cpu_seconds(os.getpid()) - gen0 - srv  # Chromium and this script (the server is a child too)
        await browser.close()
    return summary(results, errors, sum(len(q) for q in sessions), wall, srv, gen)


async def writer_phase(url: str, qs: list[str], gap_s: float):
    """K sessions ask at once, `gap_s` apart; each records the queue places it was shown and when
    its written answer was finished."""
    from playwright.async_api import async_playwright
    async with async_playwright() as p:
        browser = await launch(p)
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


async def ws_session(url: str, qs: list[str], results: list, errors: list, local_addr: str | None = None):
    """One session spoken to in the app's own protocol (protobuf over its websocket, as the
    browser does): the script run that draws the page, then each question sent as the chat box's
    value; an answer is in when its script run finishes having drawn sources or a refusal."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async def run(ws, chat_id: str | None, question: str | None) -> tuple[str | None, bool]:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_script_hash = page_hash
        if question is not None:
            w = msg.rerun_script.widget_states.widgets.add()
            w.id = chat_id
            w.chat_input_value.data = question
        await ws.send(msg.SerializeToString())
        answered = False
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(ws.recv(), ANSWER_TIMEOUT_MS / 1000))
            kind = fwd.WhichOneof("type")
            if kind == "delta":
                d = fwd.delta
                if d.WhichOneof("type") == "new_element":
                    el = d.new_element
                    which = el.WhichOneof("type")
                    if which == "chat_input":
                        chat_id = el.chat_input.id
                    elif which == "alert":
                        answered = True
                elif d.WhichOneof("type") == "add_block" and d.add_block.WhichOneof("type") == "expandable":
                    answered = answered or d.add_block.expandable.label.startswith("[1]")
            elif kind == "script_finished" and fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return chat_id, answered

    page_hash = ""
    try:
        uri = url.replace("http://", "ws://") + "/_stcore/stream"
        extra = {"local_addr": (local_addr, 0)} if local_addr else {}  # a participant's own address
        async with websockets.connect(uri, subprotocols=["streamlit"], origin=url, max_size=None,
                                      ping_interval=None, **extra) as ws:
            chat_id, _ = await run(ws, None, None)
            if not chat_id:
                raise RuntimeError("the page drew no chat box")
            for q in qs:
                t0 = time.perf_counter()
                chat_id, answered = await run(ws, chat_id, q)
                if not answered:
                    raise RuntimeError(f"no answer drawn for {q!r}")
                results.append(time.perf_counter() - t0)
    except Exception as e:
        errors.append(f"{type(e).__name__}: {str(e)[:200]}")


async def ws_phase(url: str, sessions: list[list[str]], concurrent: bool, server_pid: int):
    results: list[float] = []
    errors: list[str] = []
    srv0, gen0, t0 = cpu_seconds(server_pid), cpu_seconds(os.getpid()), time.perf_counter()
    if concurrent:
        await asyncio.gather(*(ws_session(url, qs, results, errors) for qs in sessions))
    else:
        for qs in sessions:
            await ws_session(url, qs, results, errors)
    wall = time.perf_counter() - t0
    srv = cpu_seconds(server_pid) - srv0
    return summary(results, errors, sum(len(q) for q in sessions), wall, srv, cpu_seconds(os.getpid()) - gen0 - srv)


def server_errors(log: Path) -> list[str]:
    return [ln for ln in log.read_text(errors="replace").splitlines()
            if any(w in ln for w in ("Traceback", "Error", "Exception")) and "Token authentication" not in ln]


def row(name: str, r: dict) -> str:
    p = lambda v: f"{v:.2f}" if v is not None else "-"  # noqa: E731
    return (f"| {name} | {r['answers']}/{r['expected']} | {p(r['p50'])} | {p(r['p95'])} | "
            f"{r['wall']:.0f} | {r['server_cpu']:.0f} | {r['generator_cpu']:.0f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True, help="the index folder to serve")
    ap.add_argument("--sessions", type=int, default=20, help="sessions in real Chromium contexts")
    ap.add_argument("--ws-sessions", type=int, nargs="*", default=[20, 50],
                    help="session counts driven through the app's websocket protocol")
    ap.add_argument("--questions", type=int, default=3, help="questions per session")
    ap.add_argument("--writers", type=int, default=0, help="sessions in the written-answer phase (0: skip)")
    ap.add_argument("--limit", type=int, default=1500, help="stop each phase after this many seconds")
    args = ap.parse_args()
    if not CHROMIUM:
        sys.exit("Chromium is not installed (apt-get install chromium)")
    most = max([args.sessions, *args.ws_sessions])
    qs = questions(most * args.questions)
    sessions = [qs[i * args.questions:(i + 1) * args.questions] for i in range(most)]
    tmp = Path(tempfile.mkdtemp(prefix="qa-load-"))
    root = tmp / "index"
    root.mkdir()
    shutil.copytree(args.index, root / Path(args.index).name)
    log = tmp / "server.log"
    url, proc = start_app(root, log, QA_WRITE="0")
    lines = [f"# Load: sessions × {args.questions} questions each, index {args.index}", "",
             f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, load average before "
             f"{os.getloadavg()[0]:.2f}; one `streamlit run` on loopback (quoted answers), "
             f"Chromium {CHROMIUM}", "",
             "| phase | answers | p50 s | p95 s | wall s | server CPU s | load generator CPU s |",
             "|---|---|---|---|---|---|---|"]
    results = []
    try:
        limit = lambda coro: asyncio.run(asyncio.wait_for(coro, args.limit))  # noqa: E731
        n = args.sessions
        results.append((f"Chromium, {n} sessions one at a time", limit(quoted_phase(url, sessions[:n], False, proc.pid))))
        results.append((f"Chromium, {n} sessions at once", limit(quoted_phase(url, sessions[:n], True, proc.pid))))
        results.append((f"websocket, {n} sessions one at a time", limit(ws_phase(url, sessions[:n], False, proc.pid))))
        for k in args.ws_sessions:
            results.append((f"websocket, {k} sessions at once", limit(ws_phase(url, sessions[:k], True, proc.pid))))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    errs = server_errors(log)
    lines += [row(name, r) for name, r in results]
    lines += ["", "Time: for Chromium, Enter pressed → the quoted answer with its sources on screen; for the "
              "websocket driver, the question sent → the script run that draws the answer finished.",
              f"Session errors: {[e for _, r in results for e in r['errors']] or 'none'}; "
              f"server log errors: {errs or 'none'}"]

    wrote_in_order = True
    if args.writers:
        wlog = tmp / "server-writer.log"
        url, proc = start_app(root, wlog)
        try:
            res = asyncio.run(asyncio.wait_for(writer_phase(url, questions(args.writers, True), 1.5), args.limit))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        # first come, first served: the place a session was first shown ("2 being written before
        # it"; none shown: its turn came at once) must be the order the written answers finish
        first_place = [int(re.search(r"(\d+) being written", r["queue_captions"][0]).group(1))
                       if r.get("queue_captions") else 0 for r in res]
        done = [r.get("asked_at", 0) + r.get("written_done_s", 0) for r in res]
        wrote_in_order = all(r.get("written_done_s") for r in res) and \
            [d for _, d in sorted(zip(first_place, done))] == sorted(done)
        lines += ["", f"## Written answers, embedded model: {args.writers} sessions asking 1.5 s apart", "",
                  "| session | quoted answer s | written answer finished s | queue places shown |", "|---|---|---|---|"]
        for i, r in enumerate(res):
            lines.append(f"| {i + 1} | {r.get('quoted_s', float('nan')):.2f} | {r.get('written_done_s', float('nan')):.0f} | "
                         f"{'; '.join(r.get('queue_captions', [])) or '-'}{' ERROR ' + r['error'] if 'error' in r else ''} |")
        lines += ["", f"Every written answer arrived, in the order of the places they were shown: {wrote_in_order}; "
                  f"server log errors: "
                  f"{server_errors(wlog) or 'none'}"]
    text = "\n".join(lines)
    print(text)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "load.md").write_text(text + "\n")
    shutil.rmtree(tmp, ignore_errors=True)
    ok = all(r["answers"] == r["expected"] for _, r in results) and not errs and wrote_in_order
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
