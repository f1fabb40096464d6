"""Every character class and word list the heuristics use, in one place.

They were written several times over (bullets in three modules, CJK ranges in six) and the
copies drifted; a change here reaches every user. Changing a class that chunking uses
(`BULLETS`, `CJK_LETTERS`) changes how documents are split: bump `Settings.text_layout` with it
(tests/test_chunking_version.py checks).
"""
from __future__ import annotations

import re

# Scripts written without spaces between words (bigrams in BM25) and the sentence starts they allow.
HANGUL = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"
KANA_HAN = "\u3040-\u30ff\u3400-\u9fff"
CJK_LETTERS = HANGUL + KANA_HAN

# List bullets as PDFs and Word files write them (the "o" of Word's second level is added where
# a list item is recognised, not here: it is also a word).
BULLETS = "•·▪◦●○■□➢►"
DASHES = "\\-–*"
# A Markdown table's rule line ("---- | ----", "|:--|--:|"): no words, only where a table's header ends.
TABLE_RULE = re.compile(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?")

NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
QUANTITY_WORDS = ("dozen", "hundred", "thousand", "million", "billion", "half", "third", "quarter", "all", "none",
                  "every")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
# what a numbered caption begins with ("Figure 2.1: …", "Tableau 3", "그림 4"): a list ends there
CAPTION_WORDS = ("figure", "fig.", "table", "chart", "box", "graph", "annex", "tableau", "graphique", "encadré",
                 "gráfico", "cuadro", "tabla", "hình", "bảng", "그림", "표")
CURRENCY_SIGNS = "£€$¥₩"
# Words that scale the number before them, by power of ten ("£1.7bn", "1,8 Milliarden", "17억"): the
# check of written sentences compares amounts, so "1.8 Billionen" (trillions) for £1.8bn is caught.
SCALE_WORDS = {
    "thousand": 3, "million": 6, "millions": 6, "mn": 6, "billion": 9, "billions": 9, "bn": 9, "trillion": 12,
    "tausend": 3, "mio": 6, "millionen": 6, "mrd": 9, "milliarde": 9, "milliarden": 9, "billionen": 12,
    "mille": 3, "milliard": 9, "milliards": 9,
    "mil millones": 9, "millón": 6, "millones": 6, "millardo": 9, "millardos": 9, "billón": 12, "billones": 12,
    "milhão": 6, "milhões": 6, "bilhão": 9, "bilhões": 9, "trilhão": 12, "trilhões": 12,
    "milione": 6, "milioni": 6, "miliardo": 9, "miliardi": 9,
    "тыс": 3, "тысяч": 3, "тысячи": 3, "млн": 6, "миллион": 6, "миллиона": 6, "миллионов": 6,
    "млрд": 9, "миллиард": 9, "миллиарда": 9, "миллиардов": 9, "трлн": 12, "триллион": 12, "триллиона": 12,
    "nghìn tỷ": 12, "nghìn": 3, "ngàn": 3, "triệu": 6, "tỷ": 9, "tỉ": 9,
    "천": 3, "만": 4, "백만": 6, "천만": 7, "억": 8, "십억": 9, "백억": 10, "천억": 11, "조": 12,
    "千": 3, "万": 4, "萬": 4, "百万": 6, "千万": 7, "亿": 8, "億": 8, "十亿": 9, "百亿": 10, "千亿": 11, "万亿": 12,
}
CURRENCY_WORDS = ("million", "billion", "thousand", "euros?", "eur", "usd", "dollars?", "pounds?", "gbp", "won", "krw")

# Function words of the languages whose words BM25 stems; too common to tell passages apart.
STOPWORDS_EN = frozenset("""a an and are as at be been but by can could did do does for from had has have how i if in
into is it its of on or our so such than that the their them then there these they this those to was we were what
when where which who whom why will with would about also any may might must should shall not no yes more most other
some according per via using used use made make based between within without under over after before""".split())
STOPWORDS_FR = frozenset("""le la les un une des du de et est en au aux que qui quoi quel quelle quels quelles dans
pour par sur avec sont ce ces cette il elle ils elles ne pas plus ou se sa son ses leur leurs nous vous on d l qu s c
comment pourquoi selon""".split())
STOPWORDS_ES = frozenset("""el la los las del y es por con para una unos unas al lo como qué cuál cuáles cómo se su
sus más o según que de en un le""".split())
STOPWORDS = STOPWORDS_EN | STOPWORDS_FR | STOPWORDS_ES

# Joining words inside a name or title ("Ministry of the Interior", "Plan de la Nation").
SMALL_WORDS = frozenset({"of", "and", "the", "for", "on", "in", "to", "a", "an", "at", "by", "with", "de", "des",
                         "du", "la", "le", "et", "y"})

# Language names qualify a document more often than its subject ("the French GovStack guide").
LANGUAGE_NAMES = frozenset({"english", "french", "spanish", "korean", "vietnamese", "german", "portuguese",
                            "chinese", "japanese", "russian", "arabic"})
