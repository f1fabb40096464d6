"""Answer composition on hand-made passages: lists that run past a passage, table rows."""
import re

import numpy as np
import pytest

from qa.policy import AnswerPolicy
from qa.answer import candidates, extend_list_intros, extend_rows, merge_adjacent, score_candidates, select
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


@pytest.mark.parametrize("follows, quoted", [
    # GovStack playbook (rc-02): the announcement opens with "The following", and a sentence on the
    # skills stands between it and the first item
    ("These skills may be acquired by various stakeholders as relevant to them. \n\n* Software Reusable components "
     "\n* Building Blocks / Lego bricks game \n* Open Source Solutions \n\nSuggested non-technical focus areas "
     "are many.", "* Open Source Solutions"),
    # a second sentence that is no item ends it: the list is not this announcement's
    ("These skills may be acquired by various stakeholders. They take time to learn. \n* Software Reusable components",
     None),
])
def test_an_announcement_brings_its_items_past_one_sentence_between(follows, quoted):
    text = ("The following are suggested technical focus areas that are recommended for the implementation of the "
            "GovStack Approach. " + follows)
    hits = [Hit(chunk=Chunk(chunk_id="g", doc_id="g", path="g.md", title="GovStack", text=text, start=0, end=len(text),
                            page_start=None, page_end=None), score=1.0)]
    intro = next(c for c in candidates(hits) if c.text.startswith("The following"))
    quote = " ".join(q.text for q in extend_list_intros([intro], hits))
    if quoted:
        assert quote.startswith("The following") and quote.rstrip().endswith(quoted), quote
        assert "non-technical" not in quote
    else:
        assert "Software" not in quote and "learn" not in quote, quote


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


def test_markup_is_never_quoted_but_a_sentence_with_a_link_is():
    text = ('[![Watch the video](/assets/images/roo.png)](/digital/case-studies/ "Read the case study")\n\n'
            '<tr><td><img src="../../.gitbook/assets/image (8).png" alt=""></td><td>Aug 2023: Launched '
            '<a href="https://www.example.org/call-for-digital-products">Open call</a></td></tr>\n\n'
            "The Commission estimated that 10 % more open source contributions would add 0.4 % to 0.6 % "
            "of GDP a year ([European Commission 2022](https://digital-strategy.ec.europa.eu/en/library/"
            "study-about-impact-open-source-software-and-hardware)).")
    c = Chunk(chunk_id="m", doc_id="d", path="playbook.md", title="Playbook", text=text, start=0, end=len(text),
              page_start=None, page_end=None)
    quoted = [x.text for x in candidates([Hit(chunk=c, score=1.0)])]
    assert len(quoted) == 1 and quoted[0].startswith("The Commission estimated")


def test_suggestions_come_from_headings_with_words():
    from qa.answer import suggestions
    def hit(heading):
        c = Chunk(chunk_id=heading, doc_id="d", path="r.txt", title="Action Plan", text="Some text here.", start=0,
                  end=15, page_start=None, page_end=None, heading=heading)
        return Hit(chunk=c, score=1.0)
    got = suggestions([hit("15027"), hit("3.2 Funding the backbone network")])
    assert got == ["What does “Action Plan” say about funding the backbone network?"]


def test_a_quoted_list_keeps_one_item_per_line():
    from qa.answer import cite
    hits = [Hit(chunk=chunk(0, len(DOC), "a"), score=1.0)]
    intro = next(c for c in candidates(hits) if c.text.startswith("The progress"))
    quotes = extend_list_intros([intro], hits)
    text, citations = cite(quotes, hits, {})
    assert text.splitlines()[1:5] == ["1. User centricity", "2. Transparency", "3. Key enablers",
                                      "4. Cross-border services [1]"]
    assert citations[0].quote == quotes[0].text  # the citation keeps the passage's own text


