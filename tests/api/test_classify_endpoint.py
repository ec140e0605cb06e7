"""The /classify endpoint through gradio_client: real verdicts, bad inputs, limits."""
import json
from pathlib import Path

import pytest
from gradio_client import handle_file

from redactclf.app import COLUMNS


def call(client, *paths):
    return client.predict([handle_file(str(p)) for p in paths], api_name="/classify")


def test_real_pdf_and_images(client, mixed_pdf, real_pages):
    from redactclf.predict import classify
    pdf, labels = mixed_pdf
    summary, table, gallery, report = call(client, pdf, real_pages[0][0])
    rows = table["data"]
    assert [r[1] for r in rows] == [1, 2, 3, 4, 1]
    local = classify(pdf) + classify(real_pages[0][0])  # the endpoint says what the pipeline says
    assert [r[2] for r in rows] == [p.label for p in local]
    assert [r[3] for r in rows] == pytest.approx([p.p_redacted for p in local], abs=1e-3)
    assert [r[5] for r in rows] == ["yes" if p.needs_review else "no" for p in local]
    n_red = sum(r[2] == "redacted" for r in rows)
    assert f"{n_red} of 5 pages redacted" in summary and len(gallery) == n_red
    records = json.loads(Path([f for f in report if str(f).endswith(".json")][0]).read_text())
    assert len(records) == 5 and all(r["status"] == "ok" for r in records)
    pdfs = {Path(f).name: f for f in report if str(f).endswith(".pdf")}
    assert pdf_pages(pdfs["annotated_pages.pdf"]) == 5
    assert pdf_pages(pdfs["redacted_pages.pdf"]) == n_red if n_red else "redacted_pages.pdf" not in pdfs


def pdf_pages(path) -> int:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(path)
    n = len(doc)
    doc.close()
    return n


def test_verdicts_are_mostly_right_on_real_pages(client, real_pages):
    sample = real_pages[::7]
    _, table, _, _ = call(client, *[p for p, _ in sample])
    right = sum(row[2] == label for row, (_, label) in zip(table["data"], sample))
    assert right / len(sample) >= 0.8


def test_bad_inputs_get_readable_errors(client, bad_files, real_pages):
    paths = [p for p, _ in bad_files.values()]
    summary, table, _, report = call(client, *paths, real_pages[0][0])
    rows = table["data"]
    assert table["headers"] == COLUMNS
    status, reason = COLUMNS.index("status"), COLUMNS.index("reason")
    # an error row keeps the columns: no verdict, its status and reason in their own columns
    assert [r[status] for r in rows] == [f"error:{code}" for _, code in bad_files.values()] + ["ok"]
    assert all(r[2] in ("", None) and r[reason] for r in rows[:-1])
    assert rows[-1][2] in ("redacted", "clean")
    for words in ("password", "no pages", "damaged", "empty", "unsupported", "megapixels"):
        assert words in summary
    assert "Traceback" not in summary
    records = json.loads(Path([f for f in report if str(f).endswith(".json")][0]).read_text())
    assert [r["status"] for r in records[:-1]] == [f"error:{code}" for _, code in bad_files.values()]


def test_page_limit(client, too_long_pdf):
    with pytest.raises(Exception, match="more than this app handles"):
        call(client, too_long_pdf)


def test_upload_size_limit(client, tmp_path):
    from redactclf.app import MAX_UPLOAD_MB
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_UPLOAD_MB + 1) * 1024 * 1024)
    with pytest.raises(Exception, match="(?i)size|large|exceed"):
        call(client, big)
