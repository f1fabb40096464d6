"""Page headers and footers (judge.RunningLines): a line on three or more pages of one document,
page numbers ignored, found per document — the lines are the OECD 2019 DGI report's own."""
from qa.judge import RunningLines
from qa.types import Chunk

HEADER = "DIGITAL GOVERNMENT INDEX © OECD 2020"
PAGES = {
    11: "Figure 2. Digital Government Index: composite results\nThe OECD average is 0.501.\n11 | " + HEADER,
    12: "Korea leads the composite results, followed by the United Kingdom.\n12 | " + HEADER,
    13: "Colombia's score on the user-driven dimension is 0.7.\n13 | " + HEADER,
}


def chunks(doc_id: str, pages: dict[int, str]) -> list[Chunk]:
    return [Chunk(chunk_id=f"{doc_id}-{p}", doc_id=doc_id, path=f"{doc_id}.pdf", title=doc_id, text=text, start=0,
                  end=len(text), page_start=p, page_end=p) for p, text in pages.items()]


def test_a_line_on_three_pages_of_a_document_is_running_and_is_stripped():
    oecd = chunks("oecd", PAGES)
    other = chunks("other", {1: "1 | " + HEADER, 2: "Tallinn runs X-Road.", 3: "3 | Annex"})
    lines = RunningLines(other + oecd)
    assert lines.of("oecd") == {"# | digital government index © oecd 2#"}  # a number at either end is a page's
    assert lines.of("other") == set()  # the header is on one page of that document only
    assert lines.strip(oecd[1]) == "Korea leads the composite results, followed by the United Kingdom."


def test_finding_every_documents_lines_at_once_gives_what_each_question_would_find():
    a, b = chunks("a", PAGES), chunks("b", {1: "Annex | 1", 2: "Annex | 2", 3: "Annex | 3", 4: "4 | Annex"})
    everything = [c for pair in zip(a, b) for c in pair] + b[3:]  # two documents' chunks interleaved
    ahead = RunningLines(everything)
    ahead.find_all()
    assert {d: ahead.of(d) for d in "ab"} == {d: RunningLines(everything).of(d) for d in "ab"}
    assert ahead.of("b") == {"annex | #"}  # on three pages; "# | annex" on one
