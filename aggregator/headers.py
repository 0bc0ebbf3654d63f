"""What a response's headers name, read once for every stage that asks (no I/O).

- `header_link`: the target of a Link header (RFC 8288) with a given relation, absolute:
  WordPress names its API root (`rel="https://api.w.org/"`) and a post's shortlink
  (`rel=shortlink`) this way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urljoin

# One link of a Link header: <target> and its parameters, up to the next link.
_LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]*)*)")
_REL = re.compile(r'(?i)(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))')


def header_link(headers: Mapping[str, str], rel: str, base: str) -> str | None:
    """The first target of the Link header (lower-cased header names) whose relations include
    `rel` (compared without case, as RFC 8288 says), resolved against `base`; else None."""
    wanted = rel.lower()
    for target, params in _LINK.findall(headers.get("link", "")):
        rels = (m.group(1) or m.group(2) or "" for m in _REL.finditer(params))
        if wanted in (one.lower() for value in rels for one in value.split()):
            return urljoin(base, target.strip())
    return None
