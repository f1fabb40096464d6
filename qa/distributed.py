"""`qa build --ray [ADDRESS]`: read, chunk and embed on a Ray cluster; the driver writes the index.

Reading and chunking are one Ray task per file; the file's bytes travel with the task, so workers
need no shared disk. Embedding runs on `EmbedWorker` actors, one model each, fed batches of
`BATCH` chunks; a batch is sized so one worker's onnxruntime keeps its cores busy and a lost
worker costs little. Everything else — which files changed, resuming, the manifest, the atomic
swap — is the local build's own code (build.py), so a Ray build writes exactly what a local build
does. Ray is an optional extra (`pip install -e '.[ray]'`); the plain build never imports it.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from .errors import QAError

BATCH = 64  # chunks per embedding task: ~2-3 s of one worker's time


def connect(address: str | None, num_cpus: int | None = None):
    """Ray, initialised: the cluster at `address`, or (None / 'local') a local instance."""
    try:
        import ray
    except ImportError:
        raise QAError("--ray needs Ray: pip install -e '.[ray]'") from None
    if not ray.is_initialized():
        local = address in (None, "", "local")
        try:
            ray.init(address=None if local else address, num_cpus=num_cpus if local else None,
                     include_dashboard=False, log_to_driver=False, configure_logging=False)
        except Exception as e:  # Ray raises many kinds: say which cluster and why, in one line
            raise QAError(f"could not start or reach Ray at {address or 'a local instance'}: {e}") from None
    return ray


def _read_remote(name: str, data: bytes, rel: str, sha256: str, password, settings_dict: dict):
    """On a worker: the file's bytes → (manifest fields, chunks), as build.read_and_chunk."""
    from .build import read_and_chunk
    from .config import Settings
    from .embed import chunk_counter, make_embedders
    from .ingest import SourceFile
    settings = Settings(**settings_dict)
    with tempfile.TemporaryDirectory(prefix="qa-ray-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        src = SourceFile(path=path, rel=rel, sha256=sha256, size=len(data))
        return read_and_chunk(src, password, chunk_counter(make_embedders(settings)[0]),
                              settings.chunk_tokens, settings.chunk_overlap_sentences)


class EmbedWorker:
    """One worker's models (as the driver's settings resolve on that worker)."""

    def __init__(self, settings_dict: dict, threads: int):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from .config import Settings
        from .embed import make_embedders
        self.models = make_embedders(Settings(**settings_dict))
        for m in self.models:
            if m is not None and hasattr(m, "threads"):
                m.threads = threads  # the worker's own CPUs: two threads per one-CPU actor oversubscribe
            if m is not None and hasattr(m, "prepare"):
                m.prepare(lambda msg: None)

    def encode(self, which: int, texts: list[str]) -> np.ndarray:
        return self.models[which].encode_passages(texts)


def _settings_dict(settings) -> dict:
    import dataclasses
    return {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}


class RayBuild:
    """The two parts of a build that Ray spreads: `read_all(jobs)` and `encoder(which)`."""

    def __init__(self, settings, address: str | None = None, workers: int | None = None, num_cpus: int | None = None):
        self.ray = connect(address, num_cpus)
        self.settings = _settings_dict(settings)
        cpus = int(self.ray.cluster_resources().get("CPU", 1))
        self.workers = workers or max(1, cpus)
        self._actors: list = []
        self._read = self.ray.remote(num_cpus=1)(_read_remote)

    @property
    def actors(self) -> list:
        # started at the first batch, once reading is done: each holds a CPU, and reading tasks
        # queued behind actors that hold every CPU would wait for ever
        if not self._actors:
            actor = self.ray.remote(num_cpus=1)(EmbedWorker)
            self._actors = [actor.remote(self.settings, 1) for _ in range(self.workers)]
        return self._actors

    def read_all(self, jobs: list[tuple]):
        """build._read_all's results, in order, each file a Ray task. At most a few files per
        worker are in flight: a library's bytes never sit in the object store all at once."""
        window = 4 * self.workers
        pending: list = []
        for src, password, *_ in jobs:
            pending.append(self._read.remote(src.path.name, src.path.read_bytes(), src.rel, src.sha256,
                                             password, self.settings))
            if len(pending) >= window:
                yield self.ray.get(pending.pop(0))
        for ref in pending:
            yield self.ray.get(ref)

    def encoder(self, which: int):
        """encode(texts, tick) for resume.encode_by_file: batches spread over the workers."""
        def encode(texts: list[str], tick) -> np.ndarray:
            from ray.util import ActorPool
            pool = ActorPool(self.actors)
            batches = [texts[i:i + BATCH] for i in range(0, len(texts), BATCH)]
            out = []
            for vectors in pool.map(lambda a, b: a.encode.remote(which, b), batches):
                out.append(np.asarray(vectors, np.float32))
                tick(len(vectors))
            return np.concatenate(out) if out else np.zeros((0, 0), np.float32)
        return encode

    def close(self):
        """Frees the workers' models (the cluster stays up for its other users)."""
        for a in self._actors:
            self.ray.kill(a)
        self._actors = []

    def shutdown(self):
        """close(), and stops the local instance (or leaves the remote cluster)."""
        self.close()
        self.ray.shutdown()
