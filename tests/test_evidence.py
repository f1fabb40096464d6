"""Near-miss checks: what a question hinges on must be in the evidence."""
import pytest

from qa.evidence import answer_kind, has_answer_kind, key_terms, missing_together, numbers
from qa.types import Chunk


def chunk(text, title="Report", path="reports/oecd-2023-digital-government-index.pdf"):
    return Chunk(chunk_id=text[:8], doc_id="d", path=path, title=title, text=text, start=0, end=len(text),
                 page_start=1, page_end=1)


def test_key_terms_are_names_and_numbers_not_acronyms_or_the_first_word():
    assert key_terms("What score did Singapore obtain in the 2023 OECD Digital Government Index?") == \
        ["Singapore", "2023", "Digital Government Index"]
    assert "4.0" in key_terms("When was version 4.0 of Korea's eGovFrame released?")
    assert numbers("¿Qué porcentaje en 2019 y 15%?") == ["2019", "15%"]
    # a follow-up folded onto the question before it starts a question of its own: "Tell" and
    # "Who" were names no passage mentions, and "Tell me more" was refused
    from qa.query import resolve_follow_up
    folded = resolve_follow_up("Tell me more", ["How did Korea fund its projects — Who managed it"])
    assert key_terms(folded) == ["Korea"]


def test_names_must_meet_in_one_passage():
    gtmi = chunk("The GovTech Maturity Index (GTMI) measures four focus areas of government digital transformation.")
    korea = chunk("Korea ranked first in the Digital Government Index with a score of 0.742.")
    terms = key_terms("What was Korea's score in the World Bank GovTech Maturity Index?")
    assert missing_together(terms, [gtmi, korea]) == ["World Bank GovTech Maturity Index"]  # each names one
    both = chunk("In the GovTech Maturity Index, Korea was among the leaders of the World Bank's ranking.")
    assert missing_together(terms, [gtmi, both]) == []


@pytest.mark.parametrize("passage, held", [
    ("Korea's IT development status, which lay somewhere between 1/5 ~ 1/8 the level of such advanced "
     "nations as the USA and the UK in 1987, has achieved accelerated growth.", True),  # sg-01
    ("The 1st Office Automation Project computerized several statistics (1978-1982).", True),
    ("In the '80s the government began to computerise its registers.", True),
    ("Since 2007, Korea has been recognized as the world's leading IT nation.", False),
    ("The budget reached 1980 billion won.", True),  # a year of the decade, as far as digits tell
    ("Some 19800 users signed up.", False),
])
def test_a_decade_is_answered_by_any_year_of_it(passage, held):
    terms = key_terms("How far behind the USA and the UK was Korea's IT development in the late 1980s?")
    assert "1980s" in terms and numbers("Que s'est-il passé dans les années 1980s ?") == ["1980s"]
    assert (missing_together(["1980s"], [chunk(passage)]) == []) is held


def test_numbers_match_exactly_and_years_match_their_short_form():
    assert missing_together(["4.0"], [chunk("eGovFrame 3.0 and 2.0 were released.")]) == ["4.0"]
    assert missing_together(["2008"], [chunk("1단계(‘08) 125종 개발")]) == []
    # a comparison needs both years somewhere, not in one passage
    a, b = chunk("The 2023 results cannot be compared directly."), chunk("The 2019 pilot edition ranked Korea first.")
    assert missing_together(["2023", "2019"], [a, b]) == []


def test_a_name_of_several_words_may_be_written_by_its_initials():
    terms = key_terms("Which digital skills should departments of the United Kingdom have in-house?")
    assert terms == ["United Kingdom"]
    uk = chunk("UK government departments need specialist digital skills in service design and analytics.")
    assert missing_together(terms, [uk]) == []
    assert missing_together(terms, [chunk("Departments need specialist digital skills in service design.")]) == \
        ["United Kingdom"]
    assert key_terms("What did the French GovStack guide say about Mexico?") == ["French", "GovStack", "Mexico"]


def test_the_file_name_counts_as_context():
    c = chunk("The methodology regarding the reengineering of public services", title="Methodology",
              path="reports/moldova-public-service-reengineering.pdf")
    assert missing_together(["Moldova's"], [c]) == []


# real report lines: a key term whose stem is not the start of the word the passage writes
@pytest.mark.parametrize("term, text, missing", [
    ("Moving", "- For the life events of Family, Transport and Moving (with a strong local focus):", []),
    ("Studying", "Business start-up, Career, Studying, Regular business operations, Health", []),
    ("Studying", "Business start-up, Career, Regular business operations, Health", ["Studying"]),
    ("Moving", "Shifting transactional service delivery to digital channels", ["Moving"]),
])
def test_a_name_is_found_whatever_its_stem_does_to_the_word(term, text, missing):
    assert missing_together([term], [chunk(text)]) == missing


