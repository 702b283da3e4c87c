"""Command line: `python -m artstudio serve|classify|generate|stylize|inpaint|restore ...`.

With --json every output item prints one JSON object on its own stdout line; logs go to stderr.
Bad input gives a one-line error on stderr, the rest of the batch still runs, and the exit code is 1.
A model that is not installed gives its one-line message and exit code 2.
"""
import argparse
import json
import sys
from pathlib import Path

from artstudio.server import add_serve_arguments, serve
from artstudio.specs import GENERATE, SPECS


class Run:
    """Counts failures and prints results the way the contract says."""

    def __init__(self, as_json: bool) -> None:
        self.as_json, self.failures = as_json, 0

    def error(self, message: str) -> None:
        self.failures += 1
        print(f"error: {message}", file=sys.stderr, flush=True)

    def emit(self, record: dict, human: str) -> None:
        print(json.dumps(record) if self.as_json else human, flush=True)

    def exit_code(self) -> int:
        return 1 if self.failures else 0


def load_model(name: str):
    from artstudio.models import registry
    from artstudio.weights import WeightsError
    try:
        return registry.get(name)
    except WeightsError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2)


def parse_directions(items: list[str]) -> dict[str, float]:
    sliders = {}
    for item in items:
        name, sep, value = item.rpartition("=")
        try:
            sliders[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise SystemExit(f"error: --direction {item!r} must look like NAME=VALUE, e.g. brightness=1.5")
    return sliders


def cmd_generate(args: argparse.Namespace, run: Run) -> None:
    from artstudio.jobs import timed
    from artstudio.recipe import make_recipe, save_png
    truncation = args.truncation
    sliders = parse_directions(args.direction)
    generator = load_model("generator")
    unknown = set(sliders) - set(generator.direction_names)
    if unknown:
        raise SystemExit(f"error: unknown direction(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(generator.direction_names)}")
    for seed in range(args.seed, args.seed + args.count):
        image, ms = timed(generator.sample, seed, truncation, sliders)
        params = {"seed": seed, "truncation": truncation, "sliders": sliders,
                  "w": generator.latent(seed, truncation).tolist()}
        out = save_png(image, args.out / f"seed{seed}.png", make_recipe("generate", generator.name, generator.sha256, params))
        run.emit({"path": str(out), "seed": seed, "ms": ms}, f"seed {seed} -> {out} ({ms:.0f} ms)")


def human_line(command: str, path: str, record: dict) -> str:
    if command == "classify":
        line = f"{path}: " + ", ".join(f"{t['label']} {t['prob']:.1%}" for t in record["top"])
        if "artists" in record:
            artist, year = record["artists"][0], record["year"]
            known = "" if record["artist_known"] else " (probably none of the artists it knows)"
            line += (f"; artist {artist['label']} {artist['prob']:.1%}{known}; "
                     f"year about {year['estimate']} ({year['low']}-{year['high']})")
        return line
    return f"{path} -> {record['path']} ({record['ms']:.0f} ms)"


def cmd_items(args: argparse.Namespace, run: Run) -> None:
    """classify, stylize, inpaint, restore: every input through artstudio.jobs, one record each."""
    from artstudio.jobs import ItemError, prepare
    from artstudio.models.custom_labels import LabelSetError
    from artstudio.weights import WeightsError
    try:
        process = prepare(args.command, args)
    except WeightsError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2)
    except (LabelSetError, ValueError) as err:
        raise SystemExit(f"error: {err}")
    for path in args.images:
        try:
            record = process(Path(path), getattr(args, "out", None))
        except ItemError as err:
            run.error(str(err))
            continue
        except WeightsError as err:
            print(f"error: {err}", file=sys.stderr)
            raise SystemExit(2)
        run.emit(record, human_line(args.command, path, record))


TASK_HELP = {"classify": "art movement, artist and year of paintings", "stylize": "transfer a style onto pictures",
             "inpaint": "fill masked regions", "restore": "clean noise, JPEG blocks and blur out of pictures, enlarge them, or both"}


def add_task_options(p: argparse.ArgumentParser, command: str) -> None:
    """The options of classify, stylize, inpaint and restore, shared by the plain and the batch forms:
    the task's spec (artstudio/specs.py), plus the inputs that are files rather than settings."""
    if command == "classify":
        p.add_argument("--labels", help="a saved custom label set instead of the 11 movements")
    elif command == "stylize":
        p.add_argument("--style", required=True, help="an image file or a preset name (e.g. van-gogh)")
    elif command == "inpaint":
        p.add_argument("--masks", type=Path, required=True, help="folder with a PNG mask per image (same stem)")
    SPECS[command].add_arguments(p)


def build_parser() -> argparse.ArgumentParser:
    prog = "artstudio" if Path(sys.argv[0]).name == "artstudio" else "python -m artstudio"   # pip's command
    parser = argparse.ArgumentParser(prog=prog, description="ArtStudio from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(sub.add_parser("serve", help="start the web app (same as app.py)"))

    p = sub.add_parser("generate", help="new paintings from the GAN")
    GENERATE.add_arguments(p)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--direction", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--json", action="store_true")

    for command, help_text in TASK_HELP.items():
        p = sub.add_parser(command, help=help_text)
        p.add_argument("images", nargs="+", metavar="IMAGE")
        add_task_options(p, command)
        if command != "classify":
            p.add_argument("--out", type=Path, required=True)
        p.add_argument("--json", action="store_true")

    batch = sub.add_parser("batch", help="a whole collection on Ray (pip install -r requirements-scale.txt)")
    tasks = batch.add_subparsers(dest="task_command", required=True)
    for command, help_text in TASK_HELP.items():
        p = tasks.add_parser(command, help=help_text)
        p.add_argument("src", type=Path, help="a folder of pictures (searched recursively) or a file listing them")
        add_task_options(p, command)
        p.add_argument("--out", type=Path, required=True, help="outputs and results.parquet / results.csv")
        p.add_argument("--address", help="a Ray cluster: auto, HOST:6379 or ray://HOST:10001 (default: start one here)")
        p.add_argument("--workers", type=int, default=2, help="actors, each with the model loaded once")
        p.add_argument("--batch-size", type=int, default=8)
    return parser


def cmd_batch(args: argparse.Namespace) -> int:
    try:
        from artstudio import batch
    except ImportError:
        print("error: batch needs Ray: pip install -r requirements-scale.txt", file=sys.stderr)
        return 2
    options = {k: v for k, v in vars(args).items()
               if k not in ("command", "task_command", "src", "out", "address", "workers", "batch_size")}
    rows = batch.run(args.task_command, args.src, args.out.resolve(), options, args.address, args.workers,
                     args.batch_size)
    return 1 if (rows["error"] != "").any() else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        serve(args)
        return 0
    if args.command == "batch":
        return cmd_batch(args)
    try:
        SPECS[args.command].check_arguments(args)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if args.command == "restore" and args.task == "upscale" and args.scale == 1:
        print("error: --task upscale needs --scale 2 or 4 (use --task denoise or auto to clean at the same size)",
              file=sys.stderr)
        return 1
    if getattr(args, "out", None):
        args.out.mkdir(parents=True, exist_ok=True)
    run = Run(args.json)
    (cmd_generate if args.command == "generate" else cmd_items)(args, run)
    return run.exit_code()
