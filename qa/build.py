"""Corpus folder → index folder: read, chunk, embed (only what changed), save atomically.

Re-running on an unchanged corpus re-embeds nothing: chunks and vectors of every file whose
path and bytes are unchanged are taken from the previous index (when it was built with the same
settings). A build that is interrupted resumes: vectors are saved file by file as they are
made (resume.py). A file that cannot be read is reported with its outcome and skipped; the
build goes on. Two builds of the same index cannot run at once (a lock file beside the index).
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .chunk import chunk_document, indexed_text
from .config import Settings
from .embed import Embedder, chunk_counter, make_embedders
from .errors import IndexLockedError, IngestError, QAError
from .index import Index, build_date, remove_stale_temporaries, save_index
from .ingest import doc_id_for, read_document, scan_corpus
from .lexical import LexicalIndex
from .resume import PartialVectors, encode_by_file
from .text import language

# progress(stage, done, total): stages "read", "embed", "embed_ml" (the multilingual model)
ProgressFn = Callable[[str, int, int], None]
SayFn = Callable[[str], None]  # one-line notices: a once-per-machine model conversion, a fallback


@dataclass
class BuildReport:
    index_dir: Path
    files: list[dict] = field(default_factory=list)  # one entry per file, as in the manifest
    passed_over: list[tuple[str, str]] = field(default_factory=list)
    reused_files: int = 0
    embedded_chunks: int = 0
    resumed_chunks: int = 0  # embedded by an interrupted build of the same index (resume.py)
    seconds: float = 0.0

    @property
    def indexed(self) -> list[dict]:
        return [f for f in self.files if f["outcome"].startswith("indexed")]

    @property
    def skipped(self) -> list[dict]:
        return [f for f in self.files if not f["outcome"].startswith("indexed")]

    @property
    def pages(self) -> int:
        return sum(f["pages"] for f in self.indexed)

    @property
    def chunks(self) -> int:
        return sum(f["chunks"] for f in self.indexed)


def _previous(index_dir: Path, settings: Settings) -> Index | None:
    """The existing index when it can donate chunks and vectors (same settings), else None."""
    try:
        return Index.load(index_dir, settings)
    except QAError:
        return None


def build_index(corpus_dir: Path | str, index_dir: Path | str, settings: Settings | None = None,
                passwords: dict[str, str] | None = None, progress: ProgressFn | None = None,
                embedders: tuple[Embedder, Embedder | None] | None = None, say: SayFn | None = None,
                ray=None) -> BuildReport:
    """`ray`: a distributed.RayBuild that reads and embeds on a Ray cluster (None: here)."""
    from filelock import FileLock, Timeout

    settings = settings or Settings.from_env()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise QAError(f"corpus folder not found: {corpus_dir}")
    _refuse_to_replace_other_data(corpus_dir, index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir.parent / f".{index_dir.name}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise IndexLockedError(f"another build of {index_dir} is running; wait for it to finish "
                               f"(lock file {lock.lock_file})")
    try:
        remove_stale_temporaries(index_dir)
        return _build(corpus_dir, index_dir, settings, passwords or {}, progress, embedders, say or (lambda m: None),
                      ray)
    finally:
        lock.release()


def _refuse_to_replace_other_data(corpus_dir: Path, index_dir: Path) -> None:
    """A build replaces the index folder whole: never let that folder be the reports, or any
    folder that holds something other than an index (a mistyped --index must not cost data)."""
    c, i = corpus_dir.resolve(), index_dir.resolve()
    if i == c or c in i.parents or i in c.parents:
        raise QAError(f"the index folder {index_dir} overlaps the corpus folder {corpus_dir}; "
                      "choose another --index, e.g. index/NAME")
    if i.exists() and (not i.is_dir() or (any(i.iterdir()) and not (i / "manifest.json").exists())):
        raise QAError(f"{index_dir} exists and is not a qa index; a build would replace it. "
                      "Choose another --index, or remove that folder yourself")


def read_and_chunk(src, password, count_tokens, chunk_tokens: int, overlap: int) -> tuple[dict, list]:
    """One file → (its manifest fields, its chunks); a file that cannot be read gives its
    outcome and reason and no chunks."""
    try:
        doc = read_document(src, password)
        chunks = chunk_document(doc, count_tokens, chunk_tokens, overlap)
        if not chunks:
            raise IngestError(src.rel, "no text", "nothing to index after extraction")
        chunks = [dataclasses.replace(c, lang=language.of_passage(c.text)) for c in chunks]
    except IngestError as e:
        return {"title": "", "outcome": e.outcome, "reason": e.reason, "warnings": [], "pages": 0, "chunks": 0}, []
    return {"title": doc.title, "outcome": "indexed with warnings" if doc.warnings else "indexed",
            "warnings": list(doc.warnings), "pages": len(doc.pages) if doc.paged else 0, "paged": doc.paged,
            "chunks": len(chunks), "page_labels": list(doc.page_labels),
            "ocr_pages": list(doc.meta.get("ocr_pages") or [])}, chunks


def _read_all(jobs: list[tuple]):
    """read_and_chunk over `jobs`, results in order, as each is ready. Reading PDFs is pure-Python
    work (pypdf), ~25 s for the 12 shared reports: with two or more files it runs in one process
    per core where processes can be forked (the other core sat idle while it read: 26 → ~14 s)."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor
    workers = min(len(jobs), os.cpu_count() or 1)
    # fork only: spawn and forkserver re-import the caller's main module, which runs again any
    # script that calls build_index without an `if __name__ == "__main__"` guard. The children
    # only parse files; they never touch the threads of a model the parent may have loaded.
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (read_and_chunk(*job) for job in jobs)
        return
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        futures = [pool.submit(read_and_chunk, *job) for job in jobs]
        try:
            for f in futures:
                yield f.result()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _engines(manifest: dict) -> tuple[str | None, str | None]:
    """The engines that made an index's two vector sets (None: one runtime only, or none stored)."""
    return ((manifest.get("model") or {}).get("engine"), (manifest.get("multilingual_model") or {}).get("engine"))


