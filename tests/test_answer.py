"""Answer composition on hand-made passages: lists that run past a passage, table rows."""
from qa.answer import candidates, extend_list_intros, extend_rows, merge_adjacent
from qa.types import Chunk, Hit

DOC = ("The progress is measured via four key dimensions, which comprise multiple indicators:\n"
       "1. User centricity\n2. Transparency\n3. Key enablers\n4. Cross-border services\n"
       "Each dimension is scored from 0 to 100.")


def chunk(start, end, cid):
    return Chunk(chunk_id=cid, doc_id="d", path="paper.pdf", title="Paper", text=DOC[start:end], start=start,
                 end=end, page_start=1, page_end=1)


def test_a_list_that_runs_into_the_next_passage_is_quoted_from_both():
    cut = DOC.index("3. Key")
    first, second = chunk(0, cut - 1, "a"), chunk(DOC.index("2. Trans"), len(DOC), "b")  # overlap: item 2
    hits = [Hit(chunk=first, score=1.0)]
    intro = next(c for c in candidates(hits) if c.text.startswith("The progress"))
    quotes = extend_list_intros([intro], hits, following=lambda ch: second if ch.chunk_id == "a" else None)
    assert [q.text for q in quotes] == [DOC[:cut - 1], DOC[cut:DOC.index("\nEach")]]
    assert [h.chunk.chunk_id for h in hits] == ["a", "b"]  # the continuation joined the passages
    for q in quotes:  # each quote is verbatim text of the passage it cites
        assert hits[q.hit_rank].chunk.text[q.start:q.end] == q.text
    assert "Each dimension" not in " ".join(q.text for q in quotes)  # the list ended there


def test_overlapping_passages_do_not_quote_a_sentence_twice():
    a, b = chunk(0, len(DOC), "a"), chunk(DOC.index("4. Cross"), len(DOC), "b")
    hits = [Hit(chunk=a, score=1.0), Hit(chunk=b, score=0.5)]
    last = [c for c in candidates(hits) if c.text.startswith("Each dimension")]
    assert len(last) == 2 and len(merge_adjacent(last, hits)) == 1


def test_a_table_row_keeps_its_figures_from_the_next_line():
    text = ("35 Availability of a public sector information security \npolicy/strategy\nYes / No 0.44%\n"  # as pypdf
            "90 Availability of an omni-channel strategy to deliver public \nservices\nYes / No 0.44%\nPolicy levers")
    c = Chunk(chunk_id="t", doc_id="d", path="dgi.pdf", title="DGI", text=text, start=0, end=len(text),
              page_start=28, page_end=28)
    hits = [Hit(chunk=c, score=1.0)]
    row = next(x for x in candidates(hits) if x.text.startswith("90 Availability"))
    assert not row.statement
    assert extend_rows([row], hits)[0].text.endswith("public \nservices\nYes / No 0.44%")
