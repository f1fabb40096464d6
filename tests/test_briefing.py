"""The conversation as a briefing: a Word file that opens cleanly in a real reader (LibreOffice
converts it to PDF) and holds every question, every [n] marker and every source; `qa export`
writes the same from a list of questions."""
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from qa.briefing import bibliography, briefing_docx, briefing_markdown
from qa.cli import main

QUESTIONS = ["How were Korea's e-Government projects funded?",
             "What lessons should we take from Korea's inter-agency conflicts?",
             "What is the population of Vietnam?"]


def _letters(text: str) -> str:
    return re.sub(r"[\W_]", "", text).lower()


@pytest.fixture(scope="module")
def conversation(seed_assistant):
    answers = []
    for q in QUESTIONS:
        answers.append(seed_assistant.ask(q, history=[a.question for a in answers]))
    assert sum(not a.refused for a in answers) >= 2 and answers[-1].refused
    return answers


def test_word_briefing_converts_with_libreoffice_and_holds_everything(conversation, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui); .ci/run installs it")
    docx = tmp_path / "briefing.docx"
    docx.write_bytes(briefing_docx(conversation, "seed"))
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    from pypdf import PdfReader
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(str(tmp_path / "briefing.pdf")).pages).split())
    words = _letters(text)  # line breaks and typography of the PDF aside
    for q in QUESTIONS:
        assert _letters(q) in words
    for a in conversation:
        for c in a.citations:
            assert f"[{c.n}]" in text
    sources = bibliography(conversation)
    assert sources
    for s in sources:
        assert _letters(s.title) in words and _letters(s.path) in words
    assert "Sources" in text


def test_markdown_briefing_has_the_same_parts(conversation):
    md = briefing_markdown(conversation, "seed")
    assert all(q in md for q in QUESTIONS)
    assert md.count("## Sources") == 1
    markers = set(re.findall(r"\[(\d+)\]", md))
    assert markers == {str(c.n) for a in conversation for c in a.citations}


def test_qa_export_writes_a_briefing_from_a_list_of_questions(seed_index, tmp_path):
    qfile = tmp_path / "questions.txt"
    qfile.write_text("# handout for Tuesday\n" + "\n".join(QUESTIONS[:2]) + "\n")
    out = tmp_path / "handout.docx"
    r = CliRunner().invoke(main, ["export", str(qfile), "--index", str(seed_index), "--out", str(out)])
    assert r.exit_code == 0, r.output
    from docx import Document
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert QUESTIONS[0] in text and QUESTIONS[1] in text and "[1]" in text
    bad = CliRunner().invoke(main, ["export", str(qfile), "--index", str(seed_index), "--out", str(tmp_path / "x.pdf")])
    assert bad.exit_code != 0 and "must end in .docx or .md" in bad.output


def test_qa_ask_prints_where_each_source_opens_and_refuses_an_unknown_citation(seed_index):
    from tests.conftest import ROOT
    r = CliRunner().invoke(main, ["ask", QUESTIONS[0], "--index", str(seed_index)])
    assert r.exit_code == 0, r.output
    assert (ROOT / "corpus").resolve().as_uri() + "/" in r.output  # file:// links to the originals
    bad = CliRunner().invoke(main, ["ask", QUESTIONS[0], "--index", str(seed_index), "--open", "99"])
    assert bad.exit_code == 2 and "no citation [99]" in bad.output and "Traceback" not in bad.output
