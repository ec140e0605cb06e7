"""Benchmark: synthetic pages per second (goal: 1,000 pages in under 2 minutes on 2 cores)."""
import argparse
import tempfile
import time

from redactclf.synth import make_dataset

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("-n", type=int, default=1000)
ap.add_argument("--workers", type=int, default=2)
a = ap.parse_args()
with tempfile.TemporaryDirectory() as d:
    t = time.perf_counter()
    make_dataset(d, a.n, start=100_000, workers=a.workers)
    s = time.perf_counter() - t
print(f"{a.n} pages in {s:.1f} s = {a.n / s:.1f} pages/s with {a.workers} workers")
