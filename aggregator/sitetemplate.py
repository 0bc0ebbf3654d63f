"""Where sites made by blogparade 0.1 import the theme's path from (their pelicanconf.py)."""

from .website.sitetemplate import theme_path  # noqa: F401
