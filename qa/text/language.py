"""The language of a question or a passage, by lingua's statistical detector (its n-gram models
ship inside the wheel: nothing to download).

High-accuracy mode, asked where the fast mode is not sure a question is English: on short
questions ("X-Road in Estonia", "GovTech Maturity Index 2022") the fast mode alone says Welsh or
Slovak. The candidate languages are the ones our users ask in
and multilingual-e5 reads (both must know a language), which also keeps the models in memory
to ~0.4 GB (all 75 languages: 1.1 GB). A text it cannot tell apart is taken as English, the
language of the reports: "What is KONEPS?" has no language of its own.
"""
from __future__ import annotations

import re
from functools import lru_cache

# lingua's names; every one is among the ~100 languages of XLM-R, hence of multilingual-e5
CANDIDATES = ("ENGLISH FRENCH SPANISH PORTUGUESE GERMAN ITALIAN DUTCH INDONESIAN MALAY VIETNAMESE TAGALOG SWAHILI "
              "TURKISH POLISH ROMANIAN RUSSIAN UKRAINIAN ARABIC PERSIAN URDU HINDI BENGALI THAI CHINESE JAPANESE "
              "KOREAN AZERBAIJANI KAZAKH MONGOLIAN SOMALI YORUBA").split()
MIN_RELATIVE_DISTANCE = 0.1  # below it two languages are too close to call: English

_NAMES = {"en": "English", "fr": "French", "es": "Spanish", "pt": "Portuguese", "de": "German", "it": "Italian",
          "nl": "Dutch", "id": "Indonesian", "ms": "Malay", "vi": "Vietnamese", "tl": "Tagalog", "sw": "Swahili",
          "tr": "Turkish", "pl": "Polish", "ro": "Romanian", "ru": "Russian", "uk": "Ukrainian", "ar": "Arabic",
          "fa": "Persian", "ur": "Urdu", "hi": "Hindi", "bn": "Bengali", "th": "Thai", "zh": "Chinese",
          "ja": "Japanese", "ko": "Korean", "az": "Azerbaijani", "kk": "Kazakh", "mn": "Mongolian", "so": "Somali",
          "yo": "Yoruba"}


@lru_cache(maxsize=2)
def _detector(low_accuracy: bool = False):
    from lingua import Language, LanguageDetectorBuilder
    builder = (LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in CANDIDATES))
               .with_minimum_relative_distance(MIN_RELATIVE_DISTANCE))
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()


def _told(text: str, low_accuracy: bool) -> str | None:
    """`text`'s language; None when it has no letters or two languages are too close to call."""
    if not re.search(r"[^\W\d_]", text or ""):
        return None
    lang = _detector(low_accuracy).detect_language_of(text)
    return lang.iso_code_639_1.name.lower() if lang is not None else None


def _language(text: str, low_accuracy: bool) -> str:
    return _told(text, low_accuracy) or "en"


# The low-accuracy mode's confidence in English above which the high-accuracy mode is not asked:
# it then agreed with it on all 180 of our questions (129 of the 137 English ones are decided so)
# and on 60 short ones written for the check in 18 languages ("Budget du projet G4C ?": low says
# English at 0.72, high French). The high-accuracy models then load only for another language:
# `qa ask` in English starts ~1.7 s sooner, and an English question takes 0.17 ms, not 0.65.
SURE_ENGLISH = 0.9


# What a question quotes or names in the reports' words is not its language: a quoted term, a
# CamelCase name, an acronym ("¿Qué es un «Parallel Gateway» según el glosario de GovStack?" was
# taken for English, and answered in it), and a capitalised word after the first: a place alone
# decides a short question's language ("How did Tanzania digitise?" was taken for Swahili, "Núi
# Kilimanjaro cao bao nhiêu?" too, and written in it)
_NAMED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|\b\w*[a-z]\w*[A-Z]\w*\b|\b[A-Z][A-Z0-9]+(?:-\w+)?\b|"
                    r"(?<=\s)[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")  # or a run of them: "Digital Government Index"
OWN_LETTERS = 6  # fewer letters of a question's own words than this: all of it is judged
OPEN_LANGUAGES = 3  # where its own words are too close to call, the languages they leave open


def without_names(text: str) -> str:
    """`text` without what it quotes or names (_NAMED), where enough letters remain to tell."""
    rest = _NAMED.sub(" ", text)
    return rest if len(re.findall(r"[^\W\d_]", rest)) >= OWN_LETTERS else text


@lru_cache(maxsize=4096)
def detect(text: str) -> str:
    """ISO 639-1 code of `text`'s language ('en', 'fr', 'ko', …); 'en' when it cannot tell. Judged
    on its own words, without what it quotes or names in the reports' words (without_names); where
    those are too close to call ("Apa tujuan utama makalah … tentang … 2017?": Malay or
    Indonesian), all of it decides among the languages they leave open, so that a name cannot
    bring in a language of its own ("How tall is Kilimanjaro?": English, not Swahili)."""
    text = (text or "")[:1000]
    own = without_names(text)
    quick = _detector(low_accuracy=True).compute_language_confidence_values(own)  # no letters: 0, not sure
    if quick and quick[0].language.iso_code_639_1.name == "EN" and quick[0].value >= SURE_ENGLISH:
        return "en"
    told = _told(own, low_accuracy=False)
    if told or own == text:
        return told or "en"
    left_open = [c.language.iso_code_639_1.name.lower()
                 for c in _detector(low_accuracy=False).compute_language_confidence_values(own)[:OPEN_LANGUAGES]]
    told = _told(text, low_accuracy=False)
    return told if told in left_open else "en"


def of_passage(text: str) -> str:
    """The language of a passage, from its beginning (600 characters: as sure as the whole, ~1 ms).
    Low-accuracy mode: it loads in 0.25 s instead of 3.4 (a build of four files paid that twice,
    once per reading process) and, on passages this long, agrees with the high-accuracy mode on
    98.6% of the 4,119 chunks of the reports; the rest are lists of links and tables of contents."""
    return _language((text or "")[:600], low_accuracy=True)


def name(code: str) -> str:
    """The English name of a language code, for prompts and messages ("fr" → "French")."""
    return _NAMES.get(code, code)


def warm() -> None:
    """Load the English and French models now (~2 s), so no question pays for it."""
    detect("How were the projects of the government funded?")
    detect("Comment les projets du gouvernement ont-ils été financés ?")
