import pytest
from hypothesis import given, settings, strategies as st

from qa.chunk import chunk_document, find_headings, join_chunks, sentence_spans, whitespace_counter
from qa.embed import MiniLMEmbedder
from qa.types import Document
from tests.conftest import DATA

words = st.text(alphabet=st.sampled_from("abcdefghij한국어 .,!?\n:;-•"), min_size=0, max_size=12)
page_text = st.lists(words, min_size=0, max_size=120).map(" ".join)


def doc(pages, paged=True):
    return Document(doc_id="d1", path="x.pdf", title="X", pages=tuple(pages), paged=paged)


@settings(max_examples=150, deadline=None)
@given(st.lists(page_text, min_size=1, max_size=4), st.integers(8, 60), st.integers(0, 2))
def test_spans_reproduce_text_and_fit_the_limit(pages, limit, overlap):
    d = doc(pages)
    chunks = chunk_document(d, whitespace_counter, max_tokens=limit, overlap=overlap)
    for c in chunks:
        assert d.text[c.start:c.end] == c.text
        assert c.text.strip()
        assert whitespace_counter([c.text])[0] <= limit or len(c.text.split()) == 1
        assert c.page_start == c.page_end  # never crosses a page
        assert d.pages[c.page_start - 1].strip()
    # every non-blank word of the document lands in some chunk
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    for i, ch in enumerate(d.text):
        if not ch.isspace():
            assert i in covered


@settings(max_examples=150, deadline=None)
@given(st.lists(page_text, min_size=1, max_size=4), st.integers(8, 60), st.integers(0, 2))
def test_joined_neighbours_read_as_the_document_span(pages, limit, overlap):
    d = doc(pages)
    chunks = chunk_document(d, whitespace_counter, max_tokens=limit, overlap=overlap)
    for a, b in zip(chunks, chunks[1:]):
        j = join_chunks(a, b)
        span = d.text[j.start:j.end]
        assert (j.start, j.end) == (a.start, b.end) and len(j.text) == len(span)  # offsets stay document offsets
        # the same characters, but where the document has whitespace between two chunks
        assert all(x == y or (x.isspace() and y.isspace()) for x, y in zip(j.text, span))
        assert j.page_start == a.page_start and j.page_end == b.page_end
        assert (j.chunk_id == a.chunk_id) == ((j.start, j.end) == (a.start, a.end))  # the id names the span


def test_real_tokenizer_never_truncates_long_text():
    emb = MiniLMEmbedder()
    text = " ".join(["Interoperability frameworks require governance, standards and funding."] * 80)
    text += " " + "x" * 3000  # one unbreakable token run
    d = doc([text], paged=False)
    chunks = chunk_document(d, emb.count_tokens, max_tokens=200)
    assert len(chunks) > 3
    assert max(emb.count_tokens([c.text for c in chunks])) <= 200


def test_sentences_split_on_punctuation_and_short_lines():
    text = "E-Government of Korea\n2009.07.07 COUNT 3812\nThe e-Government of Korea is cited. Korea leads (e.g. in 2001). It grew fast!"
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got[0] == "E-Government of Korea"
    assert got[1] == "2009.07.07 COUNT 3812"
    assert "The e-Government of Korea is cited." in got
    assert got[-1] == "It grew fast!"



@pytest.mark.parametrize("text, sentences", [
    # the seed's ODA study writes "e-Gov. ODA" twelve times: the abbreviation ends no sentence
    ("First, by clearly organizing current status and contents of Korea’s e-Gov. ODA, it is expected that the "
     "findings of the research would play a role. Also, it can suggest direction.",
     ["First, by clearly organizing current status and contents of Korea’s e-Gov. ODA, it is expected that the "
      "findings of the research would play a role.", "Also, it can suggest direction."]),
    ("3) Improvement Plan of e-Gov. ODA. Use of existing IT ODA and linking to e-Gov. ODA.",
     ["3) Improvement Plan of e-Gov. ODA.", "Use of existing IT ODA and linking to e-Gov. ODA."]),
])
def test_an_abbreviation_ends_no_sentence(text, sentences):
    assert [text[s:e] for s, e in sentence_spans(text)] == sentences


def test_a_sentence_wrapping_onto_the_next_printed_line_stays_whole():
    text = ("Frequency type questions: a value of 1 was awarded for often and 0 for never. Most questions associated\n"
            "“sometimes” to “50-99%” of the time.\nResults by pillar\nThe index ranges from 0 to 1.")
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert "Most questions associated\n“sometimes” to “50-99%” of the time." in got
    assert "Results by pillar" in got  # a short printed line is still its own unit

def test_headings_and_page_provenance():
    d = Document(doc_id="d", path="a.md", title="A", paged=False,
                 pages=("# Title\n\nIntro text here.\n\n## Funding\n\nThe fund paid for it.",))
    chunks = chunk_document(d, whitespace_counter, max_tokens=8, overlap=0)
    fund = next(c for c in chunks if "fund paid" in c.text)
    assert fund.heading == "Title › Funding"  # the path of enclosing headings
    assert fund.page_start is None
    assert [h for _, h in find_headings(d)] == ["Title", "Title › Funding"]


def test_a_section_heading_starts_a_new_chunk():
    intro = "The programme began with a survey of every ministry and agency. " * 4
    funding = "The fund paid for the national backbone network and the data centres. " * 4
    d = Document(doc_id="d", path="a.md", title="A", paged=False,
                 pages=(f"## Background\n\n{intro}\n\n##05 Funding\n\n{funding}\n\n### Case study\n\n{funding}",))
    chunks = chunk_document(d, whitespace_counter, max_tokens=200, overlap=1)
    assert len(chunks) == 3  # everything would fit one window; the headings split it
    assert all(("survey" in c.text) + ("fund paid" in c.text) == 1 for c in chunks)
    assert [c.heading for c in chunks] == ["Background", "05 Funding", "05 Funding › Case study"]
    # a heading right under another stays with its section instead of becoming a chunk alone
    d2 = Document(doc_id="d", path="a.md", title="A", paged=False, pages=(f"# Part 1\n## Background\n\n{intro}",))
    assert len(chunk_document(d2, whitespace_counter, max_tokens=200)) == 1


def test_word_per_line_pdf_page_is_rejoined_without_changing_a_visible_character():
    from qa.ingest.layout import is_word_per_line, reflow
    raw = (DATA / "word-per-line-page.txt").read_text(encoding="utf-8")  # pypdf's text of a real page
    fixed = reflow(raw)
    assert is_word_per_line(raw) and not is_word_per_line(fixed)
    assert "".join(fixed.split()) == "".join(raw.split())
    assert "Known computer scientist Eric Brewer is the author of CAP Theorem" in fixed
    sentences = [fixed[s:e] for s, e in sentence_spans(fixed)]
    assert any(s.startswith("This means that the third option is not actually an option") for s in sentences)
    normal = "A normal page.\nIts lines hold many words each, as most PDFs do.\n" * 20
    assert reflow(normal) == normal


def test_a_table_page_of_lone_numbers_keeps_its_lines():
    from qa.ingest.layout import reflow
    table = "TOTAL COST\n" + "\n".join(["50,000", "95%", "-", "146,169", "*"] * 10)  # one cell per line
    assert reflow(table) == table
