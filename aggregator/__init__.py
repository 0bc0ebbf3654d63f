"""blogparade: collect many people's blogs, their comments and their blog parades into one site."""

__version__ = "0.1.0"


def theme_path():  # noqa: ANN201  (a Path; imported lazily to keep `import aggregator` light)
    """Where the bundled theme is: theme/ in a checkout, aggregator/theme in a wheel."""
    from .website.sitetemplate import theme_path as find

    return find()
