"""blogparade: collect many people's blogs, their comments and their blog parades into one site."""

__version__ = "0.1.0"

# What Ctrl-C (SIGINT) ends a command with, in cli.py and while it loads (main): what a shell
# gives a command it interrupted, 128 + 2, so that a script or CI tells an interrupted job
# from a failed one.
INTERRUPTED = "Error: interrupted; nothing more was done."
EXIT_INTERRUPTED = 130
# SIGTERM (systemd stopping the job, `timeout`) ends it as Ctrl-C does, saying so: it ended the
# run without a word (exit 143, the log's last line "Fetch started …").
TERMINATED = "Error: terminated (SIGTERM); nothing more was done."
EXIT_TERMINATED = 143
_terminated = False


def _on_sigterm(signum: int, frame: object) -> None:
    global _terminated
    import signal

    _terminated = True
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second one ends it at once
    raise KeyboardInterrupt


def interruption() -> tuple[str, int]:
    """What a command ended by Ctrl-C, or by SIGTERM, says, and its exit status."""
    return (TERMINATED, EXIT_TERMINATED) if _terminated else (INTERRUPTED, EXIT_INTERRUPTED)


def theme_path():  # noqa: ANN201  (a Path; imported lazily to keep `import aggregator` light)
    """Where the bundled theme is: theme/ in a checkout, aggregator/theme in a wheel."""
    from .website.sitetemplate import theme_path as find

    return find()


def main() -> None:
    """The `blogparade` command.  Ctrl-C while its modules load (a tenth of a second, before
    the command's own handling) ends it as Ctrl-C later does: exit 130 and one sentence, not
    a traceback."""
    import signal
    import sys

    signal.signal(signal.SIGTERM, _on_sigterm)
    # A terminal or log in another encoding than UTF-8 (LC_ALL=de_DE.ISO-8859-1) cannot show a
    # blog named "Продажи": `status` and the nightly run died of UnicodeEncodeError printing it,
    # before the build.  Such a character is shown as "?" there instead.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="replace")
    try:
        from .cli import main as blogparade
    except KeyboardInterrupt:
        said, status = interruption()
        sys.stderr.write(said + "\n")
        sys.exit(status)
    blogparade()
