"""Load benchmark: N concurrent single-page requests to the app over loopback (gradio_client).

Prints failures and p50/p95/max latency and the wall time of the burst. Uses $ENDPOINT if set, else starts
the app on a free port. The N clients are created (and each makes one untimed request) before timing:
`Client()` makes several HTTP calls of its own, which are not request latency. The N timed requests are
released together by a barrier; a request's latency runs from that release to its result.

    .venv/bin/python scripts/bench_load.py                     # lean API endpoint /classify_pages
    .venv/bin/python scripts/bench_load.py --api /classify     # the page's event (table, gallery, report files)

DOWNLOAD=0 stops gradio_client downloading the output files of /classify. On an http:// endpoint the clients
skip loading CA certificates (ssl_verify=False: there is no TLS on plain http); an https:// endpoint is verified.
"""
import argparse
import contextlib
import os
import statistics
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def check(api: str, result) -> None:
    """Raise if the answer is not one verdict for one page."""
    if api != "/classify":
        ok = result["n_pages"] == 1 and result["pages"][0]["label"] in ("redacted", "clean")
    else:
        ok = "of 1 page redacted" in result[0]
    if not ok:
        raise ValueError(f"unexpected answer: {str(result)[:200]}")


def burst(clients, api: str, page: str):
    """One request per client, released together; returns (latencies of successes, failures, wall)."""
    from gradio_client import handle_file
    n = len(clients)
    res = [None] * n
    start = {}
    barrier = threading.Barrier(n, action=lambda: start.setdefault("t", time.perf_counter()))

    def one(i):
        f = [handle_file(page)]
        barrier.wait()
        try:
            check(api, clients[i].predict(f, api_name=api))
            res[i] = (time.perf_counter() - start["t"], None)
        except Exception as e:  # noqa: BLE001 - a failure is a result here
            res[i] = (time.perf_counter() - start["t"], e)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = max(r[0] for r in res)
    return sorted(r[0] for r in res if r[1] is None), [r[1] for r in res if r[1] is not None], wall


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=20, help="concurrent requests")
    ap.add_argument("--api", default="/classify_pages", help="endpoint: /classify_pages (lean) or /classify (page)")
    ap.add_argument("--rounds", type=int, default=1, help="bursts to run, one line each")
    ap.add_argument("--page", default=str(ROOT / "examples" / "mueller_cf8c69c1ae.jpg"))
    a = ap.parse_args()
    from gradio_client import Client, handle_file

    from redactclf.app import local_server
    with contextlib.ExitStack() as stack:
        url = os.environ.get("ENDPOINT") or stack.enter_context(local_server())
        download = os.environ.get("DOWNLOAD", "1") == "1"
        # gradio_client makes new httpx clients for every request, and each loads the CA bundle (~35 ms of CPU;
        # encode/httpx#2298): on plain http there is no TLS to verify, so skip it and keep the client's CPU
        # (it runs on the same cores as the server) out of the server's figures
        plain_http = url.startswith("http://")
        clients = [Client(url, verbose=False, download_files=download, ssl_verify=not plain_http) for _ in range(a.n)]
        for c in clients:  # warm-up: the server's first call, and each client's first use, are not timed
            check(a.api, c.predict([handle_file(a.page)], api_name=a.api))
        for _ in range(a.rounds):
            load, cpu = os.getloadavg()[0], time.process_time()
            lat, fails, wall = burst(clients, a.api, a.page)
            cpu = time.process_time() - cpu
            p50 = statistics.median(lat) if lat else float("nan")
            p95 = lat[max(0, int(round(0.95 * len(lat))) - 1)] if lat else float("nan")
            mx = lat[-1] if lat else float("nan")
            print(f"{a.n} concurrent single-page requests to {a.api}: {len(fails)} failures, p50 {p50:.2f} s, "
                  f"p95 {p95:.2f} s, max {mx:.2f} s, wall {wall:.2f} s; client CPU {cpu:.2f} s; load avg before {load:.2f}",
                  flush=True)
            for e in fails[:3]:
                print("failure:", repr(e)[:200])
        for c in clients:
            c.close()


if __name__ == "__main__":
    main()
