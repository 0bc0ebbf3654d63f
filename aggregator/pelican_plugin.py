"""The Pelican plugin's old name: sites made before 0.2 name it in pelicanconf.py."""

from .website.plugin import register  # noqa: F401
