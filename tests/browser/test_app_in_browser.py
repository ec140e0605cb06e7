"""A person's run, in headless Debian Chromium driven by Playwright: examples, a PDF, a broken file, an empty click.
Screenshots go to $SCREENSHOT_DIR (the ones in docs/ were made with SCREENSHOT_DIR=docs)."""
import os
import random
import shutil
import time
from pathlib import Path

import pytest
from leaky import SECRET, leaky_memo

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed and could not be installed (make test installs it with apt-get as root)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def shot_path(tmp_path, name: str) -> Path:
    d = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    d.mkdir(parents=True, exist_ok=True)
    return d / name


def table_rows(page) -> list[list[str]]:
    """The results table as shown: one list of cell texts per page row (the header left out)."""
    return page.locator("#pages").evaluate(  # in one go: the table re-renders while results arrive
        """el => [...el.querySelectorAll('[role=row][aria-rowindex]')]
             .filter(r => r.getAttribute('aria-rowindex') !== '1')
             .map(r => [...r.querySelectorAll('td, [role=gridcell]')].map(c => c.innerText.trim()))""")


def wait_rows(page, names: list[str], n: int, timeout: float = 180) -> list[list[str]]:
    """Wait until the table shows `n` rows, of exactly the files `names` (a new result, not the last one)."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        rows = table_rows(page)
        if len(rows) == n and {r[0] for r in rows} == set(names):
            return rows
        time.sleep(0.5)
    raise AssertionError(f"table never showed {n} rows of {names}: {table_rows(page)}")


def no_error_badges(page) -> bool:
    return page.get_by_text("Error", exact=True).count() == 0


def test_each_example_gives_the_pipeline_verdicts(browser, endpoint, tmp_path):
    from redactclf.predict import classify
    examples = sorted(p for p in (ROOT / "examples").glob("*") if p.suffix in {".pdf", ".jpg", ".png"})
    assert len(examples) >= 4
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(endpoint, wait_until="networkidle")
    for ex in examples:
        expected = classify(ex)
        page.get_by_text(ex.name, exact=True).click()  # the example button fills the upload
        page.locator(f"#files [aria-label=\"{ex.name}\"]").wait_for()  # the upload holds it
        page.get_by_role("button", name="Classify").click()
        rows = wait_rows(page, [ex.name], len(expected))
        assert [r[2] for r in rows] == [r.label for r in expected], ex.name
        assert [int(r[1]) for r in rows] == [r.page for r in expected]
        assert [r[6] for r in rows] == ["ok"] * len(expected)
        n_red = sum(r.label == "redacted" for r in expected)
        summary = page.locator("#summary").inner_text()
        assert f"{n_red} of {len(expected)} page{'s' * (len(expected) != 1)} redacted" in summary
        assert no_error_badges(page), ex.name
        if ex.suffix == ".pdf":
            page.locator("#gallery img").first.wait_for()
            page.locator("#downloads [aria-label=\"annotated_pages.pdf\"]").wait_for()
            shot = shot_path(tmp_path, "app_example_pdf.png")
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            print(f"screenshot: {shot}")


def test_empty_click_says_what_to_do(browser, endpoint):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(endpoint, wait_until="networkidle")
    page.get_by_role("button", name="Classify").click()
    page.locator("#summary").get_by_text("Upload at least one").wait_for(timeout=60_000)
    time.sleep(1)  # let any toast or badge appear
    assert page.get_by_text("Upload at least one").count() == 1  # one message, no toast repeating it
    assert no_error_badges(page)


def test_broken_file_keeps_the_columns(browser, endpoint, tmp_path, real_pages):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(bytes(random.Random(0).getrandbits(8) for _ in range(4096)))
    good = real_pages[0][0]
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(endpoint, wait_until="networkidle")
    page.locator("input[type=file]").first.set_input_files([str(broken), str(good)])
    page.get_by_role("button", name="Classify").click()
    rows = wait_rows(page, ["broken.pdf", good.name], 2)
    assert rows[0][2] == "" and rows[0][6] == "error:unsupported" and rows[0][7].startswith("broken.pdf: not a PDF: ")
    assert rows[1][2] in ("redacted", "clean") and rows[1][6] == "ok"
    assert "not a PDF" in page.locator("#summary").inner_text()
    assert no_error_badges(page)


def test_upload_pdf_and_see_verdicts(browser, endpoint, mixed_pdf, tmp_path, review_dir, labels_dir):
    from redactclf.predict import classify
    pdf, _ = mixed_pdf
    expected = [r.label for r in classify(pdf)]
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(endpoint, wait_until="networkidle")
    page.locator("input[type=file]").first.set_input_files(str(pdf))
    page.get_by_role("button", name="Classify").click()
    summary = page.locator("#summary")
    summary.get_by_text("pages redacted").first.wait_for(timeout=120_000)
    n_red = expected.count("redacted")
    assert f"{n_red} of 4 pages redacted" in summary.inner_text()
    table = page.locator("#pages")
    cells = table.inner_text()
    for label in set(expected):
        assert label in cells
    assert cells.count("mixed.pdf") == 4
    assert [r[2] for r in wait_rows(page, ["mixed.pdf"], 4)] == expected
    shot = shot_path(tmp_path, "app_after_pdf.png")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")

    # flag page 2 as the opposite of its verdict; the review queue on disk gets the page and the label
    page.get_by_text("Flag a wrong verdict").click()
    page.locator("#flag-page input").click()
    page.get_by_role("option", name="mixed.pdf · page 2").click()
    other = "clean" if expected[1] == "redacted" else "redacted"
    page.locator("#flag-label").get_by_label(other, exact=True).check()
    page.get_by_role("button", name="Flag this verdict").click()
    page.locator("#flag-msg").get_by_text("saved for review").wait_for(timeout=60_000)
    if not os.environ.get("ENDPOINT"):  # the queue of a remote app is not on this disk
        import csv
        import json
        records = [json.loads(p.read_text()) for p in Path(review_dir).glob("*.json")]
        records = [r for r in records if r["file"] == "mixed.pdf"]  # the API tests flag a page of their own
        assert [(r["file"], r["page"], r["user_label"]) for r in records] == [("mixed.pdf", 2, other)]
        assert (Path(review_dir) / records[0]["image"]).exists()

        # the Review tab offers the flagged page with the reader's label; saving it labels it and empties the queue
        # (a remote app may have labelled this page before: only here is the queue known)
        page.get_by_role("tab", name="Review").click()
        page.get_by_role("button", name="Load review queue").click()
        info = page.locator("#review-info")
        info.get_by_text("flagged by a reader").wait_for(timeout=60_000)
        assert "mixed.pdf page 2" in info.inner_text()
        page.locator("#review-image img").wait_for()
        assert page.locator("#review-label").get_by_label(other, exact=True).is_checked()
        page.get_by_role("button", name="Save and next").click()
        info.get_by_text("Nothing to review").wait_for(timeout=60_000)
        assert "0 pages left" in page.locator("#review-count").inner_text() and no_error_badges(page)
        with open(Path(labels_dir) / "index.csv", newline="") as f:
            rows = [r for r in csv.DictReader(f) if r["source"] == "mixed.pdf"]
        assert [(r["page"], r["label"], r["origin"]) for r in rows] == [("2", other, "flag")]


def test_batch_report_in_the_browser(browser, tmp_path):
    from redactclf.batch import run_batch
    out = tmp_path / "batch"
    summary = run_batch([ROOT / "examples"], out, workers=1, progress=False)
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto((out / "report.html").as_uri(), wait_until="load")
    head = page.locator("#summary").inner_text()
    assert f"{summary['redacted_pages']} of {summary['pages']} pages redacted" in head
    assert page.locator("#documents tbody tr").count() == summary["files"]
    imgs = page.locator("#thumbs img")
    assert imgs.count() == summary["redacted_pages"] > 0
    assert all(imgs.nth(i).evaluate("im => im.complete && im.naturalWidth > 0") for i in range(imgs.count()))
    for link in page.locator("#files a").all():  # the files the report links to are beside it
        assert (out / link.get_attribute("href")).exists()
    shot = shot_path(tmp_path, "batch_report.png")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


def test_audit_checkbox_shows_codes_and_leaks(browser, endpoint, tmp_path):
    from redactclf.app import AUDIT_LABEL, SHOW_TEXT_LABEL, columns
    leaky = leaky_memo(tmp_path / "leaky.pdf")
    secret = SECRET
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(endpoint, wait_until="networkidle")
    page.get_by_label(AUDIT_LABEL).check()
    page.locator("input[type=file]").first.set_input_files(str(leaky))
    page.get_by_role("button", name="Classify").click()
    rows = wait_rows(page, ["leaky.pdf"], 1)
    leaks = columns(True).index("leaks")
    assert rows[0][leaks] == "1 leaking redaction" and rows[0][columns(True).index("status")] == "ok"
    assert "1 leaking redaction" in page.locator("#summary").inner_text()
    assert not any(w in page.locator("body").inner_text() for w in ("John", "Smith", "Elm Street"))
    assert no_error_badges(page)
    shot = shot_path(tmp_path, "app_audit.png")
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")

    page.get_by_label(SHOW_TEXT_LABEL).check()  # asked for: the text shows
    page.get_by_role("button", name="Classify").click()
    t0 = time.time()
    while secret not in table_rows(page)[0][leaks] and time.time() - t0 < 120:
        time.sleep(0.5)
    assert table_rows(page)[0][leaks] == f'1 leaking redaction: "{secret}"'
