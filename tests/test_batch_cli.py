"""`redactclf batch` as a user runs it: a mixed folder, and a run killed mid-way then resumed."""
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from leaky import SECRET, leaky_memo
import pytest
from PIL import Image

CLI = str(Path(sys.executable).parent / "redactclf")


@pytest.fixture(scope="module")
def collection(tmp_path_factory, real_pages, bad_files):
    """6 PDFs of 6 real pages, one TIFF of 3 pages, and every kind of bad file, in nested folders."""
    root = tmp_path_factory.mktemp("collection")
    (root / "a" / "b").mkdir(parents=True)
    ims = [Image.open(p).convert("RGB") for p, _ in real_pages[:36]]
    for k in range(6):
        part = ims[k * 6:(k + 1) * 6]
        part[0].save(root / ("a" if k % 2 else "a/b") / f"doc{k}.pdf", "PDF", save_all=True, append_images=part[1:], resolution=100)
    tif = [im.copy() for im in ims[:3]]
    tif[0].save(root / "scan.tif", save_all=True, append_images=tif[1:])
    for path, _ in bad_files.values():
        (root / "bad").mkdir(exist_ok=True)
        (root / "bad" / path.name).write_bytes(path.read_bytes())
    return root, 6 * 6 + 3, {path.name: code for path, code in bad_files.values()}


