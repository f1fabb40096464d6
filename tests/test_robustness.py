"""Real problem PDFs and crash safety: every file gets an outcome, a killed build costs nothing."""
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from qa.build import build_index
from qa.errors import IngestError
from qa.index import Index, recover_interrupted_swap, verify_index
from qa.ingest import read_document, scan_corpus
from tests.conftest import DATA, ROOT


def read(name, password=None):
    files, _ = scan_corpus(DATA)
    return read_document(next(f for f in files if f.path.name == name), password)


def test_malformed_pdf_is_salvaged_with_a_warning():
    d = read("14-malformed-no-xref_pdfminer-simple1.pdf")
    assert "Hello" in d.text
    assert any("repaired" in w for w in d.warnings)


def test_truncated_pdf_is_named_as_truncated():
    with pytest.raises(IngestError) as e:
        read("15-truncated-55pct_naacl06-shinyama.pdf")
    assert e.value.outcome == "unreadable" and "truncated" in e.value.reason


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("tesseract"), reason="tesseract-ocr is not installed")
def test_scanned_pages_are_read_by_ocr_and_marked():
    d = read("09-scanned-no-text_grumman-service-bulletin-1974.pdf")
    assert d.meta["ocr_pages"] == [1, 2]
    assert "grumman" in d.text.lower() or "service" in d.text.lower()


def test_without_ocr_a_scan_says_how_to_enable_it(monkeypatch):
    from qa.ingest import ocr
    monkeypatch.setenv("QA_OCR", "off")
    ocr.tesseract_languages.cache_clear()
    try:
        with pytest.raises(IngestError) as e:
            read("09-scanned-no-text_grumman-service-bulletin-1974.pdf")
        assert e.value.outcome == "no text layer" and "tesseract" in e.value.reason
    finally:
        ocr.tesseract_languages.cache_clear()


def test_interrupted_swap_is_recovered(mini_corpus, tmp_path, hash_settings):
    out = tmp_path / "mini"
    build_index(mini_corpus, out, hash_settings)
    # the moment between "old index moved aside" and "new index moved in"
    os.replace(out, tmp_path / ".mini.old")
    (tmp_path / ".mini.tmp-999").mkdir()  # a half-written new index
    recover_interrupted_swap(out)
    assert verify_index(out) == []
    idx = Index.load(out, hash_settings)
    assert len(idx.chunks) > 0


BUILD = """
import sys
from qa.build import build_index
from qa.config import Settings
build_index(sys.argv[1], sys.argv[2], Settings(multilingual_model=""))
"""


@pytest.mark.slow
def test_killed_builds_leave_the_previous_index_loadable(tmp_path, hash_settings):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    out = tmp_path / "index" / "seed"
    from qa.config import Settings
    from qa.policy import AnswerPolicy
    settings = Settings(multilingual_model="")
    build_index(corpus, out, settings)
    before = (out / "manifest.json").read_text()
    # change the corpus so that every new build has real work to do, then kill it at several moments
    shutil.copy(DATA / "19-long-117p-outline-metadata_geotopo.pdf", corpus)
    for delay in (0.5, 1.5, 3.0, 5.0, 8.0):
        p = subprocess.Popen([sys.executable, "-c", BUILD, str(corpus), str(out)], cwd=ROOT)
        time.sleep(delay)
        if p.poll() is not None:
            break  # it finished: the last kill points are past the end of the build
        p.send_signal(signal.SIGKILL)
        p.wait()
        assert verify_index(out) == [], f"killed after {delay}s"
        assert (out / "manifest.json").read_text() == before
        from qa.assistant import Assistant
        ans = Assistant.load(out, settings).ask("How were Korea's e-Government projects funded?")
        assert not ans.refused and ans.citations


def test_an_interrupted_build_resumes_with_what_it_had_embedded(mini_corpus, tmp_path, monkeypatch):
    from qa import resume
    from qa.chunk import indexed_text
    from qa.config import Settings
    from qa.policy import AnswerPolicy
    from qa.embed import HashEmbedder
    monkeypatch.setattr(resume, "GROUP_CHUNKS", 1)  # a group per file: three saves
    settings = Settings(model="hash", multilingual_model="hash", policy=AnswerPolicy(refuse_below=0.0))
    out = tmp_path / "index" / "mini"
    calls = []

    def interrupt_in_second_group(stage, done, total):
        calls.append(stage)
        if stage == "embed_ml" and calls.count("embed_ml") == 2:
            raise KeyboardInterrupt  # Ctrl-C while the multilingual model embeds the second file

    with pytest.raises(KeyboardInterrupt):
        build_index(mini_corpus, out, settings, progress=interrupt_in_second_group)
    assert not out.exists()  # no index yet, but the first file's vectors of both models are kept
    saved = list((tmp_path / "index" / ".mini.partial").rglob("*.npy"))
    assert len([p for p in saved if p.name.endswith(".main.npy")]) == 3
    [ml_saved] = [p for p in saved if p.name.endswith(".ml.npy")]

    report = build_index(mini_corpus, out, settings)
    first_file_chunks = next(f["chunks"] for f in report.files if ml_saved.name.startswith(f["doc_id"] + "."))
    assert report.resumed_chunks == first_file_chunks > 0
    assert report.embedded_chunks == report.chunks - first_file_chunks
    assert not (tmp_path / "index" / ".mini.partial").exists()  # done: nothing left beside the index
    idx = Index.load(out, settings)
    fresh = HashEmbedder().encode_passages([indexed_text(c) for c in idx.chunks])
    assert np.allclose(idx.vectors("main"), fresh, atol=1e-6) and np.allclose(idx.vectors("ml"), fresh, atol=1e-6)


@pytest.mark.parametrize("broken", [False, True])
def test_a_build_leaves_no_reading_process_behind(tmp_path, hash_settings, broken):
    """The processes that read the files are joined before build_index returns or fails: left to
    shut down on their own, one wrote to a closed pipe as `qa build` exited ("OSError: [Errno 9]
    Bad file descriptor" under the clear message that no file could be indexed)."""
    import multiprocessing
    from qa.errors import QAError
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a", "b", "c"):
        if broken:
            (corpus / f"{name}.pdf").write_bytes(b"not a pdf")
        else:
            (corpus / f"{name}.txt").write_text(f"Report {name}. Korea funded e-Government from a fund.\n")
    if broken:
        with pytest.raises(QAError, match="none of the 3 files"):
            build_index(corpus, tmp_path / "idx", hash_settings)
    else:
        build_index(corpus, tmp_path / "idx", hash_settings)
    assert multiprocessing.active_children() == []
