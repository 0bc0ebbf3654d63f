"""Text that XML 1.0 can carry: one rule for everything blogparade writes as XML or HTML.

XML 1.0 forbids the C0 controls but tab, newline and carriage return, and U+FFFE and U+FFFF
(HTML calls them parse errors); a lone surrogate cannot even be written as UTF-8.  One raw ESC
from a post about shell colours made Pelican's Atom writer fail the whole build.
"""

from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)
