"""Inference wrappers over the networks in artstudio/nets, shared by the tabs and the CLI."""
