"""Eight gradio_client users at once, mixed endpoints, for a bounded time against a fresh `python app.py`.

Every call must succeed or answer an honest "busy, try again" (Gradio's queue-full reply); the server
must answer a valid request afterwards. Prints p50/p95 latency per endpoint and writes
bench/load_test.json (docs/security.md quotes it).

    python -m bench.load_test [--users 8] [--seconds 60]
"""
import argparse
import json
import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from artstudio import presets
from artstudio.testing.browser import running_app

FIXTURES = ROOT / "tests" / "fixtures"
PAINTING = str(FIXTURES / "hiroshige_prune-orchard-sun.jpg")
PHOTO_LIKE = str(FIXTURES / "alfred-sisley_by-the-loing-1885.jpg")
OUT = Path(__file__).resolve().parent / "load_test.json"


def calls(mask: str) -> dict:
    """Endpoint -> a function making one request with a client."""
    starry = presets.caption("van-gogh_starry-night-1889.jpg")
    return {
        "classify": lambda c: c.predict(handle_file(PAINTING), 3, 0.5, api_name="/classify"),
        "generate": lambda c: c.predict(random.randint(0, 10**6), 0.7, {}, api_name="/edit"),
        "stylize": lambda c: c.predict(handle_file(PHOTO_LIKE), starry, None, 1.0, "None", None, 1.0, "None", None,
                                       1.0, 1.0, False, 256, None, api_name="/stylize"),
        "inpaint": lambda c: c.predict({"background": handle_file(PAINTING), "layers": [], "composite": None},
                                       handle_file(mask), "Network (trained U-Net)", api_name="/inpaint"),
        "restore": lambda c: c.predict(handle_file(PAINTING), "Enlarge x2", 1.0, "Fast (trained here)",
                                       api_name="/restore"),
    }


def is_busy(err: Exception) -> bool:
    return "queue is full" in str(err).lower() and "try again" in str(err).lower()


def user(url: str, index: int, deadline: float, endpoints: dict, results: dict, lock: threading.Lock) -> None:
    client = Client(url, verbose=False)
    names = sorted(endpoints)
    turn = index
    while time.time() < deadline:
        name = names[turn % len(names)]
        turn += 1
        start = time.perf_counter()
        try:
            endpoints[name](client)
            outcome = "ok"
        except Exception as err:  # every failure is recorded and judged below, none is hidden
            outcome = "busy" if is_busy(err) else f"{type(err).__name__}: {err}"
        with lock:
            entry = results.setdefault(name, {"latencies": [], "busy": 0, "errors": []})
            if outcome == "ok":
                entry["latencies"].append(time.perf_counter() - start)
            elif outcome == "busy":
                entry["busy"] += 1
                time.sleep(1.0)
            else:
                entry["errors"].append(outcome[:300])


def summarise(results: dict) -> dict:
    summary = {}
    for name, entry in sorted(results.items()):
        lat = sorted(entry["latencies"])
        summary[name] = {"calls": len(lat), "busy": entry["busy"], "errors": entry["errors"],
                         "p50_s": round(statistics.median(lat), 2) if lat else None,
                         "p95_s": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 2) if lat else None}
    return summary


def run(url: str, users: int, seconds: float, mask: str) -> dict:
    """Drive `users` clients for `seconds`; returns the per-endpoint summary plus the health check."""
    endpoints = calls(mask)
    available = Client(url, verbose=False).view_api(print_info=False, return_format="dict")["named_endpoints"]
    endpoints = {name: fn for name, fn in endpoints.items()
                 if name == "generate" and "/edit" in available or f"/{name}" in available}
    results: dict = {}
    lock = threading.Lock()
    deadline = time.time() + seconds
    threads = [threading.Thread(target=user, args=(url, i, deadline, endpoints, results, lock)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    summary = summarise(results)
    try:
        endpoints["classify"](Client(url, verbose=False))
        healthy = True
    except AppError:
        healthy = False
    return {"users": users, "seconds": seconds, "endpoints": summary, "healthy_after": healthy}


def write_mask(path: Path) -> str:
    from PIL import Image, ImageDraw
    mask = Image.new("L", (224, 224), 0)
    ImageDraw.Draw(mask).rectangle((60, 60, 130, 120), fill=255)
    mask.save(path)
    return str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with running_app() as url:
        report = run(url, args.users, args.seconds, write_mask(Path(tempfile.mkdtemp()) / "mask.png"))
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    for name, entry in report["endpoints"].items():
        print(f"{name:10s} calls {entry['calls']:4d}  p50 {entry['p50_s']} s  p95 {entry['p95_s']} s  "
              f"busy {entry['busy']}  errors {len(entry['errors'])}")
    print(f"healthy after: {report['healthy_after']}")
    failed = any(e["errors"] for e in report["endpoints"].values()) or not report["healthy_after"]
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
