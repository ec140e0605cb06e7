"""Shared fixtures: real sample pages, bad inputs, and the app endpoint ($ENDPOINT or one started here)."""
import io
import os
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # test helpers (leaky.py) for every subfolder
REAL = (ROOT.parent / "shared" / "data" / "real-sample").resolve()


@pytest.fixture(scope="session")
def real_pages():
    """(path, label) of the labelled real pages."""
    import csv
    with open(REAL / "manifest.csv", newline="") as f:
        return [(REAL / "images" / r["filename"], r["label"]) for r in csv.DictReader(f)]


@pytest.fixture(scope="session")
def bad_files(tmp_path_factory, real_pages):
    """One file per kind of bad input, name -> (path, expected error code)."""
    from pypdf import PdfWriter
    d = tmp_path_factory.mktemp("bad")
    page = Image.open(real_pages[0][0]).convert("RGB")
    pdf = io.BytesIO()
    page.save(pdf, "PDF", resolution=100)
    w = PdfWriter()
    w.append(io.BytesIO(pdf.getvalue()))
    w.encrypt("secret")
    w.write(d / "encrypted.pdf")
    PdfWriter().write(d / "zero_pages.pdf")
    (d / "corrupt.pdf").write_bytes(pdf.getvalue()[:400])
    (d / "empty.pdf").write_bytes(b"")
    (d / "notes.pdf").write_text("not a pdf at all\n")
    Image.new("1", (9000, 9000)).save(d / "bomb.png")
    return {"encrypted": (d / "encrypted.pdf", "encrypted"), "zero": (d / "zero_pages.pdf", "no-pages"),
            "corrupt": (d / "corrupt.pdf", "corrupt"), "empty": (d / "empty.pdf", "empty"),
            "text": (d / "notes.pdf", "unsupported"), "bomb": (d / "bomb.png", "too-large")}


@pytest.fixture(scope="session")
def mixed_pdf(tmp_path_factory, real_pages):
    """A PDF of four real pages (two redacted, two clean) and their labels."""
    picks = [p for p in real_pages if p[1] == "redacted"][:2] + [p for p in real_pages if p[1] == "clean"][:2]
    ims = [Image.open(p).convert("RGB") for p, _ in picks]
    path = tmp_path_factory.mktemp("pdf") / "mixed.pdf"
    ims[0].save(path, "PDF", save_all=True, append_images=ims[1:], resolution=100)
    return path, [label for _, label in picks]



@pytest.fixture(scope="session")
def too_long_pdf(tmp_path_factory):
    """A blank PDF one page over the app's page limit."""
    from redactclf.app import MAX_PAGES
    blank = Image.new("L", (85, 110), 255)
    path = tmp_path_factory.mktemp("long") / "long.pdf"
    blank.save(path, "PDF", save_all=True, append_images=[blank] * MAX_PAGES)
    return path


@pytest.fixture(scope="session")
def review_dir(tmp_path_factory):
    """Review queue of the app started by the tests (unused when $ENDPOINT points elsewhere)."""
    return tmp_path_factory.mktemp("review_queue")


@pytest.fixture(scope="session")
def labels_dir(tmp_path_factory):
    """Reviewed-page index of the app started by the tests (unused when $ENDPOINT points elsewhere)."""
    return tmp_path_factory.mktemp("reviewed")


@pytest.fixture(scope="session")
def endpoint(review_dir, labels_dir):
    """Base URL of a running redactclf app."""
    if os.environ.get("ENDPOINT"):
        yield os.environ["ENDPOINT"].rstrip("/") + "/"
        return
    from redactclf.app import local_server
    with local_server({"REDACTCLF_REVIEW_DIR": str(review_dir), "REDACTCLF_LABELS_DIR": str(labels_dir),
                       "REDACTCLF_REVIEW_BATCHES": "", "REDACTCLF_REVIEW": "1",
                       "REDACTCLF_PREDICTION_LOG": str(review_dir.parent / "predictions.jsonl")}) as url:
        yield url
