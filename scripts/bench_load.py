"""Load benchmark: N concurrent single-page requests to the app's /classify endpoint over loopback.

Prints failures and p50/p95 latency. Uses $ENDPOINT if set, else starts the app on a free port.
"""
import argparse
import contextlib
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=20, help="concurrent requests")
    ap.add_argument("--page", default=str(ROOT / "examples" / "mueller_cf8c69c1ae.jpg"))
    a = ap.parse_args()
    from gradio_client import Client, handle_file

    from redactclf.app import local_server
    with contextlib.ExitStack() as stack:
        url = os.environ.get("ENDPOINT") or stack.enter_context(local_server())
        Client(url, verbose=False).predict([handle_file(a.page)], api_name="/classify")  # warm-up

        def one(_):
            c = Client(url, verbose=False, download_files=os.environ.get("DOWNLOAD", "1") == "1")
            t = time.perf_counter()
            try:
                c.predict([handle_file(a.page)], api_name="/classify")
                return time.perf_counter() - t, None
            except Exception as e:  # noqa: BLE001 - a failure is a result here
                return time.perf_counter() - t, e
        t0 = time.perf_counter()
        with ThreadPoolExecutor(a.n) as ex:
            res = list(ex.map(one, range(a.n)))
        wall = time.perf_counter() - t0
        lat = sorted(r[0] for r in res if r[1] is None)
        fails = [r[1] for r in res if r[1] is not None]
        p95 = lat[max(0, int(round(0.95 * len(lat))) - 1)] if lat else float("nan")
        print(f"{a.n} concurrent single-page requests: {len(fails)} failures, p50 {statistics.median(lat):.2f} s, "
              f"p95 {p95:.2f} s, max {lat[-1]:.2f} s, wall {wall:.2f} s")
        for e in fails[:3]:
            print("failure:", repr(e)[:200])


if __name__ == "__main__":
    main()
