"""Where written answers come from. One client speaks the OpenAI chat-completions protocol
(streamed, server-sent events) to any compatible endpoint; the embedded model is llama.cpp's
own server started in-process by xllamacpp on a loopback port, so both backends share it.

Configured from the environment:
  QA_LLM_URL      base URL of an OpenAI-compatible endpoint, e.g. http://gpu-box:11434/v1
  QA_LLM_NAME     the model's name at that endpoint (Ollama, vLLM need it)
  QA_LLM_API_KEY  its key, if it needs one (OPENAI_API_KEY is used otherwise)
  QA_LLM_MODEL    a GGUF file for the embedded backend (default: the packaged Qwen2.5 1.5B)
  QA_LLM_THREADS  threads of the embedded model (default: every core this process may use)
  QA_LLM_TIMEOUT  seconds to wait for a reply before giving up (default 120; first words: 45)
  QA_LLM_CONCURRENCY  answers asked of the server at once (default 4); more wait in a queue
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Iterator, Protocol

from ..errors import QAError


class BackendError(QAError):
    """The writer could not answer (unreachable, an error, too slow); the quoted answer stands."""


# yielded last by a stream that stopped at max_tokens: its last sentence may be cut off mid-way
CUT_OFF = "\x00cut-off"


class Backend(Protocol):
    name: str  # shown with the answer: which backend wrote it

    def stream(self, messages: list[dict], max_tokens: int) -> Iterator[str]: ...


# Greedy, and no frequency penalty (said explicitly: a server may have its own). llama.cpp feeds
# the prompt's last 64 tokens to the penalty too, and Qwen writes a number digit by digit, so a
# penalty (0.3 until stop 36) pushed the model off the question's own words and off copying
# "100,000" or "0.75". Asked afresh without it over the 34 sets of stop 35 (302 questions): 253 →
# 254 right, citation precision 0.854 → 0.862 (reports-dev 0.81 → 0.84), no written sentence
# looping (check.looping still drops one; bench/results/written.md).
SAMPLING = {"temperature": 0.0, "frequency_penalty": 0.0}


class ChatEndpoint:
    """An OpenAI-compatible /chat/completions endpoint, streamed. Bounded waits: `first_token_s`
    for the first words, `total_s` for the whole answer, each read at most `first_token_s`."""

    sampling = SAMPLING

    def __init__(self, url: str, model: str = "", api_key: str = "", name: str = "",
                 first_token_s: float = 45.0, total_s: float = 120.0, slots: int = 4, options: dict | None = None):
        self.options = dict(options or {})  # further fields of the request, for a server that knows them
        self.url = url.rstrip("/")
        if not self.url.endswith("/chat/completions"):
            self.url += "/chat/completions"
        self.model, self.api_key = model, api_key
        self.name = name or f"server {model or url}"
        self.first_token_s, self.total_s = first_token_s, total_s
        self.slots = slots  # answers asked of it at once; more wait in the writer's queue

    def stream(self, messages: list[dict], max_tokens: int) -> Iterator[str]:
        body = {"messages": messages, "max_tokens": max_tokens, **self.sampling, "stream": True, **self.options}
        if self.model:
            body["model"] = self.model
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url, data=json.dumps(body).encode(), headers=headers, method="POST")
        start = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.first_token_s) as response:
                for raw in response:
                    if time.monotonic() - start > self.total_s:
                        raise BackendError(f"{self.name} took longer than {self.total_s:.0f} s")
                    line = raw.decode("utf-8", "replace").strip()
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    try:
                        event = json.loads(data)
                    except ValueError:
                        raise BackendError(f"{self.name} sent something that is not JSON: {data[:80]!r}")
                    if event.get("error"):
                        raise BackendError(f"{self.name}: {event['error']}")
                    for choice in event.get("choices") or []:
                        piece = (choice.get("delta") or {}).get("content") or (choice.get("message") or {}).get("content")
                        if piece:
                            yield piece
                        if choice.get("finish_reason") == "length":
                            yield CUT_OFF
        except urllib.error.HTTPError as e:
            detail = e.read()[:200].decode("utf-8", "replace") if e.fp else ""
            raise BackendError(f"{self.name} answered HTTP {e.code}: {detail or e.reason}") from None
        except (urllib.error.URLError, ConnectionError) as e:
            raise BackendError(f"{self.name} is unreachable ({getattr(e, 'reason', e)})") from None
        except (TimeoutError, socket.timeout):
            raise BackendError(f"{self.name} sent nothing for {self.first_token_s:.0f} s") from None


class Embedded:
    """The packaged model (or QA_LLM_MODEL) run by llama.cpp through xllamacpp, one per process,
    served on a loopback port that only this process knows the key of. One answer at a time: on a
    laptop's two cores a second one at once would halve the speed of both."""

    slots = 1
    sampling = SAMPLING
    # cache_prompt off: llama.cpp would reuse the start of the previous prompt, and its answer to
    # the same question then depended on what was asked before (sc-u2: "NO ANSWER" after another
    # question, an invented sentence asked first). Now the same prompt gets the same answer, for
    # ~1 s more before the first words (only the system prompt was shared; written.md).
    options = {"cache_prompt": False}

    _lock = threading.Lock()
    _server = None
    _endpoint: ChatEndpoint | None = None

    def __init__(self, model_path: str | None = None, threads: int | None = None, say=print):
        self.model_path, self.threads, self.say = model_path, threads, say
        self.name = "embedded " + os.path.basename(model_path or "Qwen2.5-Coder-1.5B-Instruct (Q4_K_M)")

    def _start(self) -> ChatEndpoint:
        with Embedded._lock:
            if Embedded._endpoint is None:
                try:
                    import xllamacpp as xlc
                except ImportError:
                    raise BackendError("the embedded writer is not installed: pip install -e '.[writer]'") from None
                from .model import model_path
                path = self.model_path or model_path(say=self.say)
                threads = self.threads or len(os.sched_getaffinity(0))
                key = secrets.token_urlsafe(16)
                p = xlc.CommonParams()
                p.model.path = path
                p.n_ctx, p.n_batch = 4096, 512
                p.cpuparams.n_threads = p.cpuparams_batch.n_threads = threads
                p.warmup = False
                p.verbosity = -1
                p.api_keys = [key]
                p.cors_origins = "http://127.0.0.1"  # no web page may call it
                Embedded._server = xlc.Server(p)
                Embedded._endpoint = ChatEndpoint(Embedded._server.listening_address + "/v1", api_key=key,
                                                  name=self.name, first_token_s=90, total_s=180,
                                                  options=self.options)
            return Embedded._endpoint

    def stream(self, messages: list[dict], max_tokens: int) -> Iterator[str]:
        yield from self._start().stream(messages, max_tokens)


def backend_from_env(say=print) -> Backend | None:
    """The server named by QA_LLM_URL, else the embedded model where it is installed, else None."""
    timeout = float(os.environ.get("QA_LLM_TIMEOUT", "120"))
    url = os.environ.get("QA_LLM_URL", "").strip()
    if url:
        return ChatEndpoint(url, os.environ.get("QA_LLM_NAME", ""),
                            os.environ.get("QA_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY", ""),
                            first_token_s=min(45.0, timeout), total_s=timeout,
                            slots=int(os.environ.get("QA_LLM_CONCURRENCY", "4")))
    from .model import available
    custom = os.environ.get("QA_LLM_MODEL", "").strip() or None
    if custom is None and not available():
        return None
    threads = int(os.environ["QA_LLM_THREADS"]) if os.environ.get("QA_LLM_THREADS") else None
    return Embedded(custom, threads, say=say)
