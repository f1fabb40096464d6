import pytest

from qa.errors import IngestError
from qa.ingest import read_document, scan_corpus
from tests.conftest import DATA, ROOT


def read(path, password=None):
    files, _ = scan_corpus(path.parent)
    src = next(f for f in files if f.path.name == path.name)
    return read_document(src, password)


def test_seed_titles_come_from_the_documents():
    files, passed = scan_corpus(ROOT / "corpus")
    titles = {f.path.name: read_document(f).title for f in files}
    assert titles["002_e58447c9ee9a54cf.txt"] == "E-Government of Korea"
    assert titles["001_96dfe9ff32e5a962.txt"] == "Lessons Learned"
    assert titles["000_5eaf10311c601162.txt"].startswith("Study on Proliferation of Korea's e-Government")
    assert "Action Plan for Electronic Government" in titles["004_74c851b3ad81ac21.txt"]


def test_html_keeps_visible_text_only(mini_corpus):
    d = read(mini_corpus / "page.html")
    assert d.title == "Digital Service Standard"
    assert "100,000 transactions" in d.text and "& phone" in d.text
    assert "do not index me" not in d.text and "Login" not in d.text


def test_markdown_title_and_pdf_pages(mini_corpus):
    assert read(mini_corpus / "notes.md").title == "Funding of e-Government in Korea"
    d = read(DATA / "01-multipage-text_pdflatex-4-pages.pdf")
    assert d.paged and len(d.pages) == 4 and all(p.strip() for p in d.pages)


def test_pdf_outcomes_are_named():
    with pytest.raises(IngestError) as e:
        read(DATA / "07-encrypted-userpw-openpassword_libreoffice.pdf")
    assert e.value.outcome == "needs a password"
    assert read(DATA / "07-encrypted-userpw-openpassword_libreoffice.pdf", "openpassword").text.strip()
    assert "asdfzxcv" in read(DATA / "08-encrypted-aes256-userpw-asdfzxcv_qpdf-r6.pdf", "asdfzxcv").text
    with pytest.raises(IngestError) as e:
        read(DATA / "17-cjk-japanese-vertical_miyazawa-jo.pdf")
    assert e.value.outcome == "garbled text"


def test_a_file_that_is_not_a_pdf_and_a_truncated_one_are_told_apart(tmp_path):
    page = tmp_path / "report.pdf"  # what a failed download often saves: the server's error page
    page.write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>")
    with pytest.raises(IngestError) as e:
        read(page)
    assert e.value.outcome == "unreadable" and "not a PDF" in str(e.value)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes((DATA / "19-long-117p-outline-metadata_geotopo.pdf").read_bytes()[:3000])
    with pytest.raises(IngestError) as e:
        read(cut)
    assert "truncated" in str(e.value) and "not a PDF" not in str(e.value)


@pytest.mark.slow
def test_page_labels_and_outline_from_long_pdf():
    d = read(DATA / "19-long-117p-outline-metadata_geotopo.pdf")
    assert len(d.pages) == 117
    assert d.page_labels[:3] == ("i", "ii", "iii")
    assert d.meta.get("outline")
    assert d.title == "Einführung in die Geometrie und Topologie"