def _pages_stored(db: Path) -> int:
    try:
        with sqlite3.connect(db) as c:
            return c.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_killed_run_resumes_without_loss_or_duplicates(collection, tmp_path):
    root, n_pages, bad = collection
    out = tmp_path / "out"
    args = [CLI, "batch", str(root), "--out", str(out), "--workers", "1", "--chunk", "2", "--quiet"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    t0 = time.time()
    while _pages_stored(out / "results.sqlite") < 6 and time.time() - t0 < 240 and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the run finished before it could be killed; make the collection larger"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _pages_stored(out / "results.sqlite")
    assert 0 < partial < n_pages
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 2, done.stderr  # 2: finished, some files had errors
    with sqlite3.connect(out / "results.sqlite") as c:
        rows = c.execute("SELECT path, page FROM pages").fetchall()
    assert len(rows) == len(set(rows)) == n_pages
    docs = {Path(r["source"]).name: r for r in csv.DictReader(open(out / "documents.csv"))}
    assert len(docs) == 7 + len(bad)  # every input file is accounted for
    assert all(docs[f"doc{k}.pdf"]["status"] == "ok" and docs[f"doc{k}.pdf"]["pages"] == "6" for k in range(6))
    assert docs["scan.tif"]["pages"] == "3"
    for name, code in bad.items():
        assert docs[name]["status"] == f"error:{code}" and docs[name]["error"]
    report = json.loads((out / "report.json").read_text())
    assert report["collection"]["pages"] == n_pages and report["collection"]["files_error"] == len(bad)
    assert "pages classified" in done.stdout and "report.html" in done.stdout


def test_ray_engine_writes_the_same_report(collection, tmp_path):
    pytest.importorskip("ray", reason="Ray is an optional extra: pip install -r requirements-ray.txt")
    root, n_pages, _ = collection
    local = subprocess.run([CLI, "batch", str(root), "--out", str(tmp_path / "local"), "--quiet"], capture_output=True, text=True, timeout=600)
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    ray = subprocess.run([CLI, "batch", str(root), "--out", str(tmp_path / "ray"), "--engine", "ray", "--workers", "2", "--quiet"],
                         capture_output=True, text=True, timeout=900, env=env)
    assert local.returncode == ray.returncode == 2, ray.stderr[-2000:]
    a = list(csv.DictReader(open(tmp_path / "local" / "pages.csv")))
    b = list(csv.DictReader(open(tmp_path / "ray" / "pages.csv")))
    assert len(a) == len(b) == n_pages
    assert [(r["source"], r["page"], r["label"]) for r in a] == [(r["source"], r["page"], r["label"]) for r in b]
    assert open(tmp_path / "local" / "documents.csv").read() == open(tmp_path / "ray" / "documents.csv").read()


def test_report_per_document_and_progress_bar(collection, tmp_path):
    root, _, _ = collection
    out = tmp_path / "out"
    done = subprocess.run([CLI, "batch", str(root / "a"), "--out", str(out), "--workers", "1"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "36/36 pages" in done.stderr and "pages/s" in done.stderr and "ETA" in done.stderr  # the bar, on stderr
    assert "6 files: 6 ok, 0 with errors, 0 unfinished" in done.stdout and "pages/s" not in done.stdout
    report = json.loads((out / "report.json").read_text())
    for d in report["documents"]:  # each document summed from its own page rows
        pages = [p for p in report["pages"] if p["source"] == d["source"]]
        red = sum(p["label"] == "redacted" for p in pages)
        assert d["summary"].startswith(f"{red} of 6 pages redacted") and d["needs_review"] == sum(p["needs_review"] for p in pages)
    assert all({"needs_review", "n_boxes", "redacted_share", "content_share", "boxes"} <= set(p) for p in report["pages"])
    html = (out / "report.html").read_text()
    assert html.count("<tr><td title=") == 6 and html.count("<figure>") == report["collection"]["redacted_pages"]


def test_audit_run_resumes_an_old_store_and_reports_leaks_without_text(tmp_path):
    import fitz
    root = tmp_path / "memos"
    root.mkdir()
    leaky_memo(root / "leaky.pdf")
    tidy = leaky_memo(root / "tidy.pdf", secret=False)
    fitz.open(root / "leaky.pdf")[0].get_pixmap(dpi=100).save(root / "scan.png")
    out = tmp_path / "out"
    out.mkdir()
    with sqlite3.connect(out / "results.sqlite") as db:  # a store of a release before the audit: tidy.pdf done
        db.executescript(f"""
        CREATE TABLE files (path TEXT PRIMARY KEY, status TEXT, error TEXT, pages INTEGER);
        CREATE TABLE tasks (path TEXT, start INTEGER, stop INTEGER, PRIMARY KEY (path, start));
        CREATE TABLE pages (path TEXT, page INTEGER, label TEXT, p_redacted REAL, thumb TEXT, warning TEXT,
            needs_review INTEGER, boxes TEXT, redacted_share REAL, content_share REAL, frame_size TEXT, PRIMARY KEY (path, page));
        INSERT INTO files VALUES ('{tidy.resolve()}', 'ok', '', 1);
        INSERT INTO tasks VALUES ('{tidy.resolve()}', 1, 2);
        INSERT INTO pages VALUES ('{tidy.resolve()}', 1, 'redacted', 0.9, NULL, NULL, 0, '[]', NULL, NULL, '[850, 1100]');""")
    done = subprocess.run([CLI, "batch", str(root), "--out", str(out), "--workers", "1", "--audit"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads((out / "report.json").read_text())
    docs = {Path(d["source"]).name: d for d in report["documents"]}
    assert (docs["leaky.pdf"]["leaks"], docs["leaky.pdf"]["leak_pages"], docs["leaky.pdf"]["leak_types"]) == (
        1, [1], {"box-over-text": 1})
    assert docs["scan.png"]["not_checkable"] == 1 and docs["tidy.pdf"]["audited_pages"] == 0  # done before: not redone
    c = report["collection"]
    assert (c["pages"], c["audited_pages"], c["leaks"], c["documents_with_leaks"]) == (3, 2, 1, 1)
    leak = next(p for p in report["pages"] if p["source"].endswith("leaky.pdf"))["leaks"][0]
    assert leak["hidden_chars"] == len(SECRET.replace(" ", "")) and "text" not in leak
    codes = list(csv.DictReader(open(out / "codes.csv")))
    assert all(set(r) == {"scope", "code", "count", "pages"} for r in codes)
    for line in ("1 leaking redaction in 1 document", "1 page not checkable for leaks (no text layer)",
                 "1 page not audited (classified by an earlier run without --audit)",
                 "  leaky.pdf: 1 leaking redaction on page 1 (box-over-text ×1)"):
        assert line in done.stdout.splitlines(), line
    html = (out / "report.html").read_text()
    assert '<ul id="leaks"><li><b title=' in html and 'href="codes.csv"' in html
    written = done.stdout + done.stderr + "".join(f.read_bytes().decode("latin-1") for f in out.rglob("*") if f.is_file())
    assert not any(w in written for w in ("John", "Smith", "Elm Street"))  # the hidden text: nowhere, the store included

    shown = tmp_path / "shown"
    done = subprocess.run([CLI, "batch", str(root / "leaky.pdf"), "--out", str(shown), "--workers", "1", "--quiet",
                           "--show-leaked-text"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and SECRET not in done.stdout + done.stderr
    assert json.loads((shown / "report.json").read_text())["pages"][0]["leaks"][0]["text"] == SECRET  # asked for
    assert not any(SECRET in (shown / f).read_text() for f in ("report.html", "summary.txt", "pages.csv", "documents.csv"))
