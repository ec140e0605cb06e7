"""The `redactclf` console command, run as a user runs it."""
import json
import subprocess
import sys
from pathlib import Path

from leaky import SECRET, SECRET_WORDS, leaky_memo
from redactclf.predict import classify

CLI = str(Path(sys.executable).parent / "redactclf")


def run(*args):
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300)


def test_json_lines_on_real_pages(real_pages):
    paths = [p for p, _ in real_pages[::15]]
    out = run("classify", "--json", *paths)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["source"] for r in rows] == [p.name for p in paths]
    assert all(r["page"] == 1 and r["label"] in ("redacted", "clean") and 0 <= r["p_redacted"] <= 1 for r in rows)
    for r, p in zip(rows, paths):  # the command says what the pipeline function says
        assert abs(r["p_redacted"] - classify(p)[0].p_redacted) < 1e-4


def test_pdf_gives_one_line_per_page(mixed_pdf):
    out = run("classify", mixed_pdf[0])
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert len(lines) == 4 and all(f"page {i}" in line for i, line in enumerate(lines, 1))


def test_bad_inputs_reported_and_run_goes_on(bad_files, real_pages):
    good = real_pages[0][0]
    paths = [p for p, _ in bad_files.values()]
    out = run("classify", "--json", *paths, good)
    assert out.returncode == 1
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r.get("code") for r in rows[:-1]] == [code for _, code in bad_files.values()]
    assert rows[-1]["source"] == good.name and rows[-1]["label"] in ("redacted", "clean")
    assert "Traceback" not in out.stderr and out.stderr.count("error:") == len(bad_files)


def test_plain_output_keeps_warnings_and_long_runs_show_progress(real_pages, tmp_path):
    import matplotlib
    from PIL import Image

    from redactclf.cli import LONG_RUN
    photo = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    long_pdf = tmp_path / "long.pdf"
    ims = [Image.open(p).convert("RGB").reduce(4) for p, _ in real_pages[:LONG_RUN + 2]]
    ims[0].save(long_pdf, "PDF", save_all=True, append_images=ims[1:], resolution=25)
    out = run("classify", photo, long_pdf)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == LONG_RUN + 3 and "warning: this does not look like a document" in lines[0]
    assert [line.split("\t")[2] for line in lines] == [r.label for r in classify(photo) + classify(long_pdf)]
    n = LONG_RUN + 3
    assert f"{n}/{n} pages" in out.stderr and "pages/s" in out.stderr and "ETA" in out.stderr
    assert "pages/s" not in run("classify", "--quiet", long_pdf).stderr


def test_audit_reports_the_leak_never_its_text(tmp_path):
    import fitz
    leaky = leaky_memo(tmp_path / "leaky.pdf")
    scan = tmp_path / "scan.png"  # the same page scanned: no text layer
    fitz.open(leaky)[0].get_pixmap(dpi=100).save(scan)
    out = run("classify", "--audit", "--json", leaky, scan)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["leak_check"] for r in rows] == ["leak", "not checkable"]
    assert [(lk["type"], lk["hidden_chars"]) for lk in rows[0]["leaks"]] == [("box-over-text", len(SECRET.replace(" ", "")))]
    assert "text" not in rows[0]["leaks"][0] and rows[1]["leaks"] == []
    assert all({"style", "code", "warning"} <= set(b) for r in rows for b in r["boxes"])  # whatever boxes the model drew
    assert not any(w in out.stdout + out.stderr for w in SECRET_WORDS)

    plain = run("classify", "--audit", leaky, scan)
    lines = plain.stdout.splitlines()
    assert "\tLEAK: 1 redaction leaks" in lines[0] and "\tcodes=" in lines[0]
    assert "\tleak check: not checkable" in lines[1]
    assert not any(w in plain.stdout + plain.stderr for w in SECRET_WORDS)

    # the leak is in the file, not in the model's map: a page called clean (nothing reaches the threshold) leaks too
    clean = json.loads(run("classify", "--audit", "--json", "--threshold", "1.01", leaky).stdout)
    assert clean["label"] == "clean" and clean["boxes"] == [] and clean["leak_check"] == "leak"

    shown = run("classify", "--show-leaked-text", "--json", leaky)  # implies --audit
    assert json.loads(shown.stdout)["leaks"][0]["text"] == SECRET
    assert f'hidden text: "{SECRET}"' in run("classify", "--show-leaked-text", leaky).stdout


