"""A person's run, in headless Debian Chromium driven by Playwright: upload a PDF, read the verdicts."""
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed and could not be installed (make test installs it with apt-get as root)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_upload_pdf_and_see_verdicts(browser, endpoint, mixed_pdf, tmp_path, review_dir):
    from redactclf.predict import classify
    pdf, _ = mixed_pdf
    expected = [r.label for r in classify(pdf)]
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(endpoint, wait_until="networkidle")
    page.locator("input[type=file]").first.set_input_files(str(pdf))
    page.get_by_role("button", name="Classify").click()
    summary = page.locator("#summary")
    summary.get_by_text("pages redacted").wait_for(timeout=120_000)
    n_red = expected.count("redacted")
    assert f"{n_red} of 4 pages redacted" in summary.inner_text()
    table = page.locator("#pages")
    cells = table.inner_text()
    for label in set(expected):
        assert label in cells
    assert cells.count("mixed.pdf") == 4
    shot = Path(os.environ.get("SCREENSHOT_DIR", tmp_path)) / "app_after_pdf.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")

    # flag page 2 as the opposite of its verdict; the review queue on disk gets the page and the label
    page.get_by_text("Flag a wrong verdict").click()
    page.locator("#flag-page input").click()
    page.get_by_role("option", name="mixed.pdf · page 2").click()
    other = "clean" if expected[1] == "redacted" else "redacted"
    page.get_by_label(other, exact=True).check()
    page.get_by_role("button", name="Flag this verdict").click()
    page.locator("#flag-msg").get_by_text("saved for review").wait_for(timeout=60_000)
    if not os.environ.get("ENDPOINT"):  # the queue of a remote app is not on this disk
        import json
        records = [json.loads(p.read_text()) for p in Path(review_dir).glob("*.json")]
        assert [(r["file"], r["page"], r["user_label"]) for r in records] == [("mixed.pdf", 2, other)]
        assert (Path(review_dir) / records[0]["image"]).exists()
