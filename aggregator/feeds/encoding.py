"""encoding: the bytes of a feed and its HTTP Content-Type -> text.  Pure.

We decode ourselves instead of trusting feedparser's RFC 3023 rules, which turn a UTF-8 feed served
as ``text/html; charset=ISO-8859-1`` (an old Apache default) into mojibake and read ``text/xml``
without a charset as US-ASCII.  Order:

1. a BOM or the UTF-16/32 (or EBCDIC) byte pattern of "<" at the start (XML 1.0 appendix F);
2. bytes that are valid UTF-8 are UTF-8 whatever the labels say (Latin-1 German text is never valid
   UTF-8 by accident);
3. else the HTTP charset, else the XML declaration (ISO-8859-1 and US-ASCII read as windows-1252,
   as browsers do); but a declaration of another encoding beats an HTTP charset of windows-1252's
   family or on text/html, which is a server's default, not the feed's word;
4. else UTF-8 with stray bytes read as windows-1252 (feeds that mix both), as after a UTF-8 BOM.

Text that was double-encoded ("Ã¤" for "ä") is then repaired where the pattern is unambiguous
(`repair_mojibake`).
"""

from __future__ import annotations

import codecs
import re

__all__ = ["decode", "decode_checked", "repair_mojibake"]

_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
# '<?' (or '<' + letter) in encodings that are not ASCII-compatible, as in XML 1.0 appendix F.
_MARKERS = (
    (re.compile(rb"^\x00\x00\x00<"), "utf-32-be"),
    (re.compile(rb"^<\x00\x00\x00"), "utf-32-le"),
    (re.compile(rb"^\x00[<\s]\x00[?!a-zA-Z\s]"), "utf-16-be"),
    (re.compile(rb"^[<\s]\x00[?!a-zA-Z\s]\x00"), "utf-16-le"),
    (re.compile(rb"^\x4c\x6f\xa7\x94"), "cp037"),  # EBCDIC '<?xm'
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.I)
# Labels whose real-world meaning is windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii",
              "iso_8859-1", "cp819", "ibm819", "windows-1252", "cp1252", "x-cp1252"}


def decode(body: bytes, content_type: str) -> str:
    """`body` as text by the rules in the module docstring, double-encoded UTF-8 repaired."""
    return decode_checked(body, content_type)[0]


def decode_checked(body: bytes, content_type: str) -> tuple[str, bool]:
    """`decode`, and whether its text is `body` read as UTF-8 as it is (no BOM, nothing
    repaired): then `body` is that text's UTF-8 and need not be encoded again."""
    text, plain = _decode(body, content_type)
    repaired = repair_mojibake(text)
    return repaired, plain and (repaired is text or repaired == text)


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as windows-1252: feeds that mix UTF-8 and Latin-1."""
    assert isinstance(error, UnicodeDecodeError)
    chunk = error.object[error.start:error.end]
    return chunk.decode("cp1252", "replace"), error.end


codecs.register_error("blogparade-cp1252", _cp1252_fallback)


def _decode(body: bytes, content_type: str) -> tuple[str, bool]:
    """The text, and whether it is `body` read as UTF-8."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):  # after a UTF-8 BOM, stray bytes are windows-1252 as without one
            errors = "blogparade-cp1252" if encoding == "utf-8" else "replace"
            return body[len(bom):].decode(encoding, errors), False
    for marker, encoding in _MARKERS:
        if marker.match(body):
            return body.decode(encoding, "replace"), False
    try:
        return body.decode("utf-8"), True
    except UnicodeDecodeError:
        pass
    for label in _labels(body, content_type or ""):
        text = _decode_as(body, label)
        if text is not None:
            return text, False
    return body.decode("utf-8", "blogparade-cp1252"), False


def _labels(body: bytes, content_type: str) -> tuple[str | None, str | None]:
    """The HTTP charset and the XML declaration's encoding, the one to try first first: the HTTP
    charset, unless it is a server's default (windows-1252's family, or any label on text/html:
    Apache's "text/html; charset=ISO-8859-1") and the declaration names another encoding."""
    declared = _CHARSET.search(content_type)
    in_xml = _XML_ENCODING.match(body[:1024])
    http = declared.group(1) if declared else None
    xml = in_xml.group(1).decode("ascii") if in_xml else None
    if http and xml and _is_server_default(http, content_type) and xml.lower() not in _AS_CP1252:
        return xml, http
    return http, xml


def _is_server_default(label: str, content_type: str) -> bool:
    return label.strip().lower() in _AS_CP1252 or content_type.strip().lower().startswith("text/html")


def _decode_as(body: bytes, label: str | None) -> str | None:
    """`body` decoded with a declared encoding, or None where that cannot be right."""
    if not label:
        return None
    label = label.strip().lower()
    if label in _AS_CP1252:
        return body.decode("cp1252", "replace")
    try:
        if codecs.lookup(label).name in ("utf-8", "utf-16", "utf-32"):
            return None  # already failed as UTF-8; a UTF-16 label without a BOM is a lie
        return body.decode(label)
    except (LookupError, UnicodeDecodeError):
        return None


# cp1252 byte value of each character, for re-reading mojibake as the UTF-8 it was.
_CP1252_BYTE = {chr(b): b for b in range(0xA0, 0x100)}
_CP1252_BYTE.update({bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0)
                     if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)})
_CP1252_BYTE.update({chr(b): b for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)})
_CONT = "[" + re.escape("".join(c for c, b in _CP1252_BYTE.items() if 0x80 <= b <= 0xBF)) + "]"
# Only leads that never precede such a character in real German text: Â Ã (U+0080-U+00FF) and
# â€ / â‚ / â„ (U+2000-U+213F: quotes, dashes, ellipsis, euro, trade mark).  "ß“" is left alone.
_MOJIBAKE = re.compile(f"(?:[ÂÃ]{_CONT}|â[€‚ƒ„]{_CONT})+")


def repair_mojibake(text: str) -> str:
    """ "FÃ¼r â€žSie â€œ" -> "Für „Sie “": UTF-8 that was read as windows-1252 and encoded again."""
    if "Ã" not in text and "Â" not in text and "â" not in text:
        return text
    return _MOJIBAKE.sub(_unmojibake, text)


def _unmojibake(match: re.Match[str]) -> str:
    raw = bytes(_CP1252_BYTE[c] for c in match.group(0))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return match.group(0)
