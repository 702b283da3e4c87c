"""Public-domain paintings offered as style presets (from ../shared/data/styles, resized to 512 px)."""
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
UPLOADED = "My uploaded image"     # the style name recipes give a style that came from the user's own image
# file -> (artist, title, year)
PRESETS = {
    "van-gogh_starry-night-1889.jpg": ("Vincent van Gogh", "The Starry Night", "1889"),
    "munch_the-scream-1893.jpg": ("Edvard Munch", "The Scream", "1893"),
    "turner_shipwreck-of-the-minotaur-1810.jpg": ("J. M. W. Turner", "The Wreck of a Transport Ship (Minotaur)", "c. 1810"),
    "matisse_woman-with-a-hat-1905.jpg": ("Henri Matisse", "Woman with a Hat", "1905"),
    "monet_water-lilies-1919.jpg": ("Claude Monet", "Water Lilies", "1919"),
    "sakai-hoitsu_flowers-edo-period.jpg": ("Sakai Hoitsu", "Flowers", "Edo period"),
}


def caption(file: str) -> str:
    artist, title, year = PRESETS[file]
    return f"{artist}, {title} ({year})"


def by_caption() -> dict[str, Path]:
    return {caption(f): FOLDER / f for f in PRESETS}
