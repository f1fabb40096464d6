"""What an index holds is reused by the next build while the settings that shaped it stay the
same (build.py: an upgrade keeps an organiser's index). A change to how files are read and split,
or to how BM25 cuts text into terms, must therefore come with a new `Settings.text_layout` or
`Settings.lexical_tokenizer`; otherwise an index built before the change keeps old chunks beside
new ones, and a fresh build and an updated one answer differently. These tests pin what the code
makes of real files, per value."""
import hashlib
import json
from functools import lru_cache

from qa.build import read_and_chunk
from qa.config import Settings
from qa.embed import MiniLMEmbedder
from qa.ingest import scan_corpus
from qa.lexical import tokenize
from tests.conftest import DATA, ROOT

# value → the digest of what it makes of the files below. A new value gets its own line (the
# digest the failing test prints); an old value's line is never edited.
CHUNKS_OF = {
    "reflow+sections-v3": "de7ed81c37ceccad",
}
TERMS_OF = {
    "words+hangul-bigrams+hyphen-joins-v2": "97bf63fff767cb37",
}


@lru_cache(maxsize=1)
def chunked() -> tuple:
    """(file name, title, outcome, pages, chunks) of the seed corpus and the test files."""
    settings = Settings()
    count = MiniLMEmbedder().count_tokens  # chunk sizes are measured in MiniLM word pieces (embed.chunk_counter)
    sources = []
    for folder in (ROOT / "corpus", DATA / "mini", DATA):
        found, _ = scan_corpus(folder)
        # not the scanned PDF: what OCR reads depends on the tesseract installed
        sources += [s for s in found if s.path.parent == folder and "scanned" not in s.path.name]
    out = []
    for src in sorted(sources, key=lambda s: str(s.path)):
        fields, chunks = read_and_chunk(src, None, count, settings.chunk_tokens, settings.chunk_overlap_sentences)
        out.append((src.path.name, fields["title"], fields["outcome"], fields.get("pages"), chunks))
    return tuple(out)


def digest(shape) -> str:
    return hashlib.sha256(json.dumps(shape, ensure_ascii=False).encode()).hexdigest()[:16]


def chunks_digest() -> str:
    return digest([[name, title, outcome, pages,
                    [[c.text, c.start, c.end, c.page_start, c.page_end, c.heading] for c in chunks]]
                   for name, title, outcome, pages, chunks in chunked()])


def terms_digest() -> str:
    return digest([tokenize(c.text) for *_, chunks in chunked() for c in chunks])


def check(setting: str, value: str, recorded: dict, got: str, what: str) -> None:
    assert value in recorded, f"record what {setting} {value!r} makes: add {value!r}: {got!r} here"
    assert got == recorded[value], (
        f"{what} changed (digest {got}, recorded {recorded[value]}) while Settings.{setting} is still "
        f"{value!r}: give {setting} a new value (qa/config.py), so every index is rebuilt with it, and "
        f"record {got!r} under that value here")


def test_reading_and_chunking_change_only_with_a_new_text_layout():
    check("text_layout", Settings().text_layout, CHUNKS_OF, chunks_digest(), "how these files are read and chunked")


def test_bm25_terms_change_only_with_a_new_lexical_tokenizer():
    check("lexical_tokenizer", Settings().lexical_tokenizer, TERMS_OF, terms_digest(), "the BM25 terms of these chunks")
