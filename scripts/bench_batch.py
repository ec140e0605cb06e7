"""Benchmark: PDF → verdict + boxes, in one run on this machine.

Builds a collection of PDFs from synthetic pages, then times, for the shipped model (or `--model`):

- rendering alone at the model's input size (what the pipeline does: no render-then-resize);
- the network alone (ONNX Runtime, 1 thread per process, as many processes as workers, on
  preprocessed batches): the ceiling the batch path can reach;
- the batch path, `redactclf batch` (render, network, boxes, shares, report rows), end to end;
- the naive loop a newcomer would write: render each page at 100 dpi and call fastai's `learn.predict` on
  it alone (the issue's yardstick), and a stricter one that resizes the page by hand and calls the network;
- for scale, the network alone of the 384x288 page classifier the map replaced (same timm
  architecture, random weights: speed does not depend on the weights), since machines differ.

For a page classifier with a boxes model (the cascade of `export.add_boxes`), the network-only figure is
the classifier on every page plus the map on the share of pages the batch called redacted, and the naive
loop runs the map (fastai, fp32 also where the batch runs its INT8 copy, one page at a time, resized from the
100-dpi render) on the pages the classifier calls redacted and draws their boxes (`page_boxes`, then the grey boxes read
by their code, `with_code_boxes`), as the batch does. A fine boxes network in the cascade
(`export.add_fine_boxes`) runs on the crops its map leaves uncovered (`predict.fine_crops`): the network-only
figure counts its time on those crops (one thread, pages of the collection the classifier calls redacted), and the
naive loop runs it on the same crops (its ONNX file: no fastai model of it is shipped).

and prints the ratios the redaction-map issue asks for, the peak RSS of the workers, and the load
average (other jobs on the machine skew every figure).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def build(folder: Path, docs: int, pages: int):
    from redactclf.synth import make_page
    for d in range(docs):
        ims = [make_page(10_000 + d * pages + p)[0] for p in range(pages)]
        ims[0].save(folder / f"doc{d:03d}.pdf", "PDF", save_all=True, append_images=ims[1:], resolution=100)


def _render_file(args) -> int:
    from redactclf.ingest import iter_pages
    path, size = args
    return sum(1 for _ in iter_pages(path, size=size))


def _net_only(args) -> int:
    """Run an ONNX file `reps` times on a batch of `bs` pages with 1 thread; returns pages done."""
    import numpy as np
    import onnxruntime as ort
    onnx, size, bs, reps = args
    opts = ort.SessionOptions()
    opts.intra_op_num_threads, opts.inter_op_num_threads = 1, 1
    sess = ort.InferenceSession(str(onnx), opts, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).normal(size=(bs, 3, *size)).astype(np.float32)
    name = sess.get_inputs()[0].name
    sess.run(None, {name: x})  # warm-up
    for _ in range(reps):
        sess.run(None, {name: x})
    return bs * reps


def net_rate(onnx, size, workers: int, bs: int = 8, reps: int = 6) -> float:
    """Pages/s of the network alone, `workers` processes of 1 thread each."""
    with ProcessPoolExecutor(workers) as ex:
        list(ex.map(_net_only, [(onnx, size, bs, 1)] * workers))  # start the processes
        t = time.perf_counter()
        n = sum(ex.map(_net_only, [(onnx, size, bs, reps)] * workers))
    return n / (time.perf_counter() - t)


def classifier_onnx(folder: Path, size=(384, 288)) -> Path:
    """The replaced page classifier's network (timm efficientnet_lite0, 2 classes) as ONNX, random weights."""
    import timm
    import torch
    net = timm.create_model("efficientnet_lite0", pretrained=False, num_classes=2).eval()
    out = folder / "classifier.onnx"
    torch.onnx.export(net, torch.zeros(1, 3, *size), str(out), input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, opset_version=17, dynamo=False)
    return out


def fastai_file(onnx_path: Path) -> Path:
    """The fastai model beside a shipped ONNX file or its INT8 copy (`boxes.int8.onnx` -> `boxes.pkl`)."""
    return onnx_path.parent / (onnx_path.name.split(".")[0] + ".pkl")


