"""BM25 over chunk text (bm25s), with a tokeniser that works across scripts.

Latin-script words are lower-cased, stripped of accents and Snowball-stemmed; Hangul and
Chinese/Japanese runs, which have no spaces between words and particles, become overlapping
character bigrams ("표준프레임워크" → 표준 준프 프레 …) so a question matches a phrase whatever
particle is attached. Saved with bm25s's plain .npy/.json files (no pickle).
"""
from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from .text.lexicon import CJK_LETTERS, HANGUL, KANA_HAN, SMALL_WORDS, STOPWORDS

_TOKEN = re.compile(rf"[{HANGUL}]+|[{KANA_HAN}]+|[^\W_]+(?:[.,'’][^\W_]+)*")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_CJK = re.compile(f"[{CJK_LETTERS}]")

@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer
    return Stemmer.Stemmer("english")


def _fold(word: str) -> str:
    """Lower case without accents: 'Gouvernement' → 'gouvernement', 'é' → 'e'."""
    word = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in word if not unicodedata.combining(c))


_HYPHENATED = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")


def tokenize(text: str) -> list[str]:
    """Index terms of `text`; the same function serves passages and questions.

    A hyphenated word also yields its parts joined ("re-designed" → re, design, redesign), so
    "redesigned" finds "re-designed" and "eGovernment" finds "e-Government".
    """
    out: list[str] = []
    to_stem: list[int] = []  # positions in `out` holding words to stem, stemmed in one batch
    words = _TOKEN.findall(text)
    if "-" in text:
        words += [m.replace("-", "") for m in _HYPHENATED.findall(text)]
    for tok in words:
        if _CJK.match(tok):
            if len(tok) == 1:
                out.append(tok)
            else:
                out.extend(tok[i:i + 2] for i in range(len(tok) - 1))
            continue
        w = tok.lower() if tok.isascii() else _fold(tok).replace("’", "'")
        if "'" in w:  # "korea's" → "korea"; "d'accès" → "acces"
            head, _, tail = w.partition("'")
            w = tail if len(head) <= 2 else head
        if w in STOPWORDS or not w:
            continue
        if w.isalpha():
            to_stem.append(len(out))
        out.append(w)
    if to_stem:
        stems = _stemmer().stemWords([out[i] for i in to_stem])
        for i, s in zip(to_stem, stems):
            out[i] = s
    return out


