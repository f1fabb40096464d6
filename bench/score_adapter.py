"""In-process adapter for ../shared/tools/score.py (latency then excludes start-up, as in the
served app: the assistant is loaded and warmed when this module is imported, so neither the
models nor lingua's language models nor the country names in ~150 languages load during a
timed question):

    QA_INDEX=index/reports python ../shared/tools/score.py --python bench/score_adapter.py:ask \
        --eval ../shared/eval/reports-dev.jsonl --corpus ../shared/data/reports
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from qa.assistant import Assistant  # noqa: E402

_assistant = Assistant.load(os.environ.get("QA_INDEX", "index/seed"))
_assistant.warm()


def ask(question: str) -> dict:
    return _assistant.ask(question).to_dict()
