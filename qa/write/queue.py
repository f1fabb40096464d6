"""A first-come, first-served queue in front of a writer: at most `slots` answers are written at
once (the embedded model writes one at a time on a laptop's cores; a server takes as many as it
is configured for), and each waiting answer knows how many are ahead of it.
"""
from __future__ import annotations

import itertools
import threading
from contextlib import contextmanager
from typing import Callable, Iterator


class WriteQueue:
    def __init__(self, slots: int = 1):
        if slots < 1:
            raise ValueError("a writer needs at least one slot")
        self.slots = slots
        self._cv = threading.Condition()
        self._tickets = itertools.count()
        self._waiting: list[int] = []  # tickets in arrival order
        self._writing = 0

    def ahead_of(self, ticket: int) -> int:
        """Answers that will be written before this ticket's: those writing and those queued first."""
        with self._cv:
            return self._writing + self._waiting.index(ticket) if ticket in self._waiting else 0

    @contextmanager
    def turn(self, on_wait: Callable[[int], None] | None = None, poll_s: float = 0.5) -> Iterator[None]:
        """Wait for a free slot in arrival order; `on_wait(n)` is told how many answers are ahead
        whenever that changes, and 0 when the turn comes (never called when a slot is free at once)."""
        with self._cv:
            ticket = next(self._tickets)
            self._waiting.append(ticket)
            told = None
            while not (self._writing < self.slots and self._waiting[0] == ticket):
                ahead = self._writing + self._waiting.index(ticket) - (self.slots - 1)
                ahead = max(1, ahead)
                if on_wait and ahead != told:
                    told = ahead
                    self._cv.release()
                    try:
                        on_wait(ahead)
                    finally:
                        self._cv.acquire()
                    continue
                self._cv.wait(poll_s)
            self._waiting.pop(0)
            self._writing += 1
        if on_wait and told is not None:
            on_wait(0)  # its turn has come
        try:
            yield
        finally:
            with self._cv:
                self._writing -= 1
                self._cv.notify_all()

    @property
    def waiting(self) -> int:
        with self._cv:
            return len(self._waiting)
