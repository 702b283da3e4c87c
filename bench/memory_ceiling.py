"""Peak resident memory of the server over the whole hostile corpus, with every model loaded.

Starts `python app.py`, loads each model with one valid call, sends every hostile file (tests/hostile.py)
to every image endpoint and every hostile zip to the batch classifier, plus a large valid photo-sized
picture to each tab, then reads the server's VmHWM (peak resident set) from /proc. Writes
bench/memory.json; docs/security.md states the figure. The ceiling is 3 GB on this machine.

    python -m bench.memory_ceiling
"""
import json
import os
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
from gradio_client import Client, handle_file
from PIL import Image

from artstudio import presets
from artstudio.testing.browser import app_process
from artstudio.testing.hostile import image_cases, zip_cases
from bench.load_test import calls, write_mask

CEILING_MB = 3 * 1024
OUT = Path(__file__).resolve().parent / "memory.json"


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


def large_picture(path: Path) -> Path:
    """A 4000x3000 picture (12 MP, under the 16 MP scale-down): the largest a tab works on unscaled."""
    Image.effect_mandelbrot((4000, 3000), (-2.2, -1.2, 1.0, 1.2), 60).convert("RGB").save(path, quality=90)
    return path


def measure() -> dict:
    folder = Path(tempfile.mkdtemp(prefix="artstudio-memory-"))
    corpus = {**image_cases(folder), **zip_cases(folder)}
    mask = write_mask(folder / "mask.png")
    big = large_picture(folder / "large.jpg")
    with app_process() as (proc, url):
        client = Client(url, verbose=False)
        endpoints = calls(mask)
        available = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
        for name, call in endpoints.items():
            if name == "generate" or f"/{name}" in available:
                call(client)
        loaded = peak_rss_mb(proc.pid)
        starry = presets.caption("van-gogh_starry-night-1889.jpg")
        outcomes = {}
        for name, path in sorted(corpus.items()) + [("large.jpg", big)]:
            for endpoint, args in {
                    "/classify": [handle_file(str(path)), 3, 0.5],
                    "/stylize": [handle_file(str(path)), starry, None, 1.0, "None", None, 1.0, "None", None, 1.0,
                                 1.0, False, 1024, None],
                    "/inpaint": [{"background": handle_file(str(path)), "layers": [], "composite": None},
                                 handle_file(mask), "Network (trained U-Net)"],
                    "/restore": [handle_file(str(path)), "Clean (noise and JPEG blocks)", 1.0, "Fast (trained here)"],
                    "/classify_batch": [[handle_file(str(path))]]}.items():
                if endpoint not in available:
                    continue
                try:
                    client.predict(*args, api_name=endpoint)
                    outcomes[f"{endpoint} {name}"] = "ok"
                except Exception as err:  # recorded: the bench reports what each case answered
                    outcomes[f"{endpoint} {name}"] = str(err)[:200]
        peak = peak_rss_mb(proc.pid)
    return {"peak_rss_mb": round(peak), "after_loading_models_mb": round(loaded), "ceiling_mb": CEILING_MB,
            "cases": len(outcomes), "outcomes": outcomes}


def main() -> None:
    report = measure()
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    print(f"peak resident memory {report['peak_rss_mb']} MB (models loaded: {report['after_loading_models_mb']} MB) "
          f"over {report['cases']} requests; ceiling {CEILING_MB} MB")
    raise SystemExit(0 if report["peak_rss_mb"] < CEILING_MB else 1)


if __name__ == "__main__":
    main()