def test_audit_of_a_tidy_redaction_says_no_leak(tmp_path):
    tidy = leaky_memo(tmp_path / "tidy.pdf", secret=False)
    out = run("classify", "--audit", tidy)
    assert out.returncode == 0 and out.stdout.rstrip("\n").split("\t")[7] == "leak check: no leak"
    assert "leak" not in run("classify", tidy).stdout  # without --audit: no audit


def test_monitor_writes_the_html_report_and_exits_1_on_drift(tmp_path):
    import base64
    import io
    import re
    from html import escape

    from PIL import Image

    def log(path, high, ood, day):  # 288 rows of one day: half at P(redacted) 0.05, half at `high`
        path.write_text("".join(json.dumps({"time": f"2026-11-{day}T{h:02d}:{m:02d}:00", "model": "v", "p_redacted": p,
                                            "label": "redacted" if p >= 0.5 else "clean", "ood": ood and m % 20 == 0,
                                            "needs_review": False, "latency_ms": 400.0}) + "\n"
                                for h in range(24) for m in range(0, 60, 10) for p in (0.05, high)))
    log(tmp_path / "ref.jsonl", 0.95, False, 20)
    log(tmp_path / "now.jsonl", 0.65, True, 27)  # P(redacted) moved, half the pages out of domain
    out = run("monitor", tmp_path / "now.jsonl", "--reference", tmp_path / "ref.jsonl", "--html", tmp_path / "out.html")
    assert out.returncode == 1, out.stderr
    rep = json.loads(out.stdout)
    assert "psi" in rep["alerting"] and "ood_share" in rep["alerting"]
    page = (tmp_path / "out.html").read_text()
    assert all(escape(a) in page for a in rep["alerts"])
    srcs = re.findall(r'<img [^>]*src="data:image/png;base64,([^"]+)"', page)
    assert len(srcs) == page.count("<img") == 4
    assert all(Image.open(io.BytesIO(base64.b64decode(s))).format == "PNG" for s in srcs)


RECORDS = Path(__file__).resolve().parent.parent / "docs" / "run-records"


def test_runs_lists_the_committed_records_side_by_side():
    out = run("runs", RECORDS)
    assert out.returncode == 0, out.stderr
    committed = sorted(f.parent.name for f in RECORDS.glob("*/record.json"))
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["run", "date", "snapshot"] and sorted(line.split()[0] for line in lines[1:]) == committed
    v1d = next(line for line in lines if line.split()[0] == "redmap-v1d-20261129-124825")
    assert "376841f9dd75" in v1d and "640x480" in v1d and "92.2% vs 93.8% (676)" in v1d and "refused" in v1d
    rows = {r["run"]: r for r in json.loads(run("runs", "--json", RECORDS).stdout)}
    assert sorted(rows) == committed and rows["redmap-v1d-20261129-124825"]["lr"] == 0.001
    assert rows["redmap-v1d-20261129-124825"]["reason"].startswith("accuracy 0.9216") and rows["redmap-v1c-20261129-121432"]["gate"] == "refused"
    lines = run("runs", "--csv", RECORDS).stdout.splitlines()
    assert lines[0].startswith("run,date,snapshot,epochs") and len(lines) == 1 + len(committed)


def test_retrain_below_the_threshold_does_nothing(tmp_path):
    import os
    labels = tmp_path / "labels.csv"
    labels.write_text("page_id,doc_id,path,label,split,origin,labelled_at,model_version,boxes\n" + "".join(
        f"p{i},d{i},p{i}.png,redacted,train,flag,2100-01-01T00:00:0{i},v,[]\n" for i in range(3)))
    out = run("retrain", "--labels", labels, "--run-dir", tmp_path / "runs" / "r1")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "3 new labels, need 50: nothing to do\n" and not (tmp_path / "runs").exists()
    env = {**os.environ, "REDACTCLF_LABELS_DIR": str(tmp_path / "empty-queue")}  # the review queue's own labels
    out = subprocess.run([CLI, "retrain", "--min-new-labels", "5", "--run-dir", str(tmp_path / "runs" / "r2")],
                         capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0 and out.stdout == "0 new labels, need 5: nothing to do\n"
    out = run("retrain", "--resume", tmp_path / "runs" / "r2")
    assert out.returncode == 1 and "holds no retrain record" in out.stderr and not (tmp_path / "runs").exists()
