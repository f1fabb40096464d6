"""The question encoder through onnxruntime: the same all-MiniLM-L6-v2, twice as fast as numpy.

The ONNX file is exported once from the installed model (torch and onnx are needed for that,
so `qa build` does it, where torch is loaded anyway) into a per-user cache (QA_CACHE_DIR,
default ~/.cache/qa). Where the file or onnxruntime is missing, questions go through the numpy
encoder instead (qa/minilm.py): same vectors, slower. tests/test_embed.py checks agreement.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def cache_dir() -> Path:
    return Path(os.environ.get("QA_CACHE_DIR") or Path.home() / ".cache" / "qa")


def onnx_path(model_dir: Path) -> Path:
    size = (model_dir / "model.safetensors").stat().st_size
    return cache_dir() / f"all-MiniLM-L6-v2-{size}.onnx"


def export(model_dir: Path) -> Path | None:
    """Write the ONNX file if it is not there yet; None when this machine cannot (no onnx)."""
    out = onnx_path(model_dir)
    if out.exists():
        return out
    try:
        import onnx  # noqa: F401  (the exporter needs it)
        import torch
        from transformers import AutoModel
    except ImportError:
        return None
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".tmp-{os.getpid()}")
    ids = torch.ones(1, 8, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHidden(model), (ids, torch.ones_like(ids)), str(tmp),
                          input_names=["input_ids", "attention_mask"], output_names=["hidden"],
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "hidden": axes},
                          opset_version=17, dynamo=False)
    os.replace(tmp, out)  # never a half-written model in the cache
    return out


class OnnxMiniLM:
    def __init__(self, path: Path, model_dir: Path, max_tokens: int = 256):
        import onnxruntime as ort

        from .minilm import question_tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1  # a question is small; see Assistant.ask on threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.tok = question_tokenizer(model_dir, max_tokens)

    def encode(self, texts: list[str]) -> np.ndarray:
        from .minilm import mean_pool, pad_batch
        ids, mask = pad_batch(self.tok, texts)
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return mean_pool(hidden, mask)


def load(model_dir: Path, max_tokens: int = 256):
    """The ONNX encoder when its file and onnxruntime are there, else None."""
    path = onnx_path(model_dir)
    if not path.exists():
        return None
    try:
        return OnnxMiniLM(path, model_dir, max_tokens)
    except Exception:  # missing onnxruntime or a damaged cache file: the numpy encoder serves
        return None
