"""Seconds from `python app.py` to the first page being served (the models load after it, in the background).

    python -m bench.first_page [--runs 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from artstudio.testing.browser import free_port


def time_to_first_page() -> float:
    port = free_port()
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", HF_HUB_DISABLE_TELEMETRY="1")
    start = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                    return time.perf_counter() - start
                except OSError:
                    if proc.poll() is not None or time.perf_counter() - start > 120:
                        raise RuntimeError("the app did not start")
                    time.sleep(0.05)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = [time_to_first_page() for _ in range(args.runs)]
    report = {"first_page_s_median": round(statistics.median(times), 2), "runs": [round(t, 2) for t in times]}
    (Path(__file__).resolve().parent / "first_page.json").write_text(json.dumps(report, indent=2) + "\n")
    print(report)


if __name__ == "__main__":
    main()
