"""The real models on the seed corpus: the product's promises, checked end to end."""
import json
import re

import pytest

from tests.conftest import ROOT

DOCS = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "corpus").iterdir()}


def _flat(s):
    return re.sub(r"\s+", " ", s).strip()


def test_funding_question_cites_the_fund_verbatim(seed_assistant):
    d = seed_assistant.ask("How were Korea's e-Government projects funded?").to_dict()
    assert not d["refused"]
    assert "Informatization Promotion Fund" in d["answer"]
    assert any(c["doc"] == "002_e58447c9ee9a54cf.txt" and "Informatization Promotion Fund" in c["quote"]
               for c in d["citations"])
    for c in d["citations"]:
        assert _flat(c["quote"]) in _flat(DOCS[c["doc"]])  # verbatim
        assert f"[{c['n']}]" in d["answer"]
    # every sentence of the answer carries a citation
    for sentence in re.split(r"(?<=\])\s+", d["answer"].strip()):
        assert re.search(r"\[\d+\]$", sentence)


def test_contract_shape(seed_assistant):
    d = json.loads(json.dumps(seed_assistant.ask("What lessons can other countries learn?").to_dict()))
    assert set(d) >= {"question", "answer", "refused", "citations", "passages", "timings_ms"}
    assert isinstance(d["refused"], bool) and isinstance(d["answer"], str)
    for c in d["citations"]:
        assert set(c) >= {"n", "doc", "title", "pages", "quote", "chunk_id"}
    for p in d["passages"]:
        assert set(p) >= {"doc", "title", "pages", "text", "score", "chunk_id"}
        assert isinstance(p["score"], float)
    assert [c["n"] for c in d["citations"]] == list(range(1, len(d["citations"]) + 1))
    assert set(d["timings_ms"]) == {"retrieve", "answer", "total"}


def test_passages_show_each_ranked_chunk_with_a_neighbour_once(seed_assistant):
    ans = seed_assistant.ask("What lessons should we take from Korea's inter-agency conflicts?")
    listed = ans.to_dict()["passages"]
    assert listed and len(listed) == len(ans.passages) <= seed_assistant.settings.passages_returned
    widened = 0
    for h in ans.hits:
        shown = h.shown
        assert shown.doc_id == h.chunk.doc_id and shown.start <= h.chunk.start and h.chunk.end <= shown.end
        assert _flat(h.chunk.text) in _flat(shown.text)
        assert _flat(shown.text) in _flat(DOCS[shown.path])  # a span of the document
        widened += shown.end - shown.start > h.chunk.end - h.chunk.start
    assert widened  # the seed documents are many chunks long: passages are wider than chunks
    spans = [(h.shown.doc_id, h.shown.start, h.shown.end) for h in ans.passages]
    for h in ans.hits:  # each ranked chunk is listed once, in the passage the app shows for its citations
        c = h.chunk
        assert [(d, s, e) for d, s, e in spans if d == c.doc_id and s <= c.start and c.end <= e] == \
            [(h.shown.doc_id, h.shown.start, h.shown.end)]


def test_passages_are_listed_by_their_own_score_and_answers_draw_on_the_best_chunks(seed_assistant):
    ans = seed_assistant.ask("How did Korea prepare civil servants to use new systems?")
    scores = [p["score"] for p in ans.to_dict()["passages"]]
    assert scores == sorted(scores, reverse=True)
    assert all(h.passage_score >= h.score - 1e-6 for h in ans.passages)  # the best of its chunks, and more

    def place(hits):  # where the passage on training is listed
        return next(i for i, h in enumerate(hits) if "Training programs need to be prepared" in _flat(h.shown.text))
    # its chunk alone ranks third; with its neighbour it covers more of the question and rises
    assert place(ans.passages) < place([h for h in ans.hits if not h.covered])
    top_k = seed_assistant.settings.top_k
    best_chunks = [h.chunk.chunk_id for h in sorted(ans.hits, key=lambda h: -h.score)[:top_k]]
    assert {c.chunk_id for c in ans.citations} <= set(best_chunks)


@pytest.mark.parametrize("q", ["How do I bake sourdough bread?", "What is the population of Vietnam?",
                               "Who won the 2018 football World Cup?"])
def test_off_topic_questions_are_refused_with_what_was_found(seed_assistant, q):
    d = seed_assistant.ask(q).to_dict()
    assert d["refused"] and d["citations"] == []
    assert "not found" in d["answer"].lower()
    assert d["passages"]  # the nearest passages are still shown


@pytest.mark.parametrize("q", ["?", "🙂🙂", "¿ … !"])
def test_a_question_without_words_is_refused_saying_so(seed_assistant, q):
    d = seed_assistant.ask(q).to_dict()  # answered before from a byline: "* Professor of Administration, …"
    assert d["refused"] and d["citations"] == [] and d["refusal_reason"] == "The question has no words to look for."
    assert not seed_assistant.ask("2009?").refusal_reason.startswith("The question has no words")  # a number is a word


