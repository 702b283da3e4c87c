"""Who painted it and when: a small two-headed network over the movement networks' own features.

The features are what each movement network's last layer sees (pooled final features plus the texture
and colour statistics of early layers), from both backbones, so attribution costs no extra network pass.
They are standardised with the training set's mean and spread and go through one shared hidden layer.
The artist head scores the artists it was trained on plus one more class, "another artist" (trained on
paintings by everyone else), which keeps the known artists' scores honest for the many paintings by
none of them. The year head scores decade bins, whose distribution gives an estimate (its median) and
an interval (two other quantiles), sharpened or widened by a temperature fitted for honest intervals.
"""
import torch
from torch import nn


class AttributionHead(nn.Module):
    def __init__(self, features: int, artists: int, first_year: int = 1550, bin_years: int = 10,
                 year_bins: int = 48, hidden: int = 1024) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(features))
        self.register_buffer("spread", torch.ones(features))
        self.shared = nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Dropout(0.3))
        self.artist = nn.Linear(hidden, artists + 1)        # the last class: another artist
        self.year = nn.Linear(hidden, year_bins)
        self.register_buffer("year_temperature", torch.ones(()))
        self.register_buffer("first_year", torch.tensor(float(first_year)))
        self.register_buffer("bin_years", torch.tensor(float(bin_years)))

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(artist logits, the last for "another artist"; year-bin logits over the fitted temperature)."""
        z = self.shared((features - self.mean) / self.spread)
        return self.artist(z), self.year(z) / self.year_temperature

    def bin_centres(self) -> torch.Tensor:
        return self.first_year + self.bin_years * (torch.arange(self.year.out_features) + 0.5)

    def year_quantiles(self, year_logits: torch.Tensor, quantiles: tuple[float, ...] = (0.5, 0.1, 0.9)) -> torch.Tensor:
        """(N, len(quantiles)) years: each quantile of the bin distribution, linear inside a bin."""
        cdf = year_logits.softmax(1).cumsum(1)
        bins = cdf.shape[1]
        out = []
        for q in quantiles:
            index = (cdf < q).sum(1).clamp(max=bins - 1)
            before = torch.where(index > 0, cdf.gather(1, (index - 1).clamp(min=0)[:, None])[:, 0],
                                 torch.zeros(len(cdf), device=cdf.device))
            inside = cdf.gather(1, index[:, None])[:, 0] - before
            fraction = ((q - before) / inside.clamp(min=1e-8)).clamp(0, 1)
            out.append(self.first_year + self.bin_years * (index + fraction))
        return torch.stack(out, 1)