def engine_of(embedder: Embedder | None) -> str | None:
    """The runtime that made an embedder's vectors, where a model has more than one (e5)."""
    return getattr(embedder, "engine", None) if embedder is not None else None


def _prepare(embedders, say: SayFn) -> None:
    """Once per machine, models that can be made faster are (e5 → onnxruntime); where that
    cannot run the build says why and goes on with the slower engine."""
    for e in embedders:
        if e is not None and hasattr(e, "prepare"):
            why = e.prepare(say)
            if why:
                say(f"{e.name}: the fast engine is unavailable on this machine ({why}); "
                    "using the slower one, the index is the same")


def _build(corpus_dir, index_dir, settings, passwords, progress, embedders, say, ray=None) -> BuildReport:
    t0 = time.perf_counter()
    report = BuildReport(index_dir)
    sources, report.passed_over = scan_corpus(corpus_dir)
    if not sources:
        raise QAError(f"no readable files (.pdf .md .txt .html) in {corpus_dir}")
    main, multi = embedders or make_embedders(settings)
    _prepare((main, multi), say)
    old = _previous(index_dir, settings)
    old_files = {f["doc_id"]: f for f in (old.manifest["files"] if old else []) if f.get("chunks")}
    old_rows: dict[str, list[int]] = {}
    if old:
        for i, c in enumerate(old.chunks):
            old_rows.setdefault(c.doc_id, []).append(i)
    old_vecs = old.vectors("main") if old else None
    old_vecs_ml = old.vectors("ml") if old and old.dense_ml is not None else None
    if old and _engines(old.manifest) != (engine_of(main), engine_of(multi)):
        # vectors of another runtime agree at cosine ~0.99: fine to search with (an index built
        # before stays usable), not to mix into one index; the faster engine re-embeds quickly
        say("re-embedding every file: the previous index was made by another engine of the same model")
        old_files = {}

    from .ingest.ocr import tesseract_languages
    ocr_now = tesseract_languages() or ""
    per_file: list[tuple[dict, list, np.ndarray | None, np.ndarray | None]] = []
    to_read = []
    for src in sources:
        did = doc_id_for(src.rel, src.sha256)
        entry = {"path": src.rel, "sha256": src.sha256, "doc_id": did, "size": src.size}
        reuse = did in old_files and did in old_rows
        if reuse and ocr_now != (old.manifest.get("ocr") or "") and any(
                "without text" in w for w in old_files[did].get("warnings") or []):
            reuse = False  # OCR became available (or changed): scanned pages may now be read
        if reuse:
            rows = old_rows[did]
            entry.update({k: v for k, v in old_files[did].items() if k not in entry})
            per_file.append((entry, [old.chunks[i] for i in rows], old_vecs[rows],
                             old_vecs_ml[rows] if old_vecs_ml is not None and multi else None))
            report.reused_files += 1
        else:
            per_file.append((entry, [], None, None))
            to_read.append((len(per_file) - 1, src))
    if progress:
        progress("read", len(per_file) - len(to_read), len(sources))
    jobs = [(src, passwords.get(src.rel) or passwords.get(src.path.name), chunk_counter(main),
             settings.chunk_tokens, settings.chunk_overlap_sentences) for _, src in to_read]
    reader = ray.read_all if ray else _read_all
    # strict: once the files run out, zip still asks the reader for its end, so it leaves its
    # process pool joined, not suspended in it (closed later, the pool was never waited for)
    for n, (k, (fields, chunks)) in enumerate(zip([k for k, _ in to_read], reader(jobs), strict=True), 1):
        per_file[k][0].update(fields)
        per_file[k] = (per_file[k][0], chunks, None, None)
        if progress:
            progress("read", len(per_file) - len(to_read) + n, len(sources))

    todo = [(entry["doc_id"], chunks) for entry, chunks, vecs, _ in per_file if vecs is None and chunks]
    total = sum(len(chunks) for _, chunks in todo)
    done = [0]

    def tick(k):
        done[0] += k
        if progress:
            progress("embed", min(done[0], total), total)

    texts = {did: [indexed_text(c, settings.context_in_vectors) for c in chunks] for did, chunks in todo}
    for did, chunks in todo:  # the context must not push a chunk past the model's window: drop it where it would
        lengths = main.count_tokens(texts[did])
        texts[did] = [t if n <= main.max_tokens else c.text for t, n, c in zip(texts[did], lengths, chunks)]
    partial = PartialVectors(index_dir, settings.fingerprint())  # what an interrupted build embedded
    new_main, resumed = encode_by_file(ray.encoder(0) if ray else main.encode_passages, list(texts.items()), partial,
                                       f"main-{engine_of(main)}" if engine_of(main) else "main", tick)
    if hasattr(main, "prepare_fast_queries"):
        main.prepare_fast_queries()
    done_ml = [0]

    def tick_ml(k):  # the multilingual model is the slow one (e5: ~8 passages/s): its own bar
        done_ml[0] += k
        if progress:
            progress("embed_ml", min(done_ml[0], total), total)

    new_ml: dict[str, np.ndarray] = {}
    if multi:
        new_ml, resumed_ml = encode_by_file(ray.encoder(1) if ray else multi.encode_passages, list(texts.items()), partial,
                                              f"ml-{engine_of(multi)}" if engine_of(multi) else "ml", tick_ml)
        resumed = min(resumed, resumed_ml)
    report.embedded_chunks, report.resumed_chunks = total - resumed, resumed

    chunks_all, vecs_all, ml_all = [], [], []
    for entry, chunks, vecs, vecs_ml in per_file:
        report.files.append(entry)
        if not chunks:
            continue
        if vecs is None:
            vecs, vecs_ml = new_main[entry["doc_id"]], new_ml.get(entry["doc_id"])
        chunks_all += chunks
        vecs_all.append(vecs)
        if multi:
            ml_all.append(vecs_ml)
    if not chunks_all:
        why = "".join(f"\n  {f['path']}: {f['outcome']} — {f.get('reason', '')}" for f in report.skipped)
        raise QAError(f"none of the {len(sources)} files in {corpus_dir} could be indexed; "
                      f"the previous index (if any) is unchanged{why}")
    lexical = LexicalIndex.build([indexed_text(c, settings.context_in_vectors) for c in chunks_all])
    manifest = {
        "created": build_date(),
        "corpus_dir": str(corpus_dir),
        "ocr": ocr_now,
        "corpus_path": str(corpus_dir.resolve()),
        "settings": settings.index_part(), "fingerprint": settings.fingerprint(),
        "model": {"name": main.name, "dim": main.dim, "engine": engine_of(main)},
        "multilingual_model": {"name": multi.name, "dim": multi.dim, "engine": engine_of(multi)} if multi else None,
        "files": report.files,
        "starter_questions": read_starter_questions(corpus_dir),
        "passed_over": [{"path": p, "reason": r} for p, r in report.passed_over],
        "counts": {"documents": len(report.indexed), "pages": report.pages, "chunks": len(chunks_all),
                   "skipped": len(report.skipped)},
    }
    save_index(index_dir, manifest, chunks_all, np.concatenate(vecs_all),
               np.concatenate(ml_all) if multi else None, lexical)
    partial.clear()
    report.seconds = time.perf_counter() - t0
    return report


STARTER_FILE = "starter-questions.txt"


def read_starter_questions(corpus_dir: Path) -> list[str]:
    """Questions shown on an empty conversation: one per line in corpus/starter-questions.txt."""
    path = corpus_dir / STARTER_FILE
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")][:12]
