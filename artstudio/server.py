"""Launch the web app with the command-line flags shared by `app.py` and `python -m artstudio serve`."""
import argparse
import os
import sys
import threading

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

from artstudio.gallery import DEFAULT_MAX_MB  # noqa: E402  (after the environment: nothing here imports Gradio)


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                        help="address to listen on (0.0.0.0 for your network)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", 7860)))
    parser.add_argument("--root-path", default=os.environ.get("GRADIO_ROOT_PATH", ""),
                        help="the URL prefix when served behind a reverse proxy, e.g. /artstudio")
    parser.add_argument("--share", action="store_true", help="also ask for a public gradio.live link (needs --auth)")
    parser.add_argument("--share-without-auth", action="store_true",
                        help="allow --share without --auth: anyone with the link can use this machine")
    parser.add_argument("--auth", default=os.environ.get("ARTSTUDIO_AUTH"),
                        help="USER:PASS required to open the app (or set ARTSTUDIO_AUTH)")
    parser.add_argument("--max-upload-mb", type=positive_megabytes, default=50, help="largest upload accepted")
    parser.add_argument("--max-output-mb", type=positive_megabytes,
                        default=float(os.environ.get("ARTSTUDIO_MAX_OUTPUT_MB", 2000)),
                        help="cap on the outputs folder; the oldest files go first beyond it")
    parser.add_argument("--max-gallery-mb", type=positive_megabytes,
                        default=float(os.environ.get("ARTSTUDIO_MAX_GALLERY_MB", DEFAULT_MAX_MB)),
                        help="cap on every visitor's gallery together (under ARTSTUDIO_HOME); the oldest go first")


def positive_megabytes(value: str) -> float:
    try:
        megabytes = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of megabytes")
    if not 0 < megabytes <= 10_000:
        raise argparse.ArgumentTypeError("must be above 0 and at most 10000")
    return megabytes


def upload_limit_bytes(args: argparse.Namespace) -> int:
    """Gradio's max_file_size in bytes (its "100.0mb" string form is refused by its own parser)."""
    return int(args.max_upload_mb * 2**20)


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise SystemExit("--auth must look like USER:PASS")
    return user, password


def allowed_paths() -> list[str]:
    """Folders the app serves files from: outputs, and the gallery (file names there are random)."""
    from artstudio.outputs import OUTPUT_DIR
    from artstudio.tabs import gallery
    return [str(OUTPUT_DIR), str(gallery.store().root.resolve())]


def serve(args: argparse.Namespace) -> None:
    from artstudio.models import registry
    from artstudio.outputs import set_max_output_mb
    from artstudio.tabs import gallery
    from artstudio.ui import PAGE_CSS, build_app

    auth = parse_auth(args.auth)
    if args.share and auth is None:
        if not args.share_without_auth:
            raise SystemExit("--share makes a public link: add --auth USER:PASS (or ARTSTUDIO_AUTH), or say "
                             "--share-without-auth to let anyone with the link use this machine.")
        print("Warning: --share without --auth lets anyone with the link use this machine.", file=sys.stderr)
    set_max_output_mb(args.max_output_mb)
    gallery.configure(args.max_gallery_mb)
    app = build_app()
    print(f"ArtStudio at http://{args.host}:{args.port}", flush=True)
    kwargs = dict(server_name=args.host, server_port=args.port, auth=auth, max_file_size=upload_limit_bytes(args),
                  allowed_paths=allowed_paths(), show_error=True, footer_links=["api", "settings"],
                  root_path=args.root_path or None, css=PAGE_CSS)
    app.launch(share=args.share, prevent_thread_lock=True, **kwargs)
    threading.Thread(target=registry.warm_up, name="warm-up", daemon=True).start()   # page first, models after
    if args.share:
        if app.share_url:
            print(f"Public link: {app.share_url}", flush=True)
        else:
            print(f"The public link could not be made (it needs the internet); still serving locally at "
                  f"http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    app.block_thread()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="app.py", description="Start the ArtStudio web app.")
    add_serve_arguments(parser)
    serve(parser.parse_args(argv))
