"""Load benchmark: N concurrent single-page requests to the app's /classify endpoint over loopback.

Prints failures and p50/p95 latency. Uses $ENDPOINT if set, else starts the app on a free port.
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_app():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(180):
        try:
            urllib.request.urlopen(url, timeout=2)
            return url, proc
        except OSError:
            time.sleep(1)
    raise SystemExit("app did not start")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=20, help="concurrent requests")
    ap.add_argument("--page", default=str(ROOT / "examples" / "mueller_cf8c69c1ae.jpg"))
    a = ap.parse_args()
    url, proc = (os.environ["ENDPOINT"], None) if os.environ.get("ENDPOINT") else start_app()
    from gradio_client import Client, handle_file
    try:
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
    finally:
        if proc:
            proc.terminate()


if __name__ == "__main__":
    main()