def test_an_everyday_question_that_shares_only_common_words_is_refused_as_unrelated(seed_assistant):
    import dataclasses
    from qa.assistant import Assistant
    q = "How do vaccines train the immune system?"  # "train" finds "sufficient training opportunities"
    d = seed_assistant.ask(q)
    assert d.refused and "about what the question asks" in d.refusal_reason
    assert d.meaning < seed_assistant.policy.refuse_unrelated_below
    # without the meaning floor the same question was answered from the training lesson
    policy = dataclasses.replace(seed_assistant.policy, refuse_unrelated_below=0.0)
    unfloored = Assistant(seed_assistant.index, dataclasses.replace(seed_assistant.settings, policy=policy))
    assert not unfloored.ask(q).refused
    # a question on the reports' subject in the same words is answered, its meaning above the floor
    ok = seed_assistant.ask("How did Korea train its civil servants to use the new systems?")
    assert not ok.refused and ok.meaning >= seed_assistant.policy.refuse_unrelated_below


def test_a_sentence_that_says_what_is_asked_is_looked_at_closely_before_refusing(seed_assistant):
    import dataclasses
    from qa.assistant import Assistant
    # one bullet in a long passage on Korea's networks says it; scored by its passage's meaning
    # it was too weak (0.12) and the question was refused
    q = "What system was supposed to link 21 data networks?"
    d = seed_assistant.ask(q)
    assert not d.refused and "Comprehensive Information System" in d.text, d.text
    policy = dataclasses.replace(seed_assistant.policy, closer_look_below=0.0)
    quick = Assistant(seed_assistant.index, dataclasses.replace(seed_assistant.settings, policy=policy))
    assert quick.ask(q).refused
    # looked at closely, what the seed reports do not say stays refused
    assert seed_assistant.ask("Which private company built Korea's government intranet?").refused
    # and a sentence not about what is asked gains nothing by the closer look; the bullet does
    a = seed_assistant
    for question, gains in (("How do vaccines train the immune system?", False), (q, True)):
        query = a.retriever.prepare(question, None, None)
        hits = a.retriever.search(query, a.settings.top_k)
        first = {(c.hit_rank, c.start): c.score for c in a.score_sentences(query, hits)}
        looked = a.look_closer(query, hits, a.score_sentences(query, hits))
        raised = [c.text for c in looked if c.score > first[(c.hit_rank, c.start)] + 1e-9]
        assert bool(raised) is gains, (question, raised)
        if gains:
            assert any("Comprehensive Information System" in t for t in raised)


def test_follow_up_uses_the_previous_turn(seed_assistant):
    alone = seed_assistant.ask("And how was it funded?")
    follow = seed_assistant.ask("And how was it funded?", history=["What drove Korea's e-Government success?"])
    assert "Korea" in follow.resolved_question
    assert "Informatization Promotion Fund" in follow.text
    assert follow.to_dict()["citations"]


def test_briefing_has_questions_answers_citations_and_bibliography(seed_assistant):
    from qa.briefing import briefing_markdown
    a1 = seed_assistant.ask("How were Korea's e-Government projects funded?")
    a2 = seed_assistant.ask("How do I bake sourdough bread?")
    md = briefing_markdown([a1, a2], "seed")
    assert "## 1. How were Korea's e-Government projects funded?" in md
    assert "Informatization Promotion Fund" in md and "[1] *" in md
    assert "## 2. How do I bake sourdough bread?" in md and "Not found in the reports" in md
    assert "## Sources" in md and "E-Government of Korea" in md.split("## Sources")[1]


def test_a_spanish_question_finds_the_english_lesson(seed_assistant):
    d = seed_assistant.ask("¿Qué lecciones dejó Corea sobre los conflictos entre agencias?").to_dict()
    assert not d["refused"]
    assert "inter-agency conflicts" in d["answer"]
    assert all(c["doc"] == "001_96dfe9ff32e5a962.txt" for c in d["citations"][:1])


@pytest.mark.parametrize("question, country", [
    ("Сколько сотрудников работает в министерстве цифрового развития Казахстана?", "Казахстан"),
    ("新加坡的电子政务是如何起步的？", "新加坡"),
    ("¿Cómo financió Vietnam su gobierno electrónico?", "Vietnam"),
])
def test_a_question_about_another_country_in_any_language_is_refused_naming_it(seed_assistant, question, country):
    d = seed_assistant.ask(question).to_dict()
    assert d["refused"] and country in d["refusal_reason"]


def test_a_chinese_question_about_korea_is_answered_from_the_english_reports(seed_assistant):
    d = seed_assistant.ask("韩国在1987年的IT发展水平是美国和英国的几分之一？").to_dict()
    assert not d["refused"]
    assert "1987" in d["answer"] and "USA" in d["answer"]
