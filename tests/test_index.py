import json
import os

import numpy as np
import pytest

from qa.build import build_index
from qa.chunk import indexed_text
from qa.config import Settings
from qa.embed import HashEmbedder
from qa.errors import IndexCorruptError, IndexLockedError, IndexMismatchError, IndexMissingError
from qa.index import Index, verify_index
from qa.retrieve import Retriever


def search_ids(index_dir, settings, q):
    idx = Index.load(index_dir, settings)
    r = Retriever(idx, HashEmbedder(), None, settings)
    return [(h.chunk.chunk_id, round(h.score, 6)) for h in r.search(r.prepare(q), 5)]


def test_save_load_gives_identical_results(mini_corpus, tmp_path, hash_settings):
    out = tmp_path / "index" / "mini"
    build_index(mini_corpus, out, hash_settings)
    first = search_ids(out, hash_settings, "How was e-Government funded?")
    # a copied folder (USB stick) answers the same
    copy = tmp_path / "copied"
    import shutil
    shutil.copytree(out, copy)
    assert search_ids(copy, hash_settings, "How was e-Government funded?") == first
    assert first and verify_index(copy) == []
    m = json.loads((out / "manifest.json").read_text())
    assert m["counts"]["documents"] == 3 and m["fingerprint"] == hash_settings.fingerprint()
    assert not list(tmp_path.glob("index/.mini*tmp*"))  # no temporary left behind


def test_mismatched_settings_are_refused_with_the_difference(mini_corpus, tmp_path, hash_settings):
    out = tmp_path / "mini"
    build_index(mini_corpus, out, hash_settings)
    other = hash_settings.replace(chunk_tokens=64)
    with pytest.raises(IndexMismatchError) as e:
        Index.load(out, other)
    msg = str(e.value)
    assert "chunk_tokens" in msg and "200" in msg and "64" in msg and "qa build" in msg


def test_rebuild_reembeds_only_changed_files(mini_corpus, tmp_path, hash_settings):
    out = tmp_path / "mini"
    r1 = build_index(mini_corpus, out, hash_settings)
    assert r1.embedded_chunks == r1.chunks > 0
    r2 = build_index(mini_corpus, out, hash_settings)
    assert r2.embedded_chunks == 0 and r2.reused_files == 3
    (mini_corpus / "bread.txt").write_text("Bread Notes\n\nRye bread needs a long, slow and patient fermentation.\n")
    (mini_corpus / "new.md").write_text("# New\n\nA new report about digital identity in Estonia.\n")
    (mini_corpus / "page.html").unlink()
    r3 = build_index(mini_corpus, out, hash_settings)
    assert r3.reused_files == 1  # notes.md only
    assert r3.embedded_chunks == sum(f["chunks"] for f in r3.files if f["path"] in ("bread.txt", "new.md"))
    idx = Index.load(out, hash_settings)
    paths = {c.path for c in idx.chunks}
    assert paths == {"bread.txt", "new.md", "notes.md"}
    assert any("Rye bread" in c.text for c in idx.chunks)
    # reused vectors equal freshly computed ones
    v = idx.vectors()
    fresh = HashEmbedder().encode_passages([indexed_text(c) for c in idx.chunks])
    assert np.allclose(v, fresh, atol=1e-6)


def test_missing_and_damaged_index(tmp_path, mini_corpus, hash_settings):
    with pytest.raises(IndexMissingError):
        Index.load(tmp_path / "nothing")
    out = tmp_path / "mini"
    build_index(mini_corpus, out, hash_settings)
    (out / "chunks.jsonl").write_text((out / "chunks.jsonl").read_text()[:-200])
    problems = verify_index(out)
    assert problems and problems[0].startswith("chunks.jsonl")
    with pytest.raises(IndexCorruptError):
        Index.load(out)


def test_second_build_is_refused_while_locked(mini_corpus, tmp_path, hash_settings):
    from filelock import FileLock
    out = tmp_path / "mini"
    with FileLock(str(tmp_path / ".mini.lock")):
        with pytest.raises(IndexLockedError):
            build_index(mini_corpus, out, hash_settings)
    assert build_index(mini_corpus, out, hash_settings).chunks > 0


def test_bad_files_are_reported_and_the_build_goes_on(mini_corpus, tmp_path, hash_settings):
    from tests.conftest import DATA
    import shutil
    shutil.copy(DATA / "15-truncated-55pct_naacl06-shinyama.pdf", mini_corpus)
    shutil.copy(DATA / "07-encrypted-userpw-openpassword_libreoffice.pdf", mini_corpus)
    (mini_corpus / "empty.txt").write_text("")
    r = build_index(mini_corpus, tmp_path / "mini", hash_settings)
    outcomes = {f["path"]: f["outcome"] for f in r.files}
    assert outcomes["07-encrypted-userpw-openpassword_libreoffice.pdf"] == "needs a password"
    assert outcomes["empty.txt"] == "no text"
    assert outcomes["notes.md"] == "indexed"
    r2 = build_index(mini_corpus, tmp_path / "mini", hash_settings,
                     passwords={"07-encrypted-userpw-openpassword_libreoffice.pdf": "openpassword"})
    assert {f["path"]: f["outcome"] for f in r2.files}["07-encrypted-userpw-openpassword_libreoffice.pdf"] == "indexed"


def test_build_never_replaces_a_folder_that_is_not_an_index(mini_corpus, tmp_path, hash_settings):
    from qa.errors import QAError
    precious = tmp_path / "my-notes"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(QAError) as e:
        build_index(mini_corpus, precious, hash_settings)
    assert "not a qa index" in str(e.value)
    assert (precious / "notes.txt").read_text() == "keep me"
    with pytest.raises(QAError):
        build_index(mini_corpus, mini_corpus, hash_settings)  # --index pointing at the reports
    with pytest.raises(QAError):
        build_index(mini_corpus, mini_corpus / "index", hash_settings)
    assert (mini_corpus / "notes.md").exists()


def test_each_chunk_keeps_its_language_and_an_older_index_is_read_as_before(mini_corpus, tmp_path, hash_settings):
    import dataclasses
    from qa.assistant import Assistant
    (mini_corpus / "rapport.md").write_text(
        "# Rapport\n\nLe gouvernement a financé les premiers projets d'administration électronique par un fonds "
        "spécial, géré par le ministère et renouvelé chaque année après une évaluation des résultats.\n")
    out = tmp_path / "mini"
    build_index(mini_corpus, out, hash_settings)
    a = Assistant.load(out, hash_settings)
    langs = {c.path: c.lang for c in a.index.chunks}
    assert langs["rapport.md"] == "fr" and langs["bread.txt"] == "en"
    # a chunk of an index built before languages were stored is detected when first met
    french = next(c for c in a.index.chunks if c.path == "rapport.md")
    assert a.language_of(dataclasses.replace(french, lang="")) == "fr"