def test_answer_kind_asked_for():
    assert answer_kind("When was version 4.0 released?") == "year"
    assert answer_kind("When is a service considered mobile friendly?") is None  # a condition, not a time
    assert answer_kind("What did it computerise, and when?") == "year"
    assert answer_kind("How much did Estonia spend to build X-Road?") == "money"
    assert answer_kind("What budget did Rwanda allocate?") == "money"
    assert answer_kind("How many OECD countries took part?").split(":")[1].split("|")[0] == "countri"  # countries
    kind = answer_kind("How many maturity levels do the IATs define?")  # the counted noun comes last
    assert has_answer_kind(kind, "IATs define five (or four for GIQAT) levels of interoperability maturity")
    assert answer_kind("What share of countries measure user satisfaction?") == "number"
    assert answer_kind("¿Cuándo se creó el fondo?") == "year" and answer_kind("언제 출시되었나요?") == "year"
    assert answer_kind("What does assisted digital mean?") is None
    assert has_answer_kind("money", "savings of £1.7 billion a year")
    assert not has_answer_kind("money", "X-Road has been an immense success for Estonia since 2001")
    assert has_answer_kind("year", "tax declaration over the internet in 2000")
    assert not has_answer_kind("year", "Identify a digital product that meets the needs of Djibouti")
    assert has_answer_kind("number:countri", "data from 29 OECD countries and 4 partner countries")
    assert not has_answer_kind("number:hour", "Service Managers will be trained from summer 2013")


@pytest.mark.parametrize("kind, sentence, holds", [
    ("year", "tax declaration over the internet in 2000", True),
    # a year written into a Korean or Chinese word (bench/wiki7): "언제" questions were refused
    ("year", "도나우강 보호 국제위원회는 유역을 관리하고 오염을 줄이기 위해 1998년에 설립되었다.", True),
    ("year", "1903년 그녀는 방사선 연구로 남편 피에르 퀴리, 앙리 베크렐과 함께 노벨 물리학상을 공동 수상했다.", True),
    ("year", "多瑙河保护国际委员会于1998年成立。", True),
    ("year", "the 1990s saw the first networks", True),
    # digits that are no year
    ("year", "Regulation 12019 of the ministry", False),
    ("year", "ISO2000 compliant forms", False),
    ("year", "약 2850킬로미터를 흘러 흑해로 들어간다", False),
    # a year alone is no count or share ("What share of countries have used AI …, according to the 2023 DGI?", x28)
    ("number", "66% of countries have used AI to enhance internal processes", True),
    ("number", "33 member countries, 4 accession countries and 1 partner country participated in the 2023 edition", True),
    ("number", "In addition, the 2023 DGI Survey included questions on emerging policy areas", False),
    ("number", "Korea topped the UN index in 2010.", False),
    ("number", "about half of the services", True),
    ("number", "2,023 services were online", True),
])
def test_a_year_is_found_whatever_follows_it_and_is_no_count(kind, sentence, holds):
    assert has_answer_kind(kind, sentence) is holds


@pytest.mark.parametrize("question, sentence, holds", [
    # a share is a count: "how many services" is answered by "half of the services" (OECD DGI 2019)
    ("How many services do identity systems give access to?",
     "only 58% of the countries have half of the services accessible through these systems", True),
    ("How many agencies joined the platform?", "all agencies joined the platform by 2020", True),
    # the count must be of the thing asked about
    ("How many services do identity systems give access to?",
     "85% of countries possess single identity systems for their citizens", False),
])
def test_a_share_of_the_counted_thing_answers_how_many(question, sentence, holds):
    assert has_answer_kind(answer_kind(question), sentence) is holds


# real report sentences: a question names a country as people say it, the report as ISO 3166 writes it
@pytest.mark.parametrize("question, text, missing", [
    ("How did South Korea fund its early e-Government projects?",
     "The e-Government of Korea is cited as a major success case in numerous international economic indexes", []),
    ("What is in South Korea's action plan?", "Republic of Korea Korea's Action Plan for Electronic Government", []),
    ("Was the Czech Republic among the top ten performers?",
     "The top ten performers in this dimension are Korea, Denmark, France, Colombia, Canada, the United "
     "Kingdom, Spain, Czechia, Latvia, and Estonia", []),
    ("Who approved the Republic of Moldova's methodology?",
     "598-A (10 Aug 2020) of the Secretary General of the Government of Moldova.", []),
    ("How did South Africa fund its e-Government projects?",
     "The e-Government of Korea is cited as a major success case in numerous international economic indexes",
     ["South Africa"]),
    ("Was the Slovak Republic among the top ten performers?",
     "The top ten performers in this dimension are Korea, Denmark, France, Colombia, Canada, the United "
     "Kingdom, Spain, Czechia, Latvia, and Estonia", ["Slovak Republic"]),
])
def test_a_country_is_found_by_any_of_its_names(question, text, missing):
    assert missing_together(key_terms(question), [chunk(text, path="corpus/report.txt")]) == missing


