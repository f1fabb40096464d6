"""Streamlit app: ask the reports in a chat; every answer sentence cites its source.

Thin on purpose: widgets, session state and calls into `qa` (no retrieval logic here).
Run with `make run`. Modes: `?embed=true` (inside an event page's iframe), `?kiosk=1` or
QA_KIOSK=1 (no settings, large starter questions, fresh conversation after inactivity).
"""
from __future__ import annotations

import os
import re
import time
from functools import partial
from pathlib import Path

import streamlit as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
from qa.briefing import briefing_docx, briefing_markdown  # noqa: E402
from qa.display import readable, source_label  # noqa: E402
from qa.errors import QAError  # noqa: E402
from qa.feedback import FeedbackStore  # noqa: E402
from qa.published import corpus_file, page_link  # noqa: E402

INDEX_ROOT = Path(os.environ.get("QA_INDEX_ROOT", "index"))
STATIC = Path(__file__).resolve().parent / "static"  # served at /app/static/ (.streamlit/config.toml)
KIOSK_IDLE_S = int(os.environ.get("QA_KIOSK_IDLE_SECONDS", "180"))

params = st.query_params
kiosk = params.get("kiosk", "") in ("1", "true") or os.environ.get("QA_KIOSK", "") in ("1", "true")
# No custom HTML or CSS anywhere: kiosk mode simply renders no sidebar and full-width questions.
st.set_page_config(page_title="Ask the reports", page_icon=":material/menu_book:", layout="centered",
                   initial_sidebar_state="collapsed" if kiosk else "auto")


@st.cache_resource(show_spinner="Loading the reports and the language model…", max_entries=4)
def load_assistant(index_dir: str, built: str):
    """One assistant per index (and build) per server, warmed so the first question is fast."""
    from qa.assistant import Assistant
    a = Assistant.load(index_dir)
    a.warm()
    return a


@st.cache_resource(show_spinner=False)
def load_writer(index_dir: str, built: str):
    """The writer of written answers (QA_LLM_URL's server or the embedded model), or None where
    there is none or QA_WRITE=0. One per server, as the assistant."""
    if os.environ.get("QA_WRITE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    from qa.write import Writer, backend_from_env
    backend = backend_from_env(say=lambda msg: None)
    return Writer(load_assistant(index_dir, built), backend) if backend else None


@st.cache_resource
def feedback_store():
    return FeedbackStore()


def available_indexes() -> list[str]:
    if not INDEX_ROOT.is_dir():
        return []
    return sorted(p.name for p in INDEX_ROOT.iterdir() if (p / "manifest.json").exists())


def ask_next(question: str):
    """Button callback: runs before the script, so the question is asked in this very rerun."""
    st.session_state.pending = question


def reset_conversation():
    st.session_state.turns = []
    st.session_state.last_active = time.time()


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~$<&:])")


def plain(text: str) -> str:
    """Text shown literally by st.markdown: "6) Overcoming…" stays text, not a numbered list;
    "$" never starts a formula; nothing in a report is read as markup."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", readable(text))


# HTML comments, tags and Markdown images left in a report's Markdown: noise around a quote
_SOURCE_MARKUP = re.compile(r"<!--.*?-->|</?[a-zA-Z][^<>]{0,300}>|!\[[^\]]*\]\([^)]*\)", re.S)


def highlighted_passage(passage: str, quote: str) -> str:
    """Passage as literal Markdown text with the quoted sentence on a highlight; no HTML at all,
    so nothing a report contains can become markup. The quote is shown as it stands in the
    report; the text around it without the report's own HTML tags and comments."""
    flat = lambda s: " ".join(_SOURCE_MARKUP.sub(" ", s).split())  # one paragraph: a highlight cannot span lines
    i = passage.find(quote)
    if i < 0:
        return plain(flat(passage))
    return (plain(flat(passage[:i])) + " :orange-background[" + plain(" ".join(quote.split())) + "] "
            + plain(flat(passage[i + len(quote):])))


def show_page(pdf: Path, c):
    """The cited page as the report prints it, the quote highlighted (rendered when asked for)."""
    from qa.page_image import render
    try:
        img = render(pdf, c.pages[0], c.quote)
    except Exception as e:  # a damaged file: the text above is still there
        st.caption(f"The page cannot be shown ({type(e).__name__}).")
        return
    st.image(img.png, caption=f"PDF page {c.pages[0]}" + ("" if img.located else
                                                            " — highlight unavailable: the quote was not found "
                                                            "in this page's text layer"))


