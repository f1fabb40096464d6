"""Shared fixtures. Plumbing tests use the hash embedder (instant); quality tests use the real
model and are marked `slow` (they still run by default: they are the point of the product)."""
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

# Isolated from the user's environment: no QA_* setting leaks in, and the converted e5 model is
# cached inside the checkout (git-ignored), not in the home folder; it is made once (~45 s) and
# kept between runs.
for _name in [k for k in os.environ if k.startswith("QA_")]:
    del os.environ[_name]
os.environ["QA_CACHE_DIR"] = str(ROOT / ".cache" / "tests")
os.environ["QA_STATE_DIR"] = str(ROOT / ".cache" / "tests-state")


@pytest.fixture
def hash_settings():
    from qa.config import Settings
    from qa.policy import AnswerPolicy
    return Settings(model="hash", multilingual_model="", policy=AnswerPolicy(refuse_below=0.0))


@pytest.fixture
def mini_corpus(tmp_path):
    dst = tmp_path / "corpus"
    shutil.copytree(DATA / "mini", dst)
    return dst


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory):
    """The seed corpus indexed with the real models, once per test session."""
    from qa.build import build_index
    from qa.config import Settings
    out = tmp_path_factory.mktemp("idx") / "seed"
    build_index(ROOT / "corpus", out, Settings())
    return out


@pytest.fixture(scope="session")
def seed_assistant(seed_index):
    from qa.assistant import Assistant
    return Assistant.load(seed_index)


def pytest_collection_modifyitems(config, items):
    """A test that needs the seed index with the real models, or a browser, is slow by nature:
    `-m "not slow"` leaves it out without each test having to say so."""
    for item in items:
        if {"seed_index", "seed_assistant"} & set(getattr(item, "fixturenames", ())) or \
                item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