@pytest.mark.parametrize("quote, shown", [
    # uk-government-digital-strategy-2012.md, Figure 3 (tl-01): one row per line, the rule dropped
    ("| Percentage of UK adult population | Completed digital transactions            |\n"
     "| --------------------------------- | ------------------------------------------|\n"
     "| 46%  | Online and have used a government transaction online                   |\n"
     "| 8%   | Online and have accessed government information online                 |",
     "| Percentage of UK adult population | Completed digital transactions |\n"
     "| 46% | Online and have used a government transaction online |\n"
     "| 8% | Online and have accessed government information online |"),
    # the GovStack playbook's competence table, the quote cut inside its first row (tl-05)
    ("The following are the relevant e-competencies for this phase.\n| Relevant e-Competencies | Stakeholders Involved |\n"
     "| ---------------------------------------------- | ----------------------- |\n| D.1.",
     "The following are the relevant e-competencies for this phase.\n| Relevant e-Competencies | Stakeholders Involved |"
     "\n| D.1."),
    # a PDF's wrapped prose with a "|" inside a line stays one line
    ("Digital Government Index 2019 | 23\nThe index comprises six dimensions.",
     "Digital Government Index 2019 | 23 The index comprises six dimensions."),
])
def test_a_quoted_table_is_shown_one_row_per_line_without_its_rule(quote, shown):
    from qa.answer import one_line_per_item
    out = one_line_per_item(quote)
    assert out == shown
    assert [w for w in out.split() if set(w) - set("|-")] == [w for w in quote.split() if set(w) - set("|-")]


def test_a_translation_of_the_answer_is_not_quoted_beside_it():
    en = "The GovStack initiative is led by the German ministry BMZ, GIZ, Estonia, the ITU and the Digital Impact Alliance."
    fr = "L'initiative GovStack est dirigée par le ministère allemand BMZ, la GIZ, l'Estonie, l'UIT et la Digital Impact Alliance."
    hits = [Hit(chunk=Chunk(chunk_id=c, doc_id=c, path=f"{c}.md", title=c, text=t, start=0, end=len(t),
                            page_start=None, page_end=None), score=1.0) for c, t in (("en", en), ("fr", fr))]
    cands = candidates(hits)
    weights = {"govstack": 1.0, "led": 1.0}
    english = score_candidates(cands, np.array([0.8, 0.9]), weights, [False, True], None, AnswerPolicy())
    assert [c.text for c in select(english, AnswerPolicy())] == [en]  # an English question: its English answer alone
    spanish = score_candidates(cands, np.array([0.8, 0.9]), weights, [True, True], None, AnswerPolicy())
    assert len(select(spanish, AnswerPolicy())) == 2  # a Spanish question: both are translations; either may serve


@pytest.mark.parametrize("sentence, question, echoes", [
    # wiki7 (worldcup-en): the best sentence was the question's premise, the reason came two sentences on
    ("The first FIFA World Cup was held in Uruguay in 1930.", "Why was the first World Cup held in Uruguay in 1930?", True),
    ("The tournament was timed to mark the 100th anniversary of Uruguay's first constitution.",
     "Why was the first World Cup held in Uruguay in 1930?", False),
    ("Mount Kilimanjaro", "How high is Mount Kilimanjaro?", True),
    # a sentence that says what is asked adds its own words
    ("Korea's e-Government was funded through the Informatization Promotion Fund.",
     "How did Korea fund its early e-Government projects?", False),
])
def test_a_sentence_that_only_restates_the_question_is_known(sentence, question, echoes):
    from qa.answer import restates
    assert restates(sentence, question) is echoes


def test_a_best_sentence_that_restates_the_question_brings_the_passage_s_next_best():
    text = ("1930 FIFA World Cup\nThe first FIFA World Cup was held in Uruguay in 1930. 13 national teams took part, "
            "seven from South America, four from Europe and two from North America. The host nation won the final "
            "against Argentina 4–2. The tournament was timed to mark the 100th anniversary of Uruguay's first constitution.")
    hits = [Hit(chunk=Chunk(chunk_id="wc", doc_id="wc", path="wc.txt", title="1930 FIFA World Cup", text=text, start=0,
                            end=len(text), page_start=None, page_end=None), score=1.0)]
    cands = candidates(hits)
    q = "Why was the first World Cup held in Uruguay in 1930?"
    weights = {"first": 1.0, "world": 1.0, "cup": 1.0, "held": 1.0, "uruguay": 1.0, "1930": 1.0}
    scored = score_candidates(cands, np.array([0.5] * len(cands)), weights, [False] * len(cands), None, AnswerPolicy())
    assert scored[0].text.startswith("The first FIFA World Cup was held")
    chosen = [c.text for c in select(scored, AnswerPolicy(), q)]
    assert any(t.startswith("The tournament was timed") for t in chosen), chosen
    assert not any(t.startswith("The tournament") for t in (c.text for c in select(scored, AnswerPolicy())))