def naive_loop(files, model, n: int, predict: bool = True) -> float:
    """Pages/s of a page at a time: render at 100 dpi, then fastai's `learn.predict` on it (the issue's naive
    loop), or with `predict=False` the network called on the page resized by hand (a stricter yardstick)."""
    import numpy as np
    import torch
    from fastai.learner import load_learner
    from fastai.vision.core import PILImage

    from redactclf.ingest import iter_pages
    from redactclf.predict import normalize, page_boxes, preprocess, resize_pages, with_code_boxes, with_fine_boxes
    learn = load_learner(model.path.with_suffix(".pkl"), cpu=True)
    net = learn.model.eval()
    done, t = 0, time.perf_counter()
    boxes = None if model.boxes is None else load_learner(fastai_file(model.boxes.path), cpu=True).model.eval()
    with learn.no_bar():
        for f in files:
            for _, im in iter_pages(f):
                if predict:
                    redacted = learn.predict(PILImage.create(np.asarray(im.convert("RGB"))))[0] == "redacted"
                else:
                    with torch.inference_mode():
                        out = net(torch.from_numpy(preprocess([im], model.input_size)))
                    out = np.asarray(out[0] if isinstance(out, tuple) else out)
                    redacted = out.ndim == 2 and out[0, 1] > out[0, 0]
                if boxes is not None and redacted:  # the cascade: the map where redacted, its boxes, the fine stage's
                    small = resize_pages([im], model.boxes.input_size)
                    with torch.inference_mode():
                        cells = torch.sigmoid(boxes(torch.from_numpy(normalize(small)))[1][:, 0]).numpy()
                    found = page_boxes(cells[0], small[0], im.size, True, **model.boxes.box_params)
                    again = lambda nums, size, im=im: {1: im if im.size == size[::-1] else im.resize(size[::-1])}  # noqa: E731
                    if model.fine is not None:
                        found = with_fine_boxes(model, [found], cells, small, [im.size], [1], lambda nums, size, im=im: {1: im})[0]
                    with_code_boxes([found], small, [im.size], [1], again)
                done += 1
                if done >= n:
                    return done / (time.perf_counter() - t)
    return done / (time.perf_counter() - t)


def fine_crop_seconds(files, model, n: int) -> tuple[float, float]:
    """Seconds of the fine boxes network (ONNX, 1 thread) per page called redacted, on the crops the pipeline runs it on
    (`predict.fine_crops`), over the first `n` pages of `files`; and the crops' mean share of the page."""
    from redactclf.ingest import iter_pages
    from redactclf.predict import crop_maps, load_model, normalize, page_boxes, page_crops, resize_pages
    fine = load_model(model.fine.path, backend="onnx", threads=1)
    H, W = fine.input_size
    seconds, shares, done = 0.0, [], 0
    for f in files:
        for _, im in iter_pages(f):
            done += 1
            if done > n:
                break
            if model.predict_images([im])[0] < 0.5:
                continue
            small = resize_pages([im], model.boxes.input_size)
            cells = model.boxes.run_batch(normalize(small))[1]
            found = page_boxes(cells[0], small[0], im.size, True, **model.boxes.box_params)
            crops = page_crops(model, found["boxes"], cells[0], small[0], im.size)
            x = resize_pages([im], fine.input_size)[0]
            t = time.perf_counter()
            if crops:
                crop_maps(fine, x, crops)
            seconds += time.perf_counter() - t
            shares.append(sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in crops) / (W * H))
        if done > n:
            break
    return seconds / max(1, len(shares)), sum(shares) / max(1, len(shares))


def text_layer_pdfs(n: int, max_pages: int = 30) -> list[Path]:
    """`n` real PDFs of the pool (one per document, at most `max_pages` pages) whose labelled pages all have a
    text layer (the leak check's work), from every source in turn."""
    from redactclf.dataset import pool_table
    from redactclf.ingest import count_pages
    pool = pool_table()
    docs = pool.groupby("path").agg(source=("source", "first"), text=("text_layer", lambda s: set(s) == {"yes"}))
    docs = docs[docs.text & docs.index.str.endswith(".pdf")]
    docs = docs[[count_pages(x) <= max_pages for x in docs.index]]
    order = docs.assign(k=docs.groupby("source").cumcount()).sort_values(["k", "source"])
    return [Path(x) for x in order.index[:n]]


