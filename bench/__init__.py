"""Benchmarks: measured side by side in one run, written to bench/results/. Not tests."""
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def write_result(name: str, lines: list[str]) -> str:
    """Print a result and keep it as bench/results/NAME (Markdown)."""
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / name).write_text(text + "\n")
    return text
