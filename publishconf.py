"""Pelican settings for publishing: the development settings plus the real address.

`blogparade run --publish` (the nightly job) and `blogparade build --publish` build with them.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.modules.pop("pelicanconf", None)  # this site's settings, not another's read before
from pelicanconf import *  # noqa: E402, F403

SITEURL = "https://blogparade.example"  # the site's real address, without a trailing slash
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
AUTHOR_FEED_ATOM = "feeds/blogs/{slug}.atom.xml"
# Drafts (a roundup being written) are previewed in development builds, never published.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
