"""Streamlit app: ask the reports, get answers whose every sentence cites its source.

Thin on purpose: widgets and one call into `qa`. Run with `make run` (see README).
"""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from qa.errors import QAError  # noqa: E402

INDEX_ROOT = Path(os.environ.get("QA_INDEX_ROOT", "index"))

st.set_page_config(page_title="qa — e-government reports", page_icon="📚", layout="centered")


@st.cache_resource(show_spinner="Loading the index and the model…")
def load_assistant(index_dir: str):
    from qa.assistant import Assistant
    a = Assistant.load(index_dir)
    a.warm()
    return a


def indexes() -> list[str]:
    if not INDEX_ROOT.is_dir():
        return []
    return sorted(p.name for p in INDEX_ROOT.iterdir() if (p / "manifest.json").exists())


names = indexes()
if not names:
    st.error(f"No index found under `{INDEX_ROOT}/`. Build one first:\n\n"
             "```\nqa build corpus --index index/seed\n```")
    st.stop()

with st.sidebar:
    default = names.index("seed") if "seed" in names else 0
    chosen = st.selectbox("Reports (index)", names, index=default)
    top_k = st.slider("Passages to use", 1, 10, 5)

try:
    assistant = load_assistant(str(INDEX_ROOT / chosen))
except QAError as e:
    st.error(str(e))
    st.stop()

st.title("Ask the reports")
question = st.chat_input("Ask a question about the reports")
if question:
    with st.chat_message("user"):
        st.markdown(question)
    ans = assistant.ask(question, top_k=top_k)
    with st.chat_message("assistant"):
        if ans.refused:
            st.warning(ans.text)
        else:
            st.markdown(ans.text)
        for c in ans.citations:
            with st.expander(f"[{c.n}] {c.title}" + (f" — p. {c.pages[0]}" if c.pages else "")):
                st.text(c.quote)
