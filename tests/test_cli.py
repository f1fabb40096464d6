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
