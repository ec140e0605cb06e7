"""The lean /classify_pages endpoint through gradio_client: plain JSON verdicts, bad inputs, refusals."""
import json

import httpx
import pytest
from gradio_client import handle_file
from leaky import SECRET, leaky_memo

FIELDS = {"source", "page", "label", "p_redacted", "needs_review", "redacted_share", "content_share", "boxes",
          "frame_size", "warning", "evidence", "status", "error"}


def lean(client, *paths):
    return client.predict([handle_file(str(p)) for p in paths], api_name="/classify_pages")


def test_real_pdf_and_image(client, mixed_pdf, real_pages):
    from redactclf.predict import classify
    pdf, _ = mixed_pdf
    out = lean(client, pdf, real_pages[0][0])
    assert json.loads(json.dumps(out)) == out  # plain JSON, no files or images
    pages = out["pages"]
    assert all(set(p) == FIELDS for p in pages)
    assert [(p["source"], p["page"]) for p in pages] == [("mixed.pdf", i) for i in (1, 2, 3, 4)] + [
        (real_pages[0][0].name, 1)]
    local = classify(pdf) + classify(real_pages[0][0])  # the endpoint says what the pipeline says
    assert [p["label"] for p in pages] == [r.label for r in local]
    assert [p["p_redacted"] for p in pages] == pytest.approx([r.p_redacted for r in local], abs=1e-3)
    assert [(p["needs_review"], len(p["boxes"]), p["frame_size"]) for p in pages] == [
        (r.needs_review, len(r.boxes), list(r.frame_size) if r.frame_size else None) for r in local]
    n_red = sum(p["label"] == "redacted" for p in pages)
    assert (out["n_pages"], out["n_redacted"], out["n_errors"]) == (5, n_red, 0)
    assert f"{n_red} of 5 pages redacted" in out["summary"] and out["model"]


def test_same_verdicts_as_the_page_event(client, real_pages):
    sample = [p for p, _ in real_pages[3::11]]
    out = lean(client, *sample)
    _, table, _, _ = client.predict([handle_file(str(p)) for p in sample], api_name="/classify")
    assert [(p["source"], p["page"], p["label"]) for p in out["pages"]] == [tuple(r[:3]) for r in table["data"]]


def test_verdicts_are_mostly_right_on_real_pages(client, real_pages):
    sample = real_pages[::7]
    out = lean(client, *[p for p, _ in sample])
    right = sum(p["label"] == label for p, (_, label) in zip(out["pages"], sample))
    assert right / len(sample) >= 0.8


def test_bad_inputs_are_records_with_reasons(client, bad_files, real_pages):
    out = lean(client, *[p for p, _ in bad_files.values()], real_pages[0][0])
    pages = out["pages"]
    assert [p["status"] for p in pages[:-1]] == [f"error:{code}" for _, code in bad_files.values()]
    assert pages[-1]["status"] == "ok" and pages[-1]["label"] in ("redacted", "clean")
    assert out["n_errors"] == len(bad_files) and out["n_pages"] == 1
    reasons = " ".join(p["error"] for p in pages[:-1])
    for words in ("password", "no pages", "damaged", "empty", "unsupported", "megapixels"):
        assert words in reasons
    assert "Traceback" not in json.dumps(out)


def test_empty_and_too_long_uploads_are_refused(client, too_long_pdf):
    with pytest.raises(Exception, match="Upload at least one"):
        client.predict([], api_name="/classify_pages")
    with pytest.raises(Exception, match="more than this app handles"):
        lean(client, too_long_pdf)


def test_server_paths_are_refused(client, endpoint):
    # a bare path is not checked by Gradio for a gr.api endpoint: the app refuses it
    with pytest.raises(Exception, match="plain paths are refused"):
        client.predict([{"path": "/etc/passwd"}], api_name="/classify_pages")
    # a FileData naming a file that was never uploaded: Gradio refuses it before the function runs
    base = endpoint.rstrip("/") + "/gradio_api/call/classify_pages"
    with httpx.Client(timeout=60) as http:
        r = http.post(base, json={"data": [[{"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}]]})
        r.raise_for_status()
        stream = http.get(f"{base}/{r.json()['event_id']}").text
    assert "event: error" in stream and "root:" not in stream and "redacted" not in stream


def test_audit_is_optional_and_never_sends_the_hidden_text(client, tmp_path):
    leaky = leaky_memo(tmp_path / "leaky.pdf")
    secret = SECRET
    plain = lean(client, leaky)  # a client that sends only the files gets what it got before the audit existed
    assert set(plain["pages"][0]) == FIELDS
    out = client.predict([handle_file(str(leaky))], True, api_name="/classify_pages")
    p = out["pages"][0]
    assert set(p) == FIELDS | {"leak_check", "leaks"} and p["leak_check"] == "leak"
    assert [(lk["type"], lk["hidden_chars"]) for lk in p["leaks"]] == [("box-over-text", len(secret.replace(" ", "")))]
    assert all({"style", "code", "warning"} <= set(b) for b in p["boxes"])
    assert "1 leaking redaction" in out["summary"] and not any(w in json.dumps(out) for w in ("John", "Smith", "Elm"))
    # the page's event: the codes and leaks columns, the hidden text only when asked for
    _, table, _, _ = client.predict([handle_file(str(leaky))], True, False, api_name="/classify")
    assert table["headers"][6:8] == ["codes", "leaks"] and table["data"][0][7] == "1 leaking redaction"
    _, table, _, _ = client.predict([handle_file(str(leaky))], False, True, api_name="/classify")
    assert table["data"][0][7] == f'1 leaking redaction: "{secret}"'
