import pytest

from qa.lexical import LexicalIndex, tokenize
from qa.text import language
from qa.retrieve import rrf


def test_rrf_on_hand_made_rankings():
    fused = rrf([[1, 2, 3], [3, 1, 4]], k=60)
    scores = dict(fused)
    assert [i for i, _ in fused][:2] == [1, 3]  # 1: ranks 1+2; 3: ranks 3+1
    assert abs(scores[1] - (1 / 61 + 1 / 62)) < 1e-12
    assert abs(scores[4] - 1 / 63) < 1e-12
    assert set(scores) == {1, 2, 3, 4}


def test_rrf_weights_and_constant():
    # with a heavy weight on the second ranking its winner leads
    assert rrf([[1, 2], [2, 1]], k=10, weights=[1.0, 3.0])[0][0] == 2
    # a small k rewards the very top more than a large one
    small = dict(rrf([[1, 2], [2, 3]], k=1))
    large = dict(rrf([[1, 2], [2, 3]], k=1000))
    assert small[1] / small[3] > large[1] / large[3]


def test_korean_tokens_match_across_particles():
    a = set(tokenize("표준프레임워크는 아파치 라이선스를 따른다"))
    b = set(tokenize("표준프레임워크의 라이선스"))
    assert {"표준", "프레", "워크", "라이"} <= a & b


def test_accents_case_and_stems():
    assert tokenize("Maturité des SERVICES") == tokenize("maturite des service")
    assert tokenize("funded")[0] == tokenize("Fund")[0]
    assert "the" not in tokenize("the fund")


def test_bm25_ranks_the_matching_passage_first():
    idx = LexicalIndex.build(["Korea financed projects through a promotion fund.",
                              "Estonia built the X-Road data exchange layer.",
                              "표준프레임워크 공통컴포넌트 개발"])
    assert idx.scores("How were projects funded?").argmax() == 0
    assert idx.scores("공통컴포넌트는 무엇인가").argmax() == 2
    assert idx.document_frequency(tokenize("X-Road")[0]) == 1


def test_a_passage_covers_the_question_terms_of_all_its_chunks():
    idx = LexicalIndex.build(["Table 3. Government as a platform: OECD averages by facet.",
                              "Strategic approach 0.61, policy levers 0.55, implementation 0.48.",
                              "Implementation had the lowest OECD average."])
    q = "Which facet of government as a platform has the lowest implementation average?"
    single = idx.coverage(q)
    together = idx.coverage_of_groups(q, [[0], [1], [0, 1], [1, 2], [0, 1, 2]])
    assert together[:2] == pytest.approx(single[:2])  # a group of one is the chunk itself
    assert together[2] > max(single[0], single[1])  # caption and figures together cover more
    assert together[4] == pytest.approx(1.0) and together[2] <= together[4]
    assert idx.coverage_of_groups(q, []).shape == (0,)
    assert idx.coverage_of_groups("blockchain ledgers", [[0, 1, 2]]) == pytest.approx([0.0])  # terms no chunk has


@pytest.mark.parametrize("text, lang", [
    ("How were projects funded?", "en"),
    ("What is KONEPS?", "en"),  # too short to tell: the reports' language
    ("X-Road in Estonia", "en"),  # lingua's fast mode says Welsh
    ("GovTech Maturity Index 2022", "en"),
    ("¿Qué porcentaje de países tenía una organización?", "es"),
    ("Quels sont les niveaux de maturité ?", "fr"),
    ("표준프레임워크는 무엇인가요?", "ko"),
    ("Hàn Quốc đã tài trợ cho các dự án chính phủ điện tử như thế nào?", "vi"),
    ("Wie hat Korea seine E-Government-Projekte finanziert?", "de"),
    ("韩国如何为其电子政务项目提供资金？", "zh"),
    ("Как Корея финансировала проекты электронного правительства?", "ru"),
    ("كيف مولت كوريا مشاريع الحكومة الإلكترونية؟", "ar"),
    ("Como a Coreia financiou os seus projetos de governo eletrónico?", "pt"),
    ("Budget du projet G4C ?", "fr"),  # the fast mode says English, but not surely: the full one is asked
    ("Digital ID adoption rates", "en"),  # the fast mode says French: the full one is asked
    # what a question quotes or names in the reports' English is not its language
    ("¿Qué es un «Parallel Gateway» según el glosario de GovStack?", "es"),
    ("¿Cómo funciona el “Mystery Shopping” del eGovernment Benchmark?", "es"),
    ("«Digital by Default» 원칙이란 무엇인가요?", "ko"),
    ("What does \"assisted digital\" mean?", "en"),
    # its own words too few to tell without the names: all of it decides
    ("Apa tujuan utama makalah OECD tentang OURdata Index 2017?", "id"),
    # nor is a place it names: its own words decide, all of it only among the languages they leave open
    ("How did Tanzania digitise?", "en"),  # taken for Swahili
    ("Who funds Tanzania?", "en"),
    ("Does Moldova use X-Road?", "en"),  # Romanian
    ("How did Jakarta digitise?", "en"),  # Indonesian
    ("Núi Kilimanjaro cao bao nhiêu?", "vi"),  # Swahili
    ("Wie hat Tansania die Verwaltung digitalisiert?", "de"),  # its nouns are capitalised too
    ("Comment le Kenya a-t-il financé la Stratégie ?", "fr"),
])
def test_the_language_of_a_question(text, lang):
    assert language.detect(text) == lang


def test_acronyms_defined_in_the_documents_expand_questions():
    from qa.lexical import acronym_expansion, find_acronyms
    found = find_acronyms(["66% of countries use artificial intelligence (AI) in the public sector.",
                           "The OECD Digital Government Index (DGI) ranks countries.",
                           "See the annex (Table 3) and the World Bank (WB)."])
    assert found["AI"] == ["artificial intelligence"] and found["DGI"] == ["digital government index"]
    assert "Table" not in found  # initials must spell the acronym
    assert acronym_expansion("Who uses artificial intelligence?", found) == "AI"
    assert acronym_expansion("How is the Digital Government Index computed?", found) == "DGI"
    assert acronym_expansion("How is the 2023 DGI computed?", found) == ""  # documents use the acronym
    assert acronym_expansion("Is artificial intelligenceware a thing?", found) == ""  # whole words only


def test_cognates_bridge_spanish_and_french_words_to_english_terms():
    from qa.lexical import cognate_terms
    vocabulary = {t: i for i, t in enumerate(tokenize("financial electronic elected conflicts agencies lessons"))}
    assert cognate_terms("¿Cómo financió Corea sus proyectos electrónicos?", vocabulary) == ["financi", "electron"]
    assert cognate_terms("Quelles leçons tirer des services électroniques des agences ?", vocabulary) == \
        ["electron", "agenc"]