def fold_text(text: str) -> str:
    """Lower case, accents removed, for substring tests over whole passages (fast: all C)."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))


_PAREN_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]{1,9})\)")


def find_acronyms(texts) -> dict[str, list[str]]:
    """Acronyms the documents define, "artificial intelligence (AI)" → {"AI": ["artificial
    intelligence"]}: the words just before a parenthesised acronym whose initials spell it."""
    pairs: dict[str, set[str]] = {}
    for text in texts:
        for m in _PAREN_ACRONYM.finditer(text):
            acronym = m.group(1)
            letters = "".join(ch for ch in acronym.removesuffix("s") if ch.isupper())
            if len(letters) < 2:
                continue
            words = re.findall(r"[^\W\d_]+", text[max(0, m.start() - 100):m.start()])
            for k in range(1, min(len(words), 10) + 1):
                span = words[-k:]
                content = [w for w in span if w.lower() not in SMALL_WORDS]
                if content and span[0].lower() not in SMALL_WORDS and \
                        "".join(w[0].upper() for w in content) == letters:
                    pairs.setdefault(acronym, set()).add(" ".join(span).lower())
                    break
    return {a: sorted(v) for a, v in pairs.items()}


def acronym_expansion(question: str, acronyms: dict[str, list[str]]) -> str:
    """The acronyms of what the question spells out: "artificial intelligence" → "AI"; '' when
    none. (Not the other way: a document that defines an acronym goes on to use it, and the long
    form's common words only blur the search — measured on the seed questions.)"""
    low = question.lower()
    words = set(re.findall(r"\w+", low))  # a form matches only where its first word is a word of the question
    return " ".join(a for a, forms in acronyms.items()
                    if any(f.split(" ", 1)[0] in words and re.search(rf"\b{re.escape(f)}\b", low) for f in forms)
                    and not re.search(rf"\b{re.escape(a)}\b", question))


def cognate_terms(question: str, vocabulary, min_len: int = 6, shortest: int = 5) -> list[str]:
    """For each longer word of a question in a Romance language, the longest index term that
    begins it: "financió" → financi (financial), "electrónico" → electron, "conflictos" →
    conflict, "agencias" → agenc. Rough (false friends exist), so callers weigh them low."""
    out: list[str] = []
    for w in re.findall(r"[^\W\d_]+", question):
        w = _fold(w)
        if len(w) < min_len or w in STOPWORDS:
            continue
        for k in range(len(w), shortest - 1, -1):
            if w[:k] in vocabulary:
                out.append(w[:k])
                break
    return list(dict.fromkeys(out))


class LexicalIndex:
    """BM25 scores of every chunk for a question."""

    def __init__(self, bm25):
        self._bm25 = bm25

    @classmethod
    def build(cls, texts: Sequence[str]) -> "LexicalIndex":
        import bm25s
        bm25 = bm25s.BM25()
        corpus = [tokenize(t) or [""] for t in texts]
        bm25.index(corpus, show_progress=False)
        return cls(bm25)

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        import bm25s
        return cls(bm25s.BM25.load(str(folder), show_progress=False, verbosity=0))

    def scores(self, question: str) -> np.ndarray:
        return self.scores_of_terms(tokenize(question))

    def scores_of_terms(self, terms: list[str]) -> np.ndarray:
        n = self._bm25.scores["num_docs"]
        if not terms:
            return np.zeros(n, np.float32)
        return np.asarray(self._bm25.get_scores(terms), np.float32)

    @property
    def vocabulary(self):
        return self._bm25.vocab_dict

    def postings(self, term: str) -> np.ndarray:
        """Ids of the chunks containing `term` (empty when unknown)."""
        idx = self._bm25.vocab_dict.get(term)
        if idx is None:
            return np.zeros(0, np.int64)
        indptr = self._bm25.scores["indptr"]
        return np.asarray(self._bm25.scores["indices"][indptr[idx]:indptr[idx + 1]])

    def idf(self, term: str) -> float:
        """Inverse document frequency, BM25's smoothed form; unknown terms weigh the most."""
        n, df = self._bm25.scores["num_docs"], self.document_frequency(term)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def coverage(self, question: str) -> np.ndarray:
        """For every chunk, the IDF-weighted share of the question's terms it contains (0…1):
        unlike BM25 it does not reward repeating one term, only covering the question."""
        out = np.zeros(self._bm25.scores["num_docs"], np.float32)
        weights = self.term_weights(question)
        for t, w in weights.items():
            out[self.postings(t)] += w
        total = sum(weights.values())
        return out / total if total else out

    def coverage_of_groups(self, question: str, groups: Sequence[Sequence[int]]) -> np.ndarray:
        """coverage() of each group of chunks taken together: a term counts once when any chunk
        of the group contains it (a passage of two chunks covers what either covers)."""
        out = np.zeros(len(groups), np.float32)
        if not len(groups):
            return out
        rows = np.fromiter((r for g in groups for r in g), np.int64)
        starts = np.cumsum([0] + [len(g) for g in groups[:-1]])
        weights = self.term_weights(question)
        for t, w in weights.items():
            holders = self.postings(t)  # sorted: bm25s keeps its matrix in canonical CSC order
            at = np.minimum(np.searchsorted(holders, rows), max(len(holders) - 1, 0))
            present = holders[at] == rows if len(holders) else np.zeros(len(rows), bool)
            out += w * np.maximum.reduceat(present, starts)
        total = sum(weights.values())
        return out / total if total else out

    def term_weights(self, question: str) -> dict[str, float]:
        """IDF of each informative question term; terms the corpus never uses weigh the most."""
        return {t: self.idf(t) for t in dict.fromkeys(tokenize(question))}

    def document_frequency(self, term: str) -> int:
        """Chunks containing `term` (0 when unknown)."""
        idx = self._bm25.vocab_dict.get(term)
        if idx is None:
            return 0
        indptr = self._bm25.scores["indptr"]
        return int(indptr[idx + 1] - indptr[idx])
