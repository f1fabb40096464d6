"""qa — cited answers from a folder of reports, offline.

The data flow, one module per arrow:

    corpus/ files ──ingest──▶ Document ──chunk──▶ Chunk ──embed──▶ vectors
         ──index (build.py, index.py)──▶ index/<name>/ (manifest, chunks, FAISS, BM25)
         ──retrieve──▶ Hit list ──answer──▶ Answer (text with [n], Citations, or a refusal)

Surfaces: the `qa` command line (cli.py), the Streamlit app (app.py), and this API:

    from qa import Assistant, build_index
    build_index("corpus", "index/seed")
    print(Assistant.load("index/seed").ask("How were Korea's e-Government projects funded?").to_dict())
"""
__version__ = "0.1.0"


def __getattr__(name):  # keep `import qa` light: heavy modules load on first use
    if name == "Assistant":
        from .assistant import Assistant
        return Assistant
    if name == "build_index":
        from .build import build_index
        return build_index
    if name in ("Settings",):
        from .config import Settings
        return Settings
    raise AttributeError(name)