FUNDING = "The e-Government of Korea is cited as a major success case in numerous international economic indexes"


# which Korea a bare "Korea" means is told by the full names the reports use
@pytest.mark.parametrize("reports_also_say, south, north", [
    ("13.Republic of Korea", [], ["North Korea"]),  # the seed corpus: "Korea" is South Korea
    ("Korea's IT development status", [], []),  # no full name anywhere: either may be meant
    ("talks with the Democratic People's Republic of Korea", ["South Korea"], []),
])
def test_the_reports_own_full_names_tell_which_korea_they_mean(reports_also_say, south, north):
    from qa.text.countries import ShortNames
    meant = ShortNames(lambda: [FUNDING, reports_also_say])
    passages = [chunk(FUNDING, path="corpus/report.txt")]
    assert missing_together(key_terms("How did South Korea fund e-Government?"), passages, meant) == south
    assert missing_together(key_terms("How did North Korea fund e-Government?"), passages, meant) == north


def test_the_government_of_e_government_is_no_name():
    assert key_terms("How did North Korea fund its early e-Government projects?") == ["North Korea"]
    assert key_terms("When did Estonia launch X-Road?") == ["Estonia", "X-Road"]


# questions in other languages name countries in their own words (pycountry's ISO 3166 translations)
@pytest.mark.parametrize("question, lang, named", [
    ("新加坡的智慧国家计划是哪一年启动的？", "zh", ["新加坡"]),
    ("发展中国家如何建设电子政务？", "zh", []),  # the 中国 of 发展中国家 (developing countries) is no China
    ("1987年韩国的信息技术水平与美国和英国相比如何？", "zh", ["韩国", "美国", "英国"]),
    ("其中国家层面的数字政府由谁负责？", "zh", []),
    ("中国的电子政务是如何起步的？", "zh", ["中国"]),
    ("Сколько сотрудников работает в министерстве цифрового развития Казахстана?", "ru", ["Казахстан"]),
    ("Việt Nam đã chi bao nhiêu tiền cho chính phủ điện tử vào năm 2020?", "vi", ["Việt Nam"]),
    ("Wie hoch war das Budget für die digitale Verwaltung Deutschlands im Jahr 2021?", "de", ["Deutschland"]),
    ("싱가포르의 전자정부 예산은 얼마였나요?", "ko", ["싱가포르"]),
    ("Según la Estrategia Digital del Gobierno del Reino Unido, ¿qué porcentaje de adultos está en línea?", "es",
     ["Reino Unido"]),
    ("Estonya'nın yeni nesil dijital devlet mimarisi belgesinin yazarı kimdir?", "tr", ["Estonya"]),
    ("Comment la Corée a-t-elle financé ses projets ?", "fr", []),  # a short form several countries share
    ("Quels sont les niveaux de maturité de l'accès aux e-services ?", "fr", []),
    ("How did Singapore fund e-Government?", "en", []),  # English names are key terms already
])
def test_countries_are_found_in_the_words_of_the_questions_language(question, lang, named):
    from qa.text.countries import named_in
    assert named_in(question, lang) == named


@pytest.mark.parametrize("english, codes", [
    ("Who is the author of the new digital government architecture report in Spain?", {"ES"}),  # ml-11's translation
    ("How did South Korea and Estonia fund e-Government?", {"KR", "EE"}),
    ("How did Korea fund e-Government?", set()),  # a short form two countries share
    ("What does the UK Government Digital Strategy say?", set()),  # initials ISO does not list
    ("How is Spanish spoken in government services?", set()),  # a word that begins like a country
])
def test_the_countries_an_english_translation_names(english, codes):
    from qa.text.countries import named_in_english
    assert named_in_english(english) == codes


@pytest.mark.parametrize("term, text, missing", [
    ("Reino Unido", "82% of the UK population are currently online", []),  # by its English initials
    ("미국", "the level of such advanced nations as the USA and the UK in 1987", []),
    ("Казахстан", "Kazakhstan adopted its Digital Kazakhstan programme in 2017.", []),
    ("新加坡", "新加坡的智慧国家计划于2014年启动。", []),  # a passage in the question's own language
    ("新加坡", "Korea ranked first in the Digital Government Index with a score of 0.742.", ["新加坡"]),
    ("Deutschland", "Korea ranked first in the Digital Government Index with a score of 0.742.", ["Deutschland"]),
])
def test_a_country_named_in_another_language_is_looked_for_under_all_its_names(term, text, missing):
    assert missing_together([term], [chunk(text, path="corpus/report.txt")]) == missing
