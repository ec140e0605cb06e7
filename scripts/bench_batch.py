"""Benchmark: pages/s of the naive fastai `learn.predict` loop, the batch path (ONNX and torch), and rendering alone.

Builds a collection of PDFs from synthetic pages, then times each path in one run and prints the
ratios the batch issue asks for, plus peak memory (RSS) of this process and of the workers.
"""
import argparse
import itertools
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


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=50)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--naive-pages", type=int, default=60, help="pages for the slow learn.predict loop")
    a = ap.parse_args()
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

    from redactclf.batch import run_batch
    rates = {}
    for backend in ("onnx", "torch"):
        t = time.perf_counter()
        s = run_batch([coll], tmp / f"out-{backend}", workers=a.workers, backend=backend, progress=False, thumbs=False)
        rates[backend] = s["pages"] / (time.perf_counter() - t)
        print(f"batch path, {backend} ({a.workers} workers, render included): {rates[backend]:.1f} pages/s")
    best = max(rates, key=rates.get)
    print(f"fastest backend: {best}; batch/naive = {rates[best] / naive:.1f}x; render-only/batch = {render / rates[best]:.2f}x")
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {self_mb:.0f} MB, largest worker {kids_mb:.0f} MB")


if __name__ == "__main__":
    main()