def test_symbol_font_bullets_are_shown_as_bullets_and_kept_verbatim_in_json():
    from qa.briefing import briefing_markdown
    from qa.display import readable
    from qa.types import Answer, Citation

    quote = "\uf0b7 Frequency type questions: a value of 1 was awarded for often."
    assert readable(quote) == "• Frequency type questions: a value of 1 was awarded for often."
    assert readable("표준프레임워크 — Maturité, “50-99%”") == "표준프레임워크 — Maturité, “50-99%”"
    cit = Citation(n=1, path="ourdata.pdf", title="OURdata", pages=[7], quote=quote, chunk_id="c1")
    ans = Answer(question="How were answers scored?", text=quote + " [1]", citations=(cit,), hits=(),
                 refused=False, timings_ms={})
    md = briefing_markdown([ans], "reports")
    assert "\uf0b7" not in md and md.count("• Frequency type questions") == 2  # the answer and its source line
    assert ans.to_dict()["citations"][0]["quote"] == quote  # the contract stays verbatim


def test_an_html_table_in_a_markdown_file_is_quoted_cell_by_cell_without_its_tags():
    # the GovStack playbook's design principles, as the file writes them (one line of HTML)
    row = ('<tr><td><img src="../../../.gitbook/assets/Design principles_-08.png" alt=""></td><td><strong>Address '
           'Privacy and Security</strong>: Addressing privacy and security in digital development involves careful '
           'consideration of which data are collected and how data are acquired, used, stored and shared. </td></tr>')
    text = ('alt=""></td><td>Design with the user</td></tr>' + row + "\n\nA comparison: 3 > 2 holds in every sentence."
            "\n\nAnd where 2 < 3 and 4 > 1, prose is still prose.")
    c = Chunk(chunk_id="h", doc_id="d", path="playbook.md", title="Playbook", text=text, start=0, end=len(text),
              page_start=None, page_end=None)
    quoted = [x.text for x in candidates([Hit(chunk=c, score=1.0)])]
    assert "Addressing privacy and security in digital development involves careful consideration of which data " \
           "are collected and how data are acquired, used, stored and shared." in quoted
    assert "A comparison: 3 > 2 holds in every sentence." in quoted  # a ">" in prose is no tag
    assert "And where 2 < 3 and 4 > 1, prose is still prose." in quoted
    assert not [q for q in quoted if re.search(r"</?[a-z]", q) or "alt=" in q or q.startswith(":")]


# the seed corpus's "Lessons Learned", as its web page writes it: one numbered lesson a line
LESSONS = ("3)\xa0Financial resources should be secured to implement the E-Government project. In addition "
           "to the annual budget, it is ideal for government to secure some financial resources.\n\n\n\n"
           "4)\xa0Residence Registration Number as a national identification system is also a critical "
           "infrastructure. Without unique identification numbers, integrating different databases is almost "
           "impossible. To build a seamless and integrated E-Government system, the government should develop "
           "unique identification numbers and use them as a linchpin for the integration.\n\n"
           "The Korean government has been dedicated to its future E-Government.")


def lessons(start, end, cid):
    return Chunk(chunk_id=cid, doc_id="lessons", path="001.txt", title="Lessons Learned",
                 text=LESSONS[start:end], start=start, end=end, page_start=None, page_end=None)


def chosen_in(hits, *starts):
    return [c for c in candidates(hits) if c.text.startswith(starts)]


def test_a_sentence_inside_a_numbered_lesson_is_quoted_with_the_lesson_it_belongs_to():
    from qa.answer import extend_to_item_start
    whole = [Hit(chunk=lessons(0, len(LESSONS), "w"), score=1.0)]
    quotes = merge_adjacent(extend_to_item_start(chosen_in(whole, "Without unique", "To build"), whole), whole)
    assert len(quotes) == 1 and quotes[0].text.startswith("4)\xa0Residence Registration Number")
    assert quotes[0].text.endswith("linchpin for the integration.")
    # the lesson opens in the chunk before: the two are joined, and the citation shows both
    cut = LESSONS.index("Without unique")
    first, second = lessons(0, cut - 1, "a"), lessons(cut, len(LESSONS), "b")
    hits = [Hit(chunk=second, score=1.0)]
    quotes = merge_adjacent(extend_to_item_start(chosen_in(hits, "Without unique", "To build"), hits,
                                                 preceding=lambda ch: first if ch.chunk_id == "b" else None), hits)
    assert len(quotes) == 1 and quotes[0].text.startswith("4)\xa0Residence") and len(hits) == 2
    assert hits[quotes[0].hit_rank].chunk.text[quotes[0].start:quotes[0].end] == quotes[0].text  # verbatim


