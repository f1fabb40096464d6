"""End to end in a real headless Chromium (Debian's) against `streamlit run` on 127.0.0.1.

Skips, saying why, only where Chromium or playwright is missing. Screenshots (1280 px and 390 px
wide) are written to tests/artifacts/ for a person to look at.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "tests" / "artifacts"
REPORT = ROOT.parent / "shared" / "data" / "reports" / "oecd-2020-dgi-methodology-working-paper.pdf"
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_app(root: Path, **env_extra):
    """`streamlit run app.py` over the indexes under `root` on a free loopback port; (url, process)."""
    port = _free_port()
    log = open(root.parent / "streamlit.log", "wb")  # a file, not a pipe: a full pipe would stall the server
    env = dict(os.environ, QA_INDEX_ROOT=str(root), QA_STATE_DIR=str(root.parent / "state"), **env_extra)
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                             "--server.headless", "true", "--server.address", "127.0.0.1",
                             "--server.port", str(port), "--browser.gatherUsageStats", "false",
                             "--client.toolbarMode", "minimal"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    log.close()  # the server holds its own copy
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + (root.parent / "streamlit.log").read_text(errors="replace")[-2000:])
    return url, proc


def _needs_browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")


@pytest.fixture(scope="module")
def server(seed_index, tmp_path_factory):
    _needs_browser()
    root = tmp_path_factory.mktemp("srv") / "index"
    root.mkdir()
    shutil.copytree(seed_index, root / "seed")
    if REPORT.exists():  # a real report, for the cited page shown as a picture
        from qa.build import build_index
        corpus = root.parent / "report"
        corpus.mkdir()
        shutil.copy(REPORT, corpus / REPORT.name)
        build_index(corpus, root / "report")
    url, proc = _start_app(root, QA_WRITE="0")  # quoted answers; written ones: test_a_written_answer…
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def writing_server(seed_index, tmp_path_factory):
    """The app with a writer: the stub chat server of tests/stub_llm.py."""
    from tests.stub_llm import Stub, stub_server
    _needs_browser()
    root = tmp_path_factory.mktemp("srv-w") / "index"
    root.mkdir()
    shutil.copytree(seed_index, root / "seed")
    with stub_server() as llm:
        Stub.script("Korea funded its e-Government projects through the Informatization Promotion Fund. [2]")
        url, proc = _start_app(root, QA_LLM_URL=llm)
        yield url
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    _needs_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _ask(browser, url: str, question: str, width: int = 1280, height: int = 900):
    """A new page on the app with `question` asked through the chat box."""
    from playwright.sync_api import expect
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    box = page.get_by_placeholder("Ask a question about the reports")
    expect(box).to_be_visible(timeout=90_000)
    box.fill(question)
    box.press("Enter")
    return page


def _open(expander):
    """Click the expander open and wait until it has stopped growing. The page moves for a few
    hundred ms as it opens; on a busy machine playwright can find a button "stable" between two slow
    frames and click where the button was a moment ago (seen in CI: the click reached nothing)."""
    expander.locator("summary").click()
    last = None
    for _ in range(100):
        box = expander.bounding_box()
        if box is not None and box == last:
            return
        last = box
        expander.page.wait_for_timeout(150)


@pytest.mark.parametrize("width", [1280, 390])
def test_ask_see_citation_expand_source(server, browser, width):
    from playwright.sync_api import expect
    page = _ask(browser, server, "How were Korea's e-Government projects funded?", width)
    answer = page.get_by_text("Informatization Promotion Fund").first
    expect(answer).to_be_visible(timeout=90_000)
    source = page.locator("[data-testid='stExpander']").filter(has_text="[1]").first
    expect(source).to_be_visible()
    _open(source)
    quote = source.get_by_text("Informatization Promotion Fund", exact=False).first
    expect(quote).to_be_visible()  # the quoted sentence, inside the expanded passage
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"answer-{width}px.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()


def test_the_briefing_and_the_report_download_on_click(server, browser, tmp_path):
    """Both are made only when clicked (deferred), so check that a click gives the real files."""
    from playwright.sync_api import expect
    page = _ask(browser, server, "How were Korea's e-Government projects funded?")
    expect(page.get_by_text("Informatization Promotion Fund").first).to_be_visible(timeout=90_000)
    export = page.get_by_role("button", name="Export briefing (Markdown)")
    expect(export).to_be_enabled(timeout=60_000)  # drawn last: the page's run has finished
    page.wait_for_load_state("networkidle")
    with page.expect_download(timeout=60_000) as got:
        export.click()
    briefing = (tmp_path / "b.md")
    got.value.save_as(briefing)
    text = briefing.read_text(encoding="utf-8")
    assert "How were Korea's e-Government projects funded?" in text and "Informatization Promotion Fund" in text
    source = page.locator("[data-testid='stExpander']").filter(has_text="[1]").first
    _open(source)
    with page.expect_download(timeout=60_000) as got:
        source.get_by_role("button", name="Download the original file").click()
    report = tmp_path / got.value.suggested_filename
    got.value.save_as(report)
    assert report.read_bytes() == (ROOT / "corpus" / report.name).read_bytes()
    page.close()


def test_a_written_answer_streams_in_with_its_sources(writing_server, browser):
    from playwright.sync_api import expect
    page = _ask(browser, writing_server, "How were Korea's e-Government projects funded?", height=1100)
    written = page.get_by_text("Korea funded its e-Government projects through the Informatization Promotion Fund.")
    expect(written.first).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Written by server").first).to_be_visible(timeout=30_000)
    source = page.locator("[data-testid='stExpander']").filter(has_text="[1]").first
    _open(source)
    expect(source.get_by_text("Informatization Promotion Fund", exact=False).first).to_be_visible()
    expect(page.locator("[data-testid='stExpander']").filter(has_text="The reports' own words").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "written-answer.png"), full_page=True)
    page.close()


def test_the_cited_page_is_shown_with_its_quote_highlighted(server, browser):
    from playwright.sync_api import expect
    if not REPORT.exists():
        pytest.skip(f"{REPORT} is not there (../shared beside the checkout)")
    page = _ask(browser, server + "/?index=report", "How were survey answers recoded into scores between 0 and 1?",
                height=1400)
    source = page.locator("[data-testid='stExpander']").filter(has_text="[1]").first
    expect(source).to_be_visible(timeout=90_000)
    _open(source)
    source.get_by_text("Show the page").click()
    picture = source.locator("img").first
    expect(picture).to_be_visible(timeout=30_000)
    # visible as soon as laid out; wait for the picture's bytes before reading its size
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle(),
                           timeout=30_000)
    assert picture.evaluate("img => img.naturalWidth") > 500
    expect(source.get_by_text("PDF page", exact=False).last).to_be_visible()
    assert not source.get_by_text("highlight unavailable").count()
    picture.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cited-page.png"), full_page=True)
    link = source.get_by_role("link", name="Open the report at page")
    href = link.get_attribute("href")
    page.close()
    assert re.search(r"app/static/reports/[0-9a-f]{24}\.pdf#page=\d+$", href), href
    url = urllib.parse.urljoin(server + "/", href.split("#")[0])
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.headers["Content-Type"] == "application/pdf"
        assert r.read() == REPORT.read_bytes()


def test_the_server_refuses_files_outside_the_published_reports(server, tmp_path):
    static = ROOT / "static" / "reports"
    static.mkdir(parents=True, exist_ok=True)
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(b"%PDF-1.4 not for the browser")
    link = static / "link-out.pdf"
    link.unlink(missing_ok=True)
    link.symlink_to(outside)
    try:
        for path in ["app/static/../app.py", "app/static/%2e%2e/app.py", "app/static/reports/..%2f..%2fapp.py",
                     "app/static//etc/passwd", "app/static/reports/link-out.pdf", "app/static/%2fetc%2fpasswd"]:
            try:
                with urllib.request.urlopen(f"{server}/{path}", timeout=10) as r:
                    body = r.read()
                    assert b"not for the browser" not in body and b"root:" not in body and b"import" not in body[:200], path
                    assert r.headers["Content-Type"] != "application/pdf", path
            except urllib.error.HTTPError as e:
                assert e.code in (400, 403, 404), (path, e.code)
    finally:
        link.unlink()
