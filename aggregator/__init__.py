"""blogparade: collect many people's blogs, their comments and their blog parades into one site."""

__version__ = "0.1.0"
