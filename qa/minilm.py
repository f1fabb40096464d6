"""all-MiniLM-L6-v2 forward pass in numpy, for encoding questions without importing torch.

Importing torch and sentence-transformers costs 4–7 s of every cold start; a question needs
one forward pass of a 6-layer, 384-wide BERT, which numpy does in a few milliseconds. The
weights are the package's own safetensors file; `tests/test_embed.py` checks the vectors
against sentence-transformers (cosine ≥ 0.9999). Passages are still encoded with
sentence-transformers at build time (batched, bf16), where torch is worth its start-up.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def _gelu(x):
    # tanh form of GELU: 6x faster than the erf polynomial here, vectors still agree to 1e-5
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))


def _layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def question_tokenizer(model_dir: Path, max_tokens: int):
    """The model's own word-piece tokenizer, truncating at the model's window, unpadded."""
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.enable_truncation(max_tokens)
    tok.no_padding()
    return tok


def pad_batch(tok, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids padded to the longest text, and the mask of real tokens (1) vs padding (0)."""
    enc = tok.encode_batch(list(texts))
    n, L = len(enc), max(len(e.ids) for e in enc)
    ids = np.zeros((n, L), np.int64)
    mask = np.zeros((n, L), np.int64)
    for i, e in enumerate(enc):
        ids[i, :len(e.ids)] = e.ids
        mask[i, :len(e.ids)] = 1
    return ids, mask


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the real tokens' states, L2-normalised: sentence-transformers' pooling for MiniLM."""
    m = mask[..., None].astype(np.float32)
    pooled = (hidden * m).sum(1) / np.maximum(m.sum(1), 1.0)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


class NumpyMiniLM:
    def __init__(self, model_dir: Path, max_tokens: int = 256):
        from safetensors.numpy import load_file
        cfg = json.loads((model_dir / "config.json").read_text())
        self.heads = cfg["num_attention_heads"]
        self.layers = cfg["num_hidden_layers"]
        self.eps = cfg.get("layer_norm_eps", 1e-12)
        self.w = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in
                  load_file(str(model_dir / "model.safetensors")).items()}
        # pre-transpose dense weights once: x @ W.T for every call is wasted work
        for k in list(self.w):
            if k.endswith(".weight") and self.w[k].ndim == 2 and "embeddings" not in k:
                self.w[k] = np.ascontiguousarray(self.w[k].T)
        self.tok = question_tokenizer(model_dir, max_tokens)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled, L2-normalised sentence vectors, shape (len(texts), 384)."""
        ids, mask = pad_batch(self.tok, texts)
        n, L = ids.shape
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:L][None]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        d = x.shape[-1]
        x = x.reshape(n * L, d)  # 2-D for the dense layers: numpy sends 2-D matmuls to BLAS gemm
        hd = d // self.heads
        bias = (1.0 - mask.astype(np.float32))[:, None, None, :] * -1e9
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q = x @ w[p + "attention.self.query.weight"] + w[p + "attention.self.query.bias"]
            k = x @ w[p + "attention.self.key.weight"] + w[p + "attention.self.key.bias"]
            v = x @ w[p + "attention.self.value.weight"] + w[p + "attention.self.value.bias"]
            q, k, v = (t.reshape(n, L, self.heads, hd).transpose(0, 2, 1, 3) for t in (q, k, v))
            att = q @ k.transpose(0, 1, 3, 2) / np.sqrt(hd) + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n * L, d)
            h = ctx @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            x = _layer_norm(h + x, w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"], self.eps)
            h = _gelu(x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"])
            h = h @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = _layer_norm(h + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
        return mean_pool(x.reshape(n, L, d), mask)
