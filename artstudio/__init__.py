"""ArtStudio: a local-first studio for deep learning on artists' own images."""
__version__ = "0.1.0"