def show_sources(ans, manifest: dict, key: str):
    passages = {h.chunk.chunk_id: h.shown for h in ans.hits}  # the cited chunk with its neighbour
    passages.update({h.shown.chunk_id: h.shown for h in ans.hits})  # a written answer cites the passage
    for c in ans.citations:
        with st.expander(source_label(c, plain)):
            chunk = passages.get(c.chunk_id)
            st.markdown(highlighted_passage(chunk.text, c.quote) if chunk else plain(c.quote))
            st.caption(f"{c.path}" + (f", PDF page {c.pages[0]}" if c.pages else ""))
            f = corpus_file(manifest, c.path)
            if f is not None and c.pages and f.suffix.lower() == ".pdf" and \
                    st.toggle("Show the page", key=f"page-{key}-{c.n}"):
                show_page(f, c)
            if f is not None and c.pages and f.suffix.lower() == ".pdf":
                try:
                    st.link_button(f"Open the report at page {c.pages[0]}", page_link(f, STATIC, c.pages[0]),
                                   help="Opens the report in your browser's PDF viewer at the cited page")
                except OSError:  # the app's folder is read-only here: the download below still works
                    pass
            if f is not None:
                # bytes read on click, not on every rerun of every session (a report is MBs)
                st.download_button("Download the original file", partial(f.read_bytes), file_name=f.name,
                                   key=f"dl-{key}-{c.n}", on_click="ignore",
                                   help="Downloads the report; PDF viewers open it at the first page — "
                                        f"go to page {c.pages[0]}" if c.pages else "Downloads the report")


def show_refusal(ans, key: str):
    st.warning(ans.text, icon=":material/search_off:")
    if ans.refusal_reason:  # the judge's reason: weak evidence, a name missing, no answer of the kind asked
        st.caption(f"Why: {ans.refusal_reason}")
    if ans.passages:
        st.markdown("**Closest passages found**")
        for h in ans.passages[:3]:
            page = f", p. {h.chunk.page_start}" if h.chunk.page_start else ""
            with st.expander(f"{h.chunk.title}{page}"):
                st.text(readable(h.shown.text))
    if ans.suggestions:
        st.markdown("**Questions these reports can answer**")
        for i, s in enumerate(ans.suggestions):
            st.button(s, key=f"sugg-{key}-{i}", on_click=ask_next, args=(s,))


def show_feedback(turn: int, ans, index_name: str):
    done = st.session_state.setdefault("rated", {})
    if turn in done:
        st.caption("Thanks for the feedback.")
        return
    cols = st.columns([2, 2, 5])
    comment = cols[2].text_input("Comment (optional)", key=f"fb-comment-{turn}", label_visibility="collapsed",
                                 placeholder="Optional comment on this answer")
    for col, rating, label, icon in ((cols[0], 1, "Helpful", ":material/thumb_up:"),
                                     (cols[1], -1, "Not helpful", ":material/thumb_down:")):
        if col.button(label, key=f"fb-{rating}-{turn}", icon=icon):
            cites = "; ".join(f"[{c.n}] {c.path} p{c.pages}" for c in ans.citations)
            feedback_store().add(index_name, ans.question, ans.text, rating, comment, cites)
            done[turn] = rating
            st.rerun()


# ---------------------------------------------------------------- page
names = available_indexes()
if not names:
    st.error(f"No index found under `{INDEX_ROOT}/`. Build one first, for example:\n\n"
             "```\nqa build corpus --index index/seed\n```")
    st.stop()

st.session_state.setdefault("turns", [])
st.session_state.setdefault("last_active", time.time())
if kiosk and time.time() - st.session_state.last_active > KIOSK_IDLE_S:
    reset_conversation()

default_index = params.get("index") if params.get("index") in names else ("seed" if "seed" in names else names[0])
top_k = 5
if not kiosk:
    with st.sidebar:
        chosen = st.selectbox("Reports (index)", names, index=names.index(default_index))
        top_k = st.slider("Passages to use", 1, 10, 5, help="How many retrieved passages an answer may draw on")
else:
    chosen = default_index

index_dir = INDEX_ROOT / chosen
try:
    manifest_mtime = str((index_dir / "manifest.json").stat().st_mtime)
    assistant = load_assistant(str(index_dir), manifest_mtime)
except QAError as e:
    st.error(f"{e}")
    st.stop()
manifest = assistant.index.manifest
writer = load_writer(str(index_dir), manifest_mtime)
if not kiosk and writer is not None:
    with st.sidebar:
        if not st.toggle("Written answers", value=True, help="A short answer written in your language from the "
                         "passages found, each sentence checked and cited; the quoted answer is shown at once."):
            writer = None
if st.session_state.get("index_name") != chosen:
    st.session_state.index_name = chosen
    reset_conversation()

if not kiosk:
    with st.sidebar:
        counts = manifest["counts"]
        pages = f"{counts['pages']} PDF pages · " if counts.get("pages") else ""
        st.caption(f"{counts['documents']} documents · {pages}{counts['chunks']} passages · "
                   f"built {manifest['created']}")
        with st.expander("Documents in this index"):
            for f in manifest["files"]:
                if f["outcome"].startswith("indexed"):
                    pages = f" ({f['pages']} p.)" if f.get("pages") else ""
                    st.markdown(f"- {plain(f['title'])}{pages}")
                else:
                    st.markdown(f"- ~~{plain(f['path'])}~~ — {f['outcome']}")
        st.button("New conversation", on_click=reset_conversation, use_container_width=True)
        export_slot = st.empty()

