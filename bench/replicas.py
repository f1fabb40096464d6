"""Two app processes behind nginx, serving one index folder: the README's replica set-up, checked.

    python bench/replicas.py --index index/seed [--sessions 12] [--questions 3]

Starts two `streamlit run app.py` on loopback ports over the same index folder and feedback
folder, and nginx in front (the README's configuration: websocket upgrade, and `hash $remote_addr
consistent`, which keeps each participant on one process). Sessions connect from distinct
loopback addresses (127.0.0.2, .3, …: as participants' laptops would) through the app's websocket
protocol and ask their questions. Checks: every session gets every answer; both processes served
sessions (nginx's log names the upstream of each connection); a session stays on one process; the
index folder is byte-for-byte unchanged. Needs nginx (apt-get install nginx-light). Results go to
bench/results/replicas.md.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import free_port, questions, server_errors, start_app, ws_session  # noqa: E402

NGINX = """worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{}}
http {{
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  log_format up '$remote_addr $upstream_addr $status $request';
  access_log {tmp}/nginx-access.log up;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  upstream qa {{
    hash $remote_addr consistent;   # one participant, one process (ip_hash would group a whole /24)
    server 127.0.0.1:{p1};
    server 127.0.0.1:{p2};
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://qa;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_read_timeout 1d;          # a session's websocket stays open while the page is
    }}
  }}
}}
"""


def folder_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


async def participants(url: str, sessions: list[list[str]]):
    results: list[float] = []
    errors: list[str] = []
    # each session from its own loopback address, as from its own laptop
    await asyncio.gather(*(ws_session(url, qs, results, errors, local_addr=f"127.0.0.{i + 2}")
                           for i, qs in enumerate(sessions)))
    return results, errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("--sessions", type=int, default=12)
    ap.add_argument("--questions", type=int, default=3)
    args = ap.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        sys.exit("nginx is not installed (apt-get install nginx-light)")
    tmp = Path(tempfile.mkdtemp(prefix="qa-replicas-"))
    root = tmp / "index"
    root.mkdir()
    shutil.copytree(args.index, root / Path(args.index).name)
    before = folder_digest(root)
    (url1, proc1), (url2, proc2) = start_app(root, tmp / "app1.log", QA_WRITE="0"), \
        start_app(root, tmp / "app2.log", QA_WRITE="0")
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX.format(tmp=tmp, p1=url1.rsplit(":", 1)[1], p2=url2.rsplit(":", 1)[1], port=port))
    ngx = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    time.sleep(1)
    qs = questions(args.sessions * args.questions)
    sessions = [qs[i * args.questions:(i + 1) * args.questions] for i in range(args.sessions)]
    try:
        results, errors = asyncio.run(asyncio.wait_for(participants(f"http://127.0.0.1:{port}", sessions), 900))
    finally:
        ngx.terminate()
        ngx.wait(timeout=10)
        for p in (proc1, proc2):
            p.terminate()
            p.wait(timeout=30)
    streams = [ln.split() for ln in (tmp / "nginx-access.log").read_text().splitlines() if "/_stcore/stream" in ln]
    per_upstream = Counter(s[1] for s in streams)
    upstreams_of = {}
    for s in streams:
        upstreams_of.setdefault(s[0], set()).add(s[1])
    one_each = all(len(v) == 1 for v in upstreams_of.values())
    unchanged = folder_digest(root) == before
    errs = server_errors(tmp / "app1.log") + server_errors(tmp / "app2.log")
    lines = [f"# Two replicas behind nginx, {args.sessions} sessions × {args.questions} questions, index {args.index}",
             "", f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores; nginx `hash $remote_addr consistent`",
             "", f"- answers: {len(results)}/{args.sessions * args.questions}; session errors: {errors or 'none'}",
             f"- websocket sessions per process: {dict(per_upstream)}",
             f"- every participant stayed on one process: {one_each}",
             f"- index folder unchanged (sha256 of every file): {unchanged}",
             f"- server log errors: {errs or 'none'}"]
    text = "\n".join(lines)
    print(text)
    (ROOT / "bench" / "results" / "replicas.md").write_text(text + "\n")
    shutil.rmtree(tmp, ignore_errors=True)
    ok = len(results) == args.sessions * args.questions and len(per_upstream) == 2 and one_each and unchanged
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