def test_a_sentence_further_into_a_lesson_gets_the_lesson_s_opening_alone_before_it():
    from qa.answer import extend_to_item_start
    whole = [Hit(chunk=lessons(0, len(LESSONS), "w"), score=1.0)]
    quotes = merge_adjacent(extend_to_item_start(chosen_in(whole, "To build"), whole), whole)
    assert [q.text[:30] for q in quotes] == ["4)\xa0Residence Registration Numb", "To build a seamless and integr"]
    assert quotes[0].text.endswith("critical infrastructure.")  # the sentence between stays out
    assert not any("Without unique" in q.text for q in quotes)


def test_no_lesson_is_borrowed_across_a_paragraph_or_from_a_number_inside_a_line():
    from qa.answer import extend_to_item_start
    whole = [Hit(chunk=lessons(0, len(LESSONS), "w"), score=1.0)]
    after = chosen_in(whole, "The Korean government")  # a paragraph of its own after the lessons
    assert extend_to_item_start(after, whole) == after
    text = "The fund grew from 1996. 2) Later stages moved to the annual budget. Agencies then shared one data centre."
    c = Chunk(chunk_id="x", doc_id="x", path="x.txt", title="X", text=text, start=0, end=len(text),
              page_start=None, page_end=None)
    hits = [Hit(chunk=c, score=1.0)]
    agencies = chosen_in(hits, "Agencies")
    assert extend_to_item_start(agencies, hits) == agencies


# the EU eGovernment Benchmark method paper (2023), p. 9-10 as pypdf gives it: the list of the four
# dimensions runs over a page break, with the page's footnotes between its items and a caption after
BENCHMARK = ("The eGovernment Benchmark is a means for evaluating performances and promoting the digitalisation "
             "of EU countries.5 The progress in these areas is measured via four key dimensions, which comprise "
             "multiple underlying indicators: \n1. User centricity \no Online availability \no Mobile friendliness "
             "\no User support6 \n2. Transparency \no Transparency of service delivery \n3. Key enablers \no eID "
             "\no eDocuments \n \n \n5 The study monitors and compares performance from a policy perspective. "
             "However, please note that the study does not \nreview the legal implementation or formal compliance "
             "status of related legislation, such as the General Data Protection \nRegulation. \n"
             "6 Renamed, but same questions as the 2019 Usability indicator. \n7 Renamed, but same questions as "
             "the 2019 Cross-border usability indicator. \no Authentic sources \no Digital post \n"
             "4. Cross-border services \no Cross-border online availability  \no Cross-border user support7 \n"
             "Figure 2.1: eGovernment Benchmark framework \nThe framework is shown below.")


def test_a_list_steps_over_the_footnotes_a_page_break_put_inside_it_and_ends_at_a_caption():
    c = Chunk(chunk_id="b", doc_id="b", path="benchmark.pdf", title="eGovernment Benchmark", text=BENCHMARK,
              start=0, end=len(BENCHMARK), page_start=9, page_end=10)
    hits = [Hit(chunk=c, score=1.0)]
    intro = next(x for x in candidates(hits) if "four key dimensions" in x.text)
    quoted = "\n".join(q.text for q in extend_list_intros([intro], hits))
    for item in ("1. User centricity", "2. Transparency", "3. Key enablers", "o Authentic sources",
                 "4. Cross-border services", "o Cross-border user support7"):
        assert item in quoted
    assert "Renamed" not in quoted and "policy perspective" not in quoted  # the footnotes are not quoted
    assert "Figure 2.1" not in quoted and "shown below" not in quoted


# real report lines: footnotes, and numbered lines that are not
@pytest.mark.parametrize("line, above, is_note", [
    ("6 Renamed, but same questions as the 2019 Usability indicator.", "o Mobile friendliness \no User support6", True),
    ("5 The study monitors and compares performance from a policy perspective.",
     "promoting the digitalisation of EU countries.5 The progress", True),
    ("9 Rankwatch Mobile friendly check, available at: https://www.rankwatch.com",
     "mobile friendliness was assessed with an automated tool.9", True),
    ("1 Availability of a National Digital Government Strategy \n(NDGS)",  # a row of Table B.1 (OECD DGI 2023)
     "government maturity.  \nTable B.1. Dimensions", False),
    ("2 Transparency", "the four dimensions of the benchmark", False),
])
def test_a_footnote_is_known_by_its_marker_above(line, above, is_note):
    from qa.answer import _footnote
    assert _footnote(line, above) is is_note


