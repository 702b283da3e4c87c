"""The 11 art movements the classifier knows, as folder names and as people read them; artists' names."""
MOVEMENTS = ["Abstract_Expressionism", "Baroque", "Cubism", "Fauvism", "Impressionism", "Minimalism",
             "Naive_Art_Primitivism", "Pointillism", "Pop_Art", "Rococo", "Ukiyo_e"]
DISPLAY_NAMES = {"Abstract_Expressionism": "Abstract Expressionism", "Naive_Art_Primitivism": "Naive Art / Primitivism",
                 "Pop_Art": "Pop Art", "Ukiyo_e": "Ukiyo-e"}


def display_name(movement: str) -> str:
    return DISPLAY_NAMES.get(movement, movement.replace("_", " "))


NAME_PARTICLES = {"van", "de", "da", "der", "den", "von", "del", "della", "di", "la", "le", "du", "y"}


def artist_name(slug: str) -> str:
    """An artist's file-name slug as people write the name: "vincent-van-gogh" -> "Vincent van Gogh"."""
    words = slug.split("-")
    return " ".join(w if i and w in NAME_PARTICLES else w.capitalize() for i, w in enumerate(words))
