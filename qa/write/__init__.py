"""The generative reader: a language model writes the answer from the passages retrieval found,
in the question's language; every sentence it writes is checked against those passages and
cited to the one that supports it (check.py) — the model's own [n] is never trusted.

    backends.py   where the words come from: any OpenAI-compatible chat endpoint (a GPU server,
                  Ollama, vLLM) or the embedded model (llama.cpp in-process, on loopback)
    model.py      the embedded model: assembled once from its PyPI parts, sha256-checked
    prompt.py     what the model is shown: the best part of the top passages, numbered
    check.py      written sentence → the source sentence that supports it, or none
    writer.py     the reader itself: stream checked sentences, then the final Answer
"""
from .backends import Backend, BackendError, backend_from_env
from .writer import Writer

__all__ = ["Backend", "BackendError", "Writer", "backend_from_env"]
