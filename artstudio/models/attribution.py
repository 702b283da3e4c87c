"""Who painted it, and when: the attribution head over the movement classifier's features.

Optional: the classifier works without it (its file not in the manifest) and then says nothing of
artists or years. The artist is "known" when the top known artist's probability (beside the head's
"another artist" class) reaches the threshold fitted on held-out paintings by known and unknown
artists; most uploads are by artists it has never seen. The listed probabilities are those of the
known artists, so they add up to less than 1 by the share of "another artist".
"""
from dataclasses import dataclass

import torch

from artstudio.nets.attribution_head import AttributionHead
from artstudio.weights import load_weights, read_manifest, weights_sha

ATTRIBUTION_FILE = "attribution_head.pt"
TOP_ARTISTS = 5


@dataclass(frozen=True)
class Attribution:
    artists: list[tuple[str, float]]        # (artist slug as in the training file names, probability), best first
    artist_known: bool
    year: int
    year_low: int
    year_high: int

    def record(self) -> dict:
        """The fields the CLI's JSON lines and the batch table carry."""
        return {"artists": [{"label": slug, "prob": round(p, 6)} for slug, p in self.artists],
                "artist_known": self.artist_known,
                "year": {"estimate": self.year, "low": self.year_low, "high": self.year_high}}


def installed() -> bool:
    return ATTRIBUTION_FILE in read_manifest()


class Attributor:
    def __init__(self, device: torch.device) -> None:
        payload = load_weights(ATTRIBUTION_FILE)
        state = {k: v.float() for k, v in payload["state"].items()}
        self.artists: list[str] = list(payload["artists"])
        self.lines = dict(zip(self.artists, payload["artist_lines"]))
        self.threshold = float(payload["known_threshold"])
        self.head = AttributionHead(state["mean"].shape[0], len(self.artists), year_bins=state["year.bias"].shape[0],
                                    hidden=state["shared.0.bias"].shape[0])
        self.head.load_state_dict(state)
        self.head = self.head.eval().to(device)
        self.sha256 = weights_sha(ATTRIBUTION_FILE)

    @torch.no_grad()
    def attribute(self, features: torch.Tensor) -> list[Attribution]:
        artist_logits, year_logits = self.head(features.to(self.head.mean.device))
        probs = artist_logits.softmax(1)[:, :-1].cpu()
        years = self.head.year_quantiles(year_logits).round().int().tolist()
        result = []
        for p, (year, low, high) in zip(probs, years):
            values, indices = p.topk(min(TOP_ARTISTS, len(self.artists)))
            result.append(Attribution([(self.artists[i], float(v)) for v, i in zip(values, indices)],
                                      bool(values[0] >= self.threshold), year, low, high))
        return result

    def artist_logit(self, features: torch.Tensor, index: int) -> torch.Tensor:
        """One artist's logit, differentiable in `features` (for Grad-CAM)."""
        return self.head(features)[0][:, index]
