"""Items per second for classify: the plain CLI against the Ray batch path on 1 and 2 local workers.

    pip install -r requirements-scale.txt
    python -m bench.bench_batch [--copies 8]

The test fixtures, copied --copies times each (renamed copies with one changed byte, so every
content hash differs and none is skipped), make the collection. Times include start-up (Ray's and
the model's), as a user waits for them; "model time" counts only the per-item times the workers
report (their sum divided by the workers), the rate a long run approaches. Writes bench/batch.json; docs/scaling.md quotes it.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
OUT = Path(__file__).resolve().parent / "batch.json"


def make_collection(folder: Path, copies: int) -> int:
    count = 0
    for path in sorted(FIXTURES.glob("*.jpg")):
        data = path.read_bytes()
        for i in range(copies):
            (folder / f"{path.stem}-{i}.jpg").write_bytes(data + bytes([i]))   # bytes after the JPEG end
            count += 1
    return count


def timed_run(args: list[str]) -> tuple[float, str]:
    """Wall seconds and stdout of `python -m artstudio ARGS`."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "artstudio", *args], cwd=ROOT, check=False, capture_output=True,
                          text=True, env=dict(os.environ, RAY_AUTH_MODE="disabled"))
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="artstudio-batch-bench-"))
    src = work / "src"
    src.mkdir()
    items = make_collection(src, args.copies)
    report = {"items": items, "machine_cores": os.cpu_count()}
    wall, stdout = timed_run(["classify", *map(str, sorted(src.iterdir())), "--json"])
    model_s = sum(json.loads(line)["ms"] for line in stdout.splitlines() if line.strip()) / 1000
    report["plain_cli"] = {"wall_s": round(wall, 1), "items_per_s": round(items / wall, 2),
                           "items_per_s_model_time": round(items / model_s, 2)}
    for workers in (1, 2):
        dst = work / f"out{workers}"
        wall, _ = timed_run(["batch", "classify", str(src), "--out", str(dst), "--workers", str(workers),
                          "--batch-size", "4"])
        table = pd.read_parquet(dst / "results.parquet")
        busy_s = table["ms"].sum() / 1000 / workers
        report[f"ray_{workers}_workers"] = {"wall_s": round(wall, 1), "items_per_s": round(items / wall, 2),
                                            "items_per_s_model_time": round(items / busy_s, 2),
                                            "errors": int((table["error"] != "").sum())}
    shutil.rmtree(work, ignore_errors=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