st.title("Ask the reports")
if not kiosk:
    st.caption("Answers quote the reports; every sentence cites its source. "
               "If the reports don't answer, you are told so.")

question = st.chat_input("Ask a question about the reports")
if st.session_state.get("pending"):
    question = st.session_state.pop("pending")

if not st.session_state.turns and not question:
    starters = assistant.starter_questions
    if starters:
        st.markdown("#### Try one of these" if kiosk else "**Try one of these questions**")
        for i, s in enumerate(starters):
            st.button(s, key=f"starter-{i}", on_click=ask_next, args=(s,), use_container_width=kiosk)

def show_quoted(turn: int, ans):
    if ans.refused:
        show_refusal(ans, f"h{turn}")
    else:
        st.markdown(plain(ans.text).replace("\n", "  \n"))  # a quoted list keeps its lines
        show_sources(ans, manifest, f"h{turn}")


def show_written(turn: int, ans):
    st.markdown(plain(ans.text).replace("\n", "  \n"))  # a written list, a quote added below, keep their lines
    st.caption(f"Written by {ans.writer}; each sentence was checked against the passage it cites. "
               "Words in “quotes” are the report's own.")
    show_sources(ans, manifest, f"w{turn}")


def show_answer(turn: int, t: dict):
    written, quoted = t.get("written"), t["answer"]
    if written is not None and written.refused and not quoted.refused:
        show_refusal(written, f"w{turn}")  # the writer found no answer where the evidence was weak too
        with st.expander("What the quoted answer had found"):
            show_quoted(turn, quoted)
        return
    if written is not None and written.mode == "generative":
        show_written(turn, written)
        if written.notice:
            st.caption(written.notice)
        # folded: the written answer already quotes every sentence of it that the writer did not
        # stand on or whose figures it left out (write/writer.py)
        with st.expander("The reports' own words (quoted answer)"):
            show_quoted(turn, quoted)
    else:
        if written is not None and written.notice:
            st.info(written.notice, icon=":material/info:")
        show_quoted(turn, quoted)
    if not quoted.refused:
        show_feedback(turn, written if written is not None and written.mode == "generative" else quoted, chosen)


for i, t in enumerate(st.session_state.turns):
    with st.chat_message("user"):
        st.markdown(plain(t["answer"].question))
    with st.chat_message("assistant"):
        show_answer(i, t)

if question:
    st.session_state.last_active = time.time()
    history = [t["answer"].resolved_question or t["answer"].question for t in st.session_state.turns]
    with st.chat_message("user"):
        st.markdown(plain(question))
    with st.chat_message("assistant"):
        with st.spinner("Searching the reports…"):
            ans = assistant.ask(question, history=history, top_k=top_k)
        turn = {"answer": ans}
        st.session_state.turns.append(turn)
        if writer is None or (ans.refused and not writer.searches_in_english(ans)):
            show_answer(len(st.session_state.turns) - 1, turn)
        else:
            # the quoted answer at once; the written one streams in above it, sentence by sentence,
            # each shown only once checked against the passages
            written_slot = st.container()
            with st.expander("The reports' own words (quoted answer)", expanded=True):
                show_quoted(len(st.session_state.turns) - 1, ans)
            with written_slot:
                status = st.empty()
                status.caption(f"Writing an answer in your language ({writer.backend.name})…")

                def queued(ahead: int):
                    status.caption(f"Writing an answer in your language ({writer.backend.name})…" if not ahead else
                                   f"Your written answer is queued: {ahead} being written before it. "
                                   "The quoted answer is below.")
                writing = writer.stream(ans, on_wait=queued)
                # shown as it will stay: literal text, lines kept (st.write_stream reads Markdown, and a
                # quoted "[link](/digital/…)" or "$" would flash as markup until the rerun)
                st.write_stream(plain(piece).replace("\n", "  \n") for piece in writing)
            turn["written"], turn["answer"] = writing.answer, writing.quoted  # the quotes it rests on
            st.rerun()  # shown again whole: the written answer with its sources, the quotes folded

if not kiosk and st.session_state.turns:  # rendered last, so it includes the answer just given
    answers = [t["written"] if t.get("written") is not None and t["written"].mode == "generative" else t["answer"]
               for t in st.session_state.turns]  # the writer's refusal is generative too
    with export_slot.container():
        # made on click: building the Word file on every rerun cost most of a rerun's CPU
        st.download_button("Export briefing (Word)", partial(briefing_docx, answers, chosen),
                           file_name=f"briefing-{chosen}.docx", use_container_width=True, on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        st.download_button("Export briefing (Markdown)", partial(briefing_markdown, answers, chosen),
                           file_name=f"briefing-{chosen}.md", mime="text/markdown", use_container_width=True,
                           on_click="ignore")  # a download needs no rerun of the page

if kiosk:
    @st.fragment(run_every=30)
    def idle_watch():
        if st.session_state.turns and time.time() - st.session_state.last_active > KIOSK_IDLE_S:
            reset_conversation()
            st.rerun()

    idle_watch()
