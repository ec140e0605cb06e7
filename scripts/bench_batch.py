"""Benchmark: pages/s of the naive fastai `learn.predict` loop, the batch path, and rendering alone.

Builds a collection of PDFs from synthetic pages, then times each path in one run and prints the
ratios the batch issue asks for (for the path `redactclf batch` uses by default: ONNX Runtime fp32,
or the INT8 copy with REDACTCLF_PRECISION=int8), plus peak memory (RSS) of this process and of the workers,
and the load average (other jobs on the machine skew every figure).
"""
import argparse
import itertools
import os
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def build(folder: Path, docs: int, pages: int):
    from redactclf.synth import make_page
    for d in range(docs):
        ims = [make_page(10_000 + d * pages + p)[0] for p in range(pages)]
        ims[0].save(folder / f"doc{d:03d}.pdf", "PDF", save_all=True, append_images=ims[1:], resolution=100)


def _render_file(path) -> int:
    from redactclf.ingest import iter_pages
    return sum(1 for _ in iter_pages(path))


def stages(files, n: int):
    """Where a page's time goes on one core: render, resize + normalize, document check, inference."""
    from redactclf.ingest import iter_pages
    from redactclf.predict import document_likeness, load_model, normalize, resize_pages
    model = load_model(threads=1)
    t = {"render": 0.0, "resize+normalize": 0.0, "document check": 0.0, "inference": 0.0}
    done = 0
    for f in files:
        t0 = time.perf_counter()
        ims = [im for _, im in iter_pages(f)][: n - done]
        t1 = time.perf_counter()
        small = resize_pages(ims, model.input_size)
        x = normalize(small)
        t2 = time.perf_counter()
        for s in small:
            document_likeness(s)
        t3 = time.perf_counter()
        model.predict_batch(x)
        t4 = time.perf_counter()
        for k, dt in zip(t, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            t[k] += dt
        done += len(ims)
        if done >= n:
            break
    ms = {k: v / done * 1000 for k, v in t.items()}
    print(f"per page on 1 core ({done} pages): " + ", ".join(f"{k} {v:.1f} ms" for k, v in ms.items())
          + f"; total {sum(ms.values()):.1f} ms, so at most {2000 / sum(ms.values()):.0f} pages/s on 2 cores, "
          f"and inference alone caps it at {2000 / ms['inference']:.0f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=50)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--naive-pages", type=int, default=60, help="pages for the slow learn.predict loop")
    ap.add_argument("--stage-pages", type=int, default=120, help="pages for the per-stage timing")
    ap.add_argument("--compare", default="onnx-int8", help="other backends to time, comma-separated (onnx-int8, torch; '' for none)")
    a = ap.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    tmp = Path(tempfile.mkdtemp())
    coll = tmp / "coll"
    coll.mkdir()
    t = time.perf_counter()
    build(coll, a.docs, a.pages)
    total = a.docs * a.pages
    print(f"collection: {a.docs} PDFs x {a.pages} pages = {total} pages (built in {time.perf_counter() - t:.0f} s)")
    files = sorted(coll.glob("*.pdf"))

    t = time.perf_counter()
    with ProcessPoolExecutor(a.workers) as ex:
        n = sum(ex.map(_render_file, files))
    render = n / (time.perf_counter() - t)
    print(f"render only ({a.workers} processes): {render:.1f} pages/s")

    from redactclf.batch import run_batch
    from redactclf.predict import load_model
    used = load_model()
    print(f"default batch model: {used.path.name} ({used.backend}, {used.precision})")
    rates = {}
    for backend in ["auto"] + [b for b in a.compare.split(",") if b]:
        t = time.perf_counter()
        s = run_batch([coll], tmp / f"out-{backend}", workers=a.workers, backend=backend, progress=False, thumbs=False)
        rates[backend] = s["pages"] / (time.perf_counter() - t)
        name = "default" if backend == "auto" else backend
        print(f"batch path, {name} ({a.workers} workers, render included): {rates[backend]:.1f} pages/s")
    kids_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # before fastai is loaded here
    stages(files, a.stage_pages)

    from fastai.learner import load_learner

    from redactclf.core import models_dir
    from redactclf.ingest import iter_pages
    learn = load_learner(models_dir() / "model.pkl", cpu=True)
    pages = list(itertools.islice((im for f in files for _, im in iter_pages(f)), a.naive_pages))
    t = time.perf_counter()
    with learn.no_bar():
        for im in pages:
            learn.predict(im)
    naive = len(pages) / (time.perf_counter() - t)
    print(f"naive learn.predict loop (render excluded, {len(pages)} pages): {naive:.1f} pages/s; "
          f"with single-process rendering: {1 / (1 / naive + a.workers / render):.1f} pages/s")
    d = rates["auto"]
    print(f"default path: batch/naive = {d / naive:.1f}x; render-only/batch = {render / d:.2f}x; "
          + "; ".join(f"default/{b} = {d / r:.2f}x" for b, r in rates.items() if b != "auto"))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: this process {self_mb:.0f} MB (fastai loaded for the naive loop), "
          f"largest render or batch worker {kids_mb:.0f} MB")


if __name__ == "__main__":
    main()