# real report sentences: what states something, and what only heads, lists or asks
@pytest.mark.parametrize("piece, statement", [
    ("Mystery Shoppers act as prospective users and follow a detailed, objective evaluation checklist.", True),
    ("Governments that had invested in sound digital governance, policy levers and skills, were better prepared "
     "to leverage digital technologies", True),
    ("* Existe-t-il une feuille de route de mise en œuvre claire ?", False),  # the GovStack guide's checklist
    ("Is there a clear implementation roadmap with milestones and responsibilities?", False),
    ("How can the differences between these countries be understood and explained?", False),
    ("OURdata Index: Overall Ranking, 2017", False),
    # the seed's web page: its title and the site's menu in Korean, which has no capitals to count
    ("UNPOG : Study on Proliferation of Korea's e-Government System to International Community 페이스북 트위터 "
     "유튜브 블로그 RSS", False),
    # a Korean sentence naming acronyms is still a statement
    ("표준프레임워크 실행환경은 아파치 2.0 라이선스를 준수하며 OECD EU 기준에 따라 변경은 허용되지 않습니다.", True),
])
def test_a_statement_is_a_sentence_that_says_something(piece, statement):
    from qa.answer import _is_statement
    assert _is_statement(piece) is statement


@pytest.mark.parametrize("pages, labels, quote, label", [
    ([12], None, "The index ranges from 0 to 1.", "[2] Report — page 12"),
    ([12], ["x"], "The index ranges from 0 to 1.", "[2] Report — page 12 (printed x)"),
    ([12, 13], ["10", "11"], "The index ranges from 0 to 1.", "[2] Report — pages 12-13 (printed 10)"),
    ([12, 13], ["12", "13"], "The index ranges from 0 to 1.", "[2] Report — pages 12-13"),
    # a web page or Markdown file has no pages: the quote's opening tells its sources apart
    (None, None, "4) Residence Registration Number as a national identification system is also critical.",
     "[2] Report — “4) Residence Registration Number as a national identification…”"),
    (None, None, "Political leadership is imperative.", "[2] Report — “Political leadership is imperative.”"),
])
def test_a_source_is_labelled_by_its_page_or_the_opening_of_its_quote(pages, labels, quote, label):
    from qa.display import source_label
    from qa.types import Citation
    c = Citation(n=2, path="r.md", title="Report", pages=pages, quote=quote, chunk_id="c", page_labels=labels)
    assert source_label(c) == label


def test_a_label_cut_after_a_full_stop_reads_as_one_ellipsis():
    from qa.display import source_label
    from qa.types import Citation
    c = Citation(n=2, path="r.txt", title="Lessons Learned", pages=None, chunk_id="c",
                 quote="The integration of different systems requires inter-agency collaboration. Inter-agency tension")
    assert source_label(c) == "[2] Lessons Learned — “The integration of different systems requires inter-agency collaboration…”"


@pytest.mark.parametrize("question, folded", [
    ("And how was it funded?", True),
    ("What about training?", True),
    ("Why?", True),
    ("Tell me more", True),  # answered before from a byline: "* Professor of Administration, …"
    ("Can you elaborate?", True),
    ("Anything else?", True),
    ("Give an example", True),
    ("Dis-m'en plus", True),
    ("Cuéntame más", True),
    ("Which agency ran the Government Information Locator Service?", False),  # a question of its own
    ("Explain the role of the Informatization Promotion Fund in the 1990s projects", False),
    ("What did Estonia build with X-Road and how is it governed?", False),
])
def test_a_dependent_follow_up_takes_the_previous_question_in(question, folded):
    from qa.query import resolve_follow_up
    previous = "How did Korea fund its early e-Government projects?"
    resolved = resolve_follow_up(question, [previous])
    assert (resolved != question) is folded and (not folded or resolved.startswith(previous.rstrip("?")))
    assert resolve_follow_up(question, []) == question  # nothing to fold in
