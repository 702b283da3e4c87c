"""Whole collections through any ArtStudio model on Ray Data: a laptop or a cluster, the same code.

`python -m artstudio batch classify|stylize|inpaint|restore SRC --out DST [task options] [--address A]
[--workers N] [--batch-size B]`. Ray Data's `map_batches` runs an actor pool; each actor loads the
model once through the same model layer as the app (artstudio.jobs.prepare) and processes its
batches, on a GPU when the cluster has one. DST gets the outputs (SRC's folders mirrored) and one
results table, `results.parquet` and `results.csv` (input, output, labels; for classify the top
artist, its probability, whether it is a known artist, the year and its interval; ms, error, node, hash).

Resumable: a rerun skips every input whose content hash already has a result without error and
an existing output. Outputs are written under a name fixed by the input and atomically (temporary
file, then rename), so an item that Ray retries after a lost worker is never written twice. A bad
file is one error row; the exit code is 1 when any row has an error.
Ray is optional (requirements-scale.txt): only this module imports it.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

import pandas as pd
import ray

from artstudio.weights import sha256_of

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ["input", "output", "labels", "artist", "artist_prob", "artist_known", "year", "year_low", "year_high",
           "ms", "error", "node", "hash"]


def list_inputs(src: Path) -> list[tuple[Path, Path]]:
    """(input file, its folder relative to SRC) for a folder (every file below it but hidden ones: one
    that is not an image becomes an error row) or a list file (one path a line)."""
    if src.is_dir():
        files = sorted(p for p in src.rglob("*") if p.is_file() and not p.name.startswith("."))
        return [(p, p.parent.relative_to(src)) for p in files]
    lines = [line.strip() for line in src.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return [(Path(line), Path(".")) for line in lines]


def read_results(dst: Path) -> pd.DataFrame:
    path = dst / "results.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=COLUMNS)


def write_results(table: pd.DataFrame, dst: Path) -> None:
    """Both tables, each written to a temporary file first and renamed (never half-written)."""
    for name, write in (("results.parquet", lambda p: table.to_parquet(p, index=False)),
                        ("results.csv", lambda p: table.to_csv(p, index=False))):
        tmp = dst / f".{name}.tmp"
        write(tmp)
        tmp.replace(dst / name)


class Worker:
    """One Ray actor: loads the task's model once, then turns batches of inputs into result rows."""

    def __init__(self, command: str, options: dict, threads: int) -> None:
        os.environ["ARTSTUDIO_THREADS"] = str(threads)
        from artstudio.jobs import prepare
        self.process = prepare(command, argparse.Namespace(**options))
        self.writes_files = command != "classify"
        self.node = ray.get_runtime_context().get_node_id()

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        from artstudio.jobs import ItemError
        rows = []
        for item in batch.itertuples(index=False):
            out_dir = Path(item.out_dir)
            out_dir.mkdir(parents=True, exist_ok=True)
            try:
                record, error = self.process(Path(item.input), out_dir), ""
            except ItemError as err:
                record, error = {}, str(err)
            rows.append({"input": item.input, "output": record.get("path", "") if self.writes_files else "",
                         "labels": json.dumps(record["top"]) if "top" in record else "", **attribution_columns(record),
                         "ms": float(record.get("ms", 0.0)), "error": error, "node": self.node, "hash": item.hash})
        return pd.DataFrame(rows, columns=COLUMNS)


def attribution_columns(record: dict) -> dict:
    """A classify record's top artist and year as table columns (empty for other tasks, or without the head)."""
    if "artists" not in record:
        return {"artist": "", "artist_prob": None, "artist_known": None, "year": None, "year_low": None,
                "year_high": None}
    year = record["year"]
    return {"artist": record["artists"][0]["label"], "artist_prob": record["artists"][0]["prob"],
            "artist_known": record["artist_known"], "year": year["estimate"], "year_low": year["low"],
            "year_high": year["high"]}


def pending(inputs: list[tuple[Path, Path]], dst: Path, previous: pd.DataFrame) -> tuple[list[dict], int]:
    """Items still to do (as Ray Data rows) and how many were skipped as already done."""
    done = {h for h, out, err in zip(previous["hash"], previous["output"], previous["error"])
            if not err and (not out or Path(out).exists())}
    items, skipped = [], 0
    for path, folder in inputs:
        digest = sha256_of(path) if path.is_file() else f"missing:{path}"
        if digest in done:
            skipped += 1
            continue
        items.append({"input": str(path), "hash": digest, "out_dir": str(dst / folder)})
    return items, skipped


def connect(address: str | None) -> None:
    """Join a cluster at `address`, or start a local Ray on this machine."""
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    for name in ("ARTSTUDIO_WEIGHTS", "ARTSTUDIO_HOME"):
        if name in os.environ:
            env[name] = os.environ[name]
    ray.init(address=address, runtime_env={"env_vars": env}, log_to_driver=False, include_dashboard=False,
             configure_logging=False)


def run(command: str, src: Path, dst: Path, options: dict, address: str | None = None, workers: int = 2,
        batch_size: int = 8) -> pd.DataFrame:
    """Process every pending input of SRC; returns this run's rows (the merged table is in DST)."""
    dst.mkdir(parents=True, exist_ok=True)
    previous = read_results(dst)
    items, skipped = pending(list_inputs(src), dst, previous)
    start = time.perf_counter()
    rows = pd.DataFrame(columns=COLUMNS)
    if items:
        connect(address)
        gpus = ray.cluster_resources().get("GPU", 0) > 0
        # every worker loaded before work is handed out, then one batch at a time per worker: otherwise
        # the first worker ready takes the whole collection (seen on a two-node CI cluster)
        context = ray.data.DataContext.get_current()
        context.wait_for_min_actors_s = 600
        context.max_tasks_in_flight_per_actor = 1
        dataset = ray.data.from_items(items).map_batches(
            Worker, batch_size=batch_size, batch_format="pandas", concurrency=workers,
            fn_constructor_kwargs={"command": command, "options": options, "threads": 1},
            num_gpus=1 if gpus else 0, num_cpus=1)
        rows = dataset.to_pandas()
    merged = pd.concat([previous[~previous["hash"].isin(rows["hash"])], rows], ignore_index=True)
    write_results(merged, dst)
    failed = int((rows["error"] != "").sum())
    print(f"{len(rows) - failed} done, {failed} failed, {skipped} skipped as already done, "
          f"in {time.perf_counter() - start:.1f} s; results in {dst / 'results.parquet'}", file=sys.stderr, flush=True)
    return rows
