"""Build throughput: a local build against `--ray` on a local Ray instance, same folder, one run.

    python bench/ray_build.py FOLDER [--workers 2]

Both build FOLDER from scratch into temporary indexes (the e5 model already converted); the Ray
build's time includes starting Ray and its workers, loading a model per worker and shipping the
files' bytes: on one machine it measures Ray's overhead, and its per-worker embedding rate is what
each further machine of a cluster adds. Results go to bench/results/ray-build.md.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import write_result  # noqa: E402
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa.build import build_index  # noqa: E402
from qa.config import Settings  # noqa: E402


def timed_build(folder: Path, ray=None) -> tuple[int, float, dict]:
    stages: dict[str, float] = {}
    t0 = time.perf_counter()

    def progress(stage, done, total):  # when each stage finished
        if done >= total:
            stages[stage] = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        report = build_index(folder, Path(tmp) / "idx", Settings(), progress=progress, ray=ray)
    return report.chunks, time.perf_counter() - t0, stages


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    chunks, local_s, local_stages = timed_build(args.folder)
    from qa.distributed import RayBuild
    t0 = time.perf_counter()
    ray = RayBuild(Settings(), "local", workers=args.workers, num_cpus=args.workers)
    start_s = time.perf_counter() - t0
    try:
        _, ray_s, ray_stages = timed_build(args.folder, ray)
    finally:
        ray.shutdown()
    read_local, read_ray = local_stages.get("read", 0), ray_stages.get("read", 0)
    embed_ray = ray_s - read_ray
    per_worker = chunks / embed_ray / args.workers if embed_ray > 0 else 0
    lines = [f"# Build: local vs Ray ({args.workers} workers, local instance), {args.folder.name}", "",
             f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, load average before {load0:.2f}; "
             f"{chunks} chunks", "",
             "| build | whole s | chunks/s | reading done at s |", "|---|---|---|---|",
             f"| local | {local_s:.1f} | {chunks / local_s:.1f} | {read_local:.1f} |",
             f"| Ray, {args.workers} workers (+ {start_s:.1f} s to start Ray) | {ray_s:.1f} | "
             f"{chunks / (ray_s + start_s):.1f} | {read_ray:.1f} |", "",
             f"Ray's embedding rate per worker (one CPU each, after reading): {per_worker:.1f} chunks/s. "
             f"A cluster of N such workers should embed at about N × {per_worker:.1f} chunks/s, the driver's "
             "own work (the changed-file check, BM25, writing the index) staying as on one machine."]
    write_result("ray-build.md", lines)


if __name__ == "__main__":
    main()
