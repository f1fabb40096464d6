"""In-process adapter for ../shared/tools/score.py (latency then excludes start-up):

    QA_INDEX=index/reports python ../shared/tools/score.py --python bench/score_adapter.py:ask \
        --eval ../shared/eval/reports-dev.jsonl --corpus ../shared/data/reports
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from qa.assistant import Assistant  # noqa: E402

_assistant = None


def ask(question: str) -> dict:
    global _assistant
    if _assistant is None:
        _assistant = Assistant.load(os.environ.get("QA_INDEX", "index/seed"))
    return _assistant.ask(question).to_dict()
