"""Who painted a picture, and when, as the training pools' file names say: `artist-slug_title-year.jpg`.

Names are read conservatively. The year is a four-digit number from 1200 to 2030 that ends the title, or
is followed only by a copy counter ("-1876-1", "-1630(2)"); "water-lilies-33" or "not_detected_240329"
carry none. A painting in both pools (same file name) counts once.
"""
import re
from dataclasses import dataclass
from pathlib import Path

from training.data import DATA_DIR, list_images

FIRST_YEAR, LAST_YEAR = 1200, 2030
COUNTER = re.compile(r"^\d{1,2}$")
YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Painting:
    path: Path
    artist: str            # the slug, as in the file names: "claude-monet"
    year: int | None
    movement: str          # a MOVEMENTS folder name


def artist_of(name: str) -> str:
    return Path(name).stem.split("_", 1)[0]


def year_of(name: str) -> int | None:
    stem = Path(name).stem
    if "_" not in stem:
        return None
    title = re.sub(r"\(\d+\)$", "", stem.split("_", 1)[1])
    tokens = title.split("-")
    while len(tokens) > 1 and COUNTER.match(tokens[-1]):
        tokens.pop()
    last = tokens[-1]
    if YEAR.match(last) and FIRST_YEAR <= int(last) <= LAST_YEAR:
        return int(last)
    return None


def list_paintings(data_dir: Path = DATA_DIR) -> list[Painting]:
    """Every painting of both pools, once per file name, wikiart-styles first (it knows the movement)."""
    seen: dict[str, Painting] = {}
    for path in list_images(data_dir / "wikiart-styles"):
        seen.setdefault(path.name, Painting(path, artist_of(path.name), year_of(path.name), path.parent.name))
    for path in list_images(data_dir / "impressionism-128"):
        seen.setdefault(path.name, Painting(path, artist_of(path.name), year_of(path.name), "Impressionism"))
    return list(seen.values())


def known_artists(min_files: int = 40, data_dir: Path = DATA_DIR) -> list[str]:
    """Artists with at least `min_files` files across both pools (counting a painting in both twice, as
    ../shared/data/README.md counts them: 86 artists)."""
    counts: dict[str, int] = {}
    for folder in ("wikiart-styles", "impressionism-128"):
        for path in list_images(data_dir / folder):
            counts[artist_of(path.name)] = counts.get(artist_of(path.name), 0) + 1
    return sorted(a for a, n in counts.items() if n >= min_files)
