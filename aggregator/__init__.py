"""blogparade: collect many people's blogs, their comments and their blog parades into one site."""

__version__ = "0.1.0"


def theme_path():  # noqa: ANN201  (a Path; imported lazily to keep `import aggregator` light)
    """Where the bundled theme is: theme/ in a checkout, aggregator/theme in a wheel."""
    from .website.sitetemplate import theme_path as find

    return find()


def main() -> None:
    """The `blogparade` command.  Ctrl-C while its modules load (a tenth of a second, before
    the command's own handling) ends it as Ctrl-C later does: exit 130 and one sentence, not
    a traceback."""
    import sys

    try:
        from .cli import main as blogparade
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted; nothing more was done.\n")
        sys.exit(130)  # cli.EXIT_INTERRUPTED: cli is what could not be imported
    blogparade()
