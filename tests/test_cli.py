import json

from click.testing import CliRunner

from qa.cli import main

ENV = {"QA_MODEL": "hash", "QA_MULTILINGUAL_MODEL": "", "QA_REFUSE_BELOW": "0"}


def test_build_ask_info_verify(mini_corpus, tmp_path):
    runner = CliRunner()
    out = str(tmp_path / "index" / "mini")
    r = runner.invoke(main, ["build", str(mini_corpus), "--index", out], env=ENV)
    assert r.exit_code == 0, r.output
    assert "3 file(s)" in r.output and "chunks" in r.output
    r = runner.invoke(main, ["ask", "What does sourdough bread need?", "--index", out, "--json"], env=ENV)
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["citations"] and d["citations"][0]["doc"] == "bread.txt"
    r = runner.invoke(main, ["ask", "What does sourdough bread need?", "--index", out], env=ENV)
    assert "Sources:" in r.output and "[1]" in r.output and "Bread Baking Notes" in r.output
    r = runner.invoke(main, ["info", "--index", out], env=ENV)
    assert r.exit_code == 0 and "3 document(s)" in r.output and "Funding of e-Government in Korea" in r.output
    r = runner.invoke(main, ["verify", "--index", out], env=ENV)
    assert r.exit_code == 0 and "OK" in r.output


def test_user_errors_are_one_line_not_tracebacks(tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["ask", "anything", "--index", str(tmp_path / "none")], env=ENV)
    assert r.exit_code == 2
    assert "no index at" in r.output and "qa build" in r.output and "Traceback" not in r.output
    r = runner.invoke(main, ["build", str(tmp_path / "missing"), "--index", str(tmp_path / "x")], env=ENV)
    assert r.exit_code != 0 and "Traceback" not in r.output
    (tmp_path / "empty").mkdir()
    r = runner.invoke(main, ["build", str(tmp_path / "empty"), "--index", str(tmp_path / "x")], env=ENV)
    assert r.exit_code == 2 and "no readable files" in r.output
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "report.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")  # cut off mid-file
    r = runner.invoke(main, ["build", str(broken), "--index", str(tmp_path / "x")], env=ENV)
    assert r.exit_code == 2 and "none of the 1 files" in r.output and "report.pdf: " in r.output  # and why


def test_eval_reports_the_metrics(mini_corpus, tmp_path):
    runner = CliRunner()
    out = str(tmp_path / "mini")
    assert runner.invoke(main, ["build", str(mini_corpus), "--index", out], env=ENV).exit_code == 0
    qfile = tmp_path / "q.jsonl"
    qfile.write_text(
        json.dumps({"id": "a", "question": "What does sourdough bread need?", "answerable": True,
                    "doc": "bread.txt", "evidence": ["Sourdough bread needs a starter"],
                    "answer_keywords": ["starter"], "kind": "factoid"}) + "\n"
        + json.dumps({"id": "b", "question": "Who won the World Cup?", "answerable": False, "doc": None,
                      "evidence": [], "answer_keywords": [], "kind": "unanswerable"}) + "\n"
        + json.dumps({"id": "c", "question": "What does sourdough bread need?", "answerable": True,
                      "doc": "bread.txt", "evidence": ["no such sentence"], "answer_keywords": ["yeast"],
                      "kind": "factoid"}) + "\n")
    r = runner.invoke(main, ["eval", str(qfile), "--index", out, "--json"], env=ENV)
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    s = d["summary"]
    assert s["n_answerable"] == 2 and s["n_unanswerable"] == 1
    assert s["retrieval"]["recall@5"] == 0.5 and s["keyword_recall"] == 0.5
    # "World Cup" appears in no passage: refused even with the strength threshold at 0
    assert s["unanswerable_refused"] == 1.0 and s["answerable_answered"] == 1.0
    assert {q["id"]: q["correct"] for q in d["questions"]} == {"a": True, "b": True, "c": False}
    assert abs(s["accuracy"] - 2 / 3) < 1e-3
