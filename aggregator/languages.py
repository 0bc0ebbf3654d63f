"""Language tags (BCP 47, as feeds, participant files and settings write them): a tag fit for a
`lang` attribute, and whether a tag names another language than a page's, a feed's or a roundup's
own; and the order names are listed in.  Pure string rules, without babel: the fetch reads them
(the roundup's) at every start."""

from __future__ import annotations

import re
import unicodedata


def language_tag(value: str | None) -> str | None:
    """A BCP 47-looking tag for the `lang` attribute, or nothing."""
    return value.replace("_", "-") if value and _LANGUAGE.match(value) else None


_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


def other_language(tag: str | None, own: str) -> str | None:
    """`tag` where it names another language than `own` ("de-AT" and "de_CH" are German, as "de"
    is), else None: what a text in the page's, feed's or roundup's own language need not say."""
    return tag if tag and _primary(tag) != _primary(own) else None


def _primary(tag: str) -> str:
    return tag.replace("_", "-").split("-")[0].lower()


def name_order(name: str) -> tuple[str, str]:
    """The key that lists names as a reader looks them up (DIN 5007-1, as dictionaries do): "Ä"
    as "A", "ß" as "ss", case aside; the name as written breaks ties.  By code points, the blogs,
    departments and status rows starting with Ä, Ö or Ü came after Z."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in folded if not unicodedata.combining(char)), name


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "SS"})


def umlauts_spelled_out(text: str) -> str:
    """`text` with its umlauts and ß written as German writes them without ("ae", "ss"): the
    addresses made of names (blogs, departments) spell them so, not as "a" ("Bär" is not "Bar")."""
    return text.translate(_UMLAUTS)
