"""Where outputs go: one folder (ARTSTUDIO_OUTPUT, default ./outputs), names made by the app only."""
import os
import time
import uuid
from pathlib import Path

OUTPUT_DIR = Path(os.environ.get("ARTSTUDIO_OUTPUT", "outputs")).resolve()


def output_path(tab: str, suffix: str = ".png", folder: Path | None = None) -> Path:
    """A fresh file path for `tab`; user file names never become paths."""
    folder = (folder or OUTPUT_DIR) / tab
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}{suffix}"
