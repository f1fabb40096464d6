"""`qa build --ray`: a build on a local Ray instance writes the index a local build writes."""
import json
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

QUESTIONS = ["How did Korea fund its early e-Government projects?",
             "What lessons should we take from Korea's inter-agency conflicts?",
             "Qu'est-ce que le gouvernement coréen a appris des conflits entre agences ?"]


def test_the_plain_build_never_imports_ray():
    code = ("import sys; from qa.build import build_index; from qa.cli import main; "
            "print('ray' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_a_ray_build_matches_a_local_build(seed_index, tmp_path):
    pytest.importorskip("ray", reason="the 'ray' extra is not installed: pip install -e '.[ray]'")
    from qa.assistant import Assistant
    from qa.build import build_index
    from qa.config import Settings
    from qa.distributed import RayBuild
    from qa.index import Index

    ray_build = RayBuild(Settings(), "local", workers=2, num_cpus=2)
    try:
        assert ray_build.workers == 2
        report = build_index(ROOT / "corpus", tmp_path / "seed", Settings(), ray=ray_build)
    finally:
        ray_build.shutdown()
    assert report.indexed and not report.skipped

    local, remote = Index.load(seed_index), Index.load(tmp_path / "seed")
    assert report.embedded_chunks == len(remote.chunks)  # every chunk embedded by the workers
    assert [c.chunk_id for c in remote.chunks] == [c.chunk_id for c in local.chunks]
    assert [c.text for c in remote.chunks] == [c.text for c in local.chunks]
    assert (remote.dense_ml is None) == (local.dense_ml is None)
    for which in ("main", "ml") if local.dense_ml is not None else ("main",):
        a, b = local.vectors(which), remote.vectors(which)
        assert a.shape == b.shape and a.shape[0] == len(local.chunks)
        assert (a * b).sum(axis=1).min() >= 0.999
    keep = ("fingerprint", "counts", "model", "multilingual_model")
    assert {k: remote.manifest.get(k) for k in keep} == {k: local.manifest.get(k) for k in keep}

    here, there = Assistant.load(seed_index), Assistant.load(tmp_path / "seed")
    for q in QUESTIONS:
        a, b = here.ask(q), there.ask(q)
        assert a.refused == b.refused
        assert [(c.chunk_id, c.pages, c.quote) for c in a.citations] == \
               [(c.chunk_id, c.pages, c.quote) for c in b.citations], q
