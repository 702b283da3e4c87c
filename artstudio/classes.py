"""The 11 art movements the classifier knows, as folder names and as people read them."""
MOVEMENTS = ["Abstract_Expressionism", "Baroque", "Cubism", "Fauvism", "Impressionism", "Minimalism",
             "Naive_Art_Primitivism", "Pointillism", "Pop_Art", "Rococo", "Ukiyo_e"]
DISPLAY_NAMES = {"Abstract_Expressionism": "Abstract Expressionism", "Naive_Art_Primitivism": "Naive Art / Primitivism",
                 "Pop_Art": "Pop Art", "Ukiyo_e": "Ukiyo-e"}


def display_name(movement: str) -> str:
    return DISPLAY_NAMES.get(movement, movement.replace("_", " "))