_BATCH = """
import json, resource, sys, time
from redactclf.batch import run_batch
folder, out, workers, model, audit = json.loads(sys.argv[1])
t = time.perf_counter()
s = run_batch([folder], out, workers=workers, model_path=model, progress=False, thumbs=False, audit=audit)
print(json.dumps({"pages": s["pages"], "redacted_pages": s["redacted_pages"], "seconds": time.perf_counter() - t,
                  "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def timed_batch(folder: Path, out: Path, workers: int, model, audit: bool = False) -> dict:
    """`run_batch` in a fresh Python process, as `redactclf batch` runs it: its workers do not inherit this
    script's imports (torch, for the classifier's export), so their peak RSS is the batch's own.
    Returns pages, seconds, pages_per_s and worker_peak_mb."""
    args = json.dumps([str(folder), str(out), workers, None if model is None else str(model), audit])
    r = json.loads(subprocess.run([sys.executable, "-c", _BATCH, args], check=True, capture_output=True,
                                  text=True).stdout.strip().splitlines()[-1])
    return {**r, "pages_per_s": r["pages"] / r["seconds"]}


def audit_cost(model_path, workers: int, n: int, tmp: Path):
    """Batch pages/s on real text-layer PDFs without and with `--audit`, and the time it adds per page."""
    import shutil

    files = text_layer_pdfs(n)
    folder = tmp / "text-layer"
    folder.mkdir()
    for i, f in enumerate(files):
        shutil.copy(f, folder / f"{i:03d}.pdf")
    rates = {}
    for audit in (False, True):
        s = timed_batch(folder, tmp / f"audit-{audit}", workers, model_path, audit)
        rates[audit] = s["pages_per_s"]
    added = rates[False] / rates[True] - 1
    print(f"real text-layer PDFs ({len(files)} files, {s['pages']} pages): batch {rates[False]:.1f} pages/s, "
          f"with --audit {rates[True]:.1f} pages/s: +{100 * added:.0f}% time per page (goal <= 30%): "
          f"{'met' if added <= 0.30 else 'NOT met'}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=30)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--model", default=None, help="model file (default: the shipped models/model.onnx)")
    ap.add_argument("--naive-pages", type=int, default=40, help="pages for the naive one-page-at-a-time loop")
    ap.add_argument("--audit-pdfs", type=int, default=0,
                    help="also time --audit on this many real text-layer PDFs of the pool (0: skip)")
    a = ap.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    tmp = Path(tempfile.mkdtemp())
    coll = tmp / "coll"
    coll.mkdir()
    t = time.perf_counter()
    build(coll, a.docs, a.pages)
    print(f"collection: {a.docs} PDFs x {a.pages} pages = {a.docs * a.pages} pages "
          f"(built in {time.perf_counter() - t:.0f} s)")
    files = sorted(coll.glob("*.pdf"))

    from redactclf.predict import load_model
    model = load_model(a.model)
    size = model.input_size
    print(f"model: {model.path.name} ({model.kind}, {model.backend}, input {size[0]}x{size[1]})")

    t = time.perf_counter()
    with ProcessPoolExecutor(a.workers) as ex:
        n = sum(ex.map(_render_file, [(f, size) for f in files]))
    render = n / (time.perf_counter() - t)
    print(f"render only at the model's size ({a.workers} processes): {render:.1f} pages/s")

    onnx = model.path.with_suffix(".onnx")
    net = net_rate(onnx, size, a.workers)
    print(f"network only ({a.workers} processes x 1 thread, batch 8): {net:.1f} pages/s")
    old = net_rate(classifier_onnx(tmp), (384, 288), a.workers)
    print(f"network only of the 384x288 page classifier, same run: {old:.1f} pages/s")

    s = timed_batch(coll, tmp / "out", a.workers, a.model)
    batch, kids_mb = s["pages_per_s"], s["worker_peak_mb"]
    print(f"batch path, PDF → verdict + boxes ({a.workers} workers, everything included): {batch:.1f} pages/s")
    if model.boxes is not None:  # the cascade: the map runs again on the pages called redacted
        share = s["redacted_pages"] / s["pages"]
        boxes_net = net_rate(model.boxes.path, model.boxes.input_size, a.workers)
        net = 1 / (1 / net + share / boxes_net)
        print(f"boxes model network only: {boxes_net:.1f} pages/s, on the {share:.0%} of pages called redacted: "
              f"cascade network only {net:.1f} pages/s")
        if model.fine is not None:  # and the fine boxes network after it, on its crops
            whole = net_rate(model.fine.path, model.fine.input_size, a.workers, bs=1, reps=8)
            per_page, crop_share = fine_crop_seconds(files, model, a.naive_pages)
            fine_net = a.workers / per_page  # pages called redacted per second, one page a process
            net = 1 / (1 / net + share / fine_net)
            print(f"fine boxes network only: {whole:.1f} pages/s on whole pages; on its crops ({crop_share:.0%} of a page "
                  f"called redacted) {fine_net:.1f} pages/s; with it, cascade network only {net:.1f} pages/s")

    naive = naive_loop(files, model, a.naive_pages)
    print(f"naive loop (100-dpi render, fastai learn.predict one page at a time): {naive:.1f} pages/s")
    naive_net = naive_loop(files, model, a.naive_pages, predict=False)
    print(f"stricter naive loop (100-dpi render, resize, the network called on one page at a time): {naive_net:.1f} pages/s")

    if a.audit_pdfs:
        audit_cost(a.model, a.workers, a.audit_pdfs, tmp)

    goal = 20.0 if old >= 140 else 0.15 * old
    print(f"\nbatch pages/s {batch:.1f} vs goal {goal:.1f} "
          f"({'20 pages/s' if old >= 140 else '15% of the classifier network: this machine is slower'}): "
          f"{'met' if batch >= goal else 'NOT met'}")
    print(f"end-to-end / network-only = {batch / net:.2f} (goal >= 0.75): {'met' if batch >= 0.75 * net else 'NOT met'}")
    print(f"batch / naive learn.predict loop = {batch / naive:.1f}x (goal >= 2.5x): {'met' if batch >= 2.5 * naive else 'NOT met'}"
          f"; batch / stricter naive loop = {batch / naive_net:.1f}x")
    print(f"peak RSS of the largest worker: {kids_mb:.0f} MB (goal <= 1536 MB): "
          f"{'met' if kids_mb <= 1536 else 'NOT met'}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
