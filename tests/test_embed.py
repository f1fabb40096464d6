import numpy as np
import pytest

from qa.embed import HashEmbedder, MiniLMEmbedder, USEEmbedder


@pytest.mark.slow
def test_numpy_question_encoder_matches_sentence_transformers():
    texts = ["How were Korea's e-Government projects funded?", "짧은 질문", "a", "word " * 300]
    emb = MiniLMEmbedder(precision="fp32")
    q = emb.encode_queries(texts)  # numpy forward pass
    p = emb.encode_passages(texts)  # sentence-transformers (torch)
    assert q.shape == p.shape == (4, 384)
    assert np.all((q * p).sum(1) > 0.9999)


@pytest.mark.slow
def test_bf16_passages_agree_with_fp32():
    texts = ["The Informatization Promotion Fund financed e-Government projects.",
             "Mystery shoppers evaluate public websites in every EU country."] * 3
    a = MiniLMEmbedder(precision="fp32").encode_passages(texts)
    b = MiniLMEmbedder(precision="bf16").encode_passages(texts)
    assert np.all((a * b).sum(1) > 0.999)


def test_multilingual_model_links_translations():
    use = USEEmbedder()
    v = use.encode_queries(["How was the project funded?", "¿Cómo se financió el proyecto?",
                            "Recipe for sourdough bread"])
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


def test_e5_links_translations_including_vietnamese():
    import pytest
    from qa.embed import E5Embedder, e5_usable
    if not e5_usable():
        pytest.skip("multilingual-e5-small runs on x86-64 Linux with AVX2 only")
    e5 = E5Embedder()
    passages = e5.encode_passages(["Korea financed e-Government projects through the Informatization Promotion Fund.",
                                   "Recipe for sourdough bread with a long fermentation."])
    for q in ("Hàn Quốc đã tài trợ cho các dự án chính phủ điện tử như thế nào?",  # Vietnamese
              "한국은 전자정부 사업 자금을 어떻게 마련했나요?", "¿Cómo financió Corea sus proyectos de gobierno electrónico?"):
        sims = passages @ e5.encode_queries([q])[0]
        assert sims[0] > sims[1] + 0.05
        assert e5.calibrated(sims)[0] > e5.calibrated(sims)[1]


def test_hash_embedder_is_deterministic_and_unit():
    v = HashEmbedder().encode_passages(["a b c", "a b c", ""])
    assert np.allclose(v[0], v[1]) and abs(np.linalg.norm(v[0]) - 1) < 1e-6


@pytest.mark.slow
def test_onnx_question_encoder_matches_and_is_used(tmp_path, monkeypatch):
    import pytest
    pytest.importorskip("onnxruntime")
    from qa import onnx_encoder
    from qa.embed import minilm_path
    monkeypatch.setenv("QA_CACHE_DIR", str(tmp_path))
    assert onnx_encoder.load(minilm_path()) is None  # not exported yet: numpy serves
    path = onnx_encoder.export(minilm_path())
    assert path is not None and path.parent == tmp_path and not list(tmp_path.glob("*.tmp-*"))
    texts = ["How were Korea's e-Government projects funded?", "짧은 질문", "word " * 300]
    fast = onnx_encoder.load(minilm_path()).encode(texts)
    emb = MiniLMEmbedder(precision="fp32")
    assert np.all((fast * emb.encode_passages(texts)).sum(1) > 0.9999)
    emb2 = MiniLMEmbedder()
    emb2.encode_queries(["warm"])
    assert type(emb2._numpy).__name__ == "OnnxMiniLM"
