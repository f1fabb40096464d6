"""Thumbs up/down with an optional comment per answer, kept in SQLite in a state folder
(QA_STATE_DIR, default ./state — never inside index/, which builds replace)."""
from __future__ import annotations

import csv
import io
import os
import sqlite3
import time
from pathlib import Path

SCHEMA = """CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    index_name TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT '',
    citations TEXT NOT NULL DEFAULT ''
)"""
COLUMNS = ("id", "created", "index_name", "question", "answer", "rating", "comment", "citations")


def state_dir() -> Path:
    return Path(os.environ.get("QA_STATE_DIR", "state"))


class FeedbackStore:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else state_dir() / "feedback.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(SCHEMA)

    def _connect(self):
        return sqlite3.connect(self.path, timeout=10)

    def add(self, index_name: str, question: str, answer: str, rating: int, comment: str = "",
            citations: str = "") -> int:
        if rating not in (-1, 1):
            raise ValueError("rating is 1 (helpful) or -1 (not helpful)")
        with self._connect() as db:
            cur = db.execute(
                "INSERT INTO feedback (created, index_name, question, answer, rating, comment, citations) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (time.strftime("%Y-%m-%d %H:%M:%S"), index_name, question, answer, rating, comment.strip(),
                 citations))
            return int(cur.lastrowid)

    def rows(self) -> list[tuple]:
        with self._connect() as db:
            return db.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id").fetchall()

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(COLUMNS)
        w.writerows(self.rows())
        return buf.getvalue()
