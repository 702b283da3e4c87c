"""Generate tab: the painting GAN is not trained yet, so its action answers with that plain message."""
from artstudio.tabs.common import model


def generate(seed: float, truncation: float) -> None:
    """Ends in the model layer's 'not installed' message until weights/painting_gan.pt exists."""
    model("generator")
