"""The painting generator's slider names, known without loading the generator or torch (the page is laid
out before torch loads): the directions file's manifest entry lists them in order
(training/find_directions.py writes them there)."""
from artstudio.weights import load_weights, read_manifest, verify

DIRECTIONS_FILE = "painting_gan_directions.pt"


def direction_names() -> list[str]:
    """The installed directions' names; WeightsError when the file is missing or damaged."""
    verify(DIRECTIONS_FILE)
    listed = read_manifest()[DIRECTIONS_FILE].get("metrics", {}).get("names")
    return list(listed) if listed else list(load_weights(DIRECTIONS_FILE)["names"])
