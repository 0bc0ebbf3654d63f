"""encoding.decode: feed bytes + HTTP Content-Type -> text, whatever the labels claim."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from aggregator.feeds.encoding import decode, repair_mojibake

FEEDS = Path(__file__).resolve().parent / "feeds"
UMLAUTS = "Schöne Grüße aus Köln: Ärger über Öl und Übermut"
XML = '<?xml version="1.0" encoding="{}"?><rss><title>{}</title></rss>'


def decoded(name: str, content_type: str = "") -> str:
    return decode((FEEDS / name).read_bytes(), content_type)


# --- labels that are right -------------------------------------------------------------------------


def test_latin1_declared_in_the_xml_declaration():
    text = decoded("latin1.xml")
    assert UMLAUTS in text and "Straße, Maß, Fuß - äöüÄÖÜß" in text


def test_windows1252_feed():
    text = decoded("windows-1252.xml")
    assert "„Zitat“ – 5 € … ‚einfach‘" in text
    assert "Öffnungszeiten: 9–17 Uhr, Eintritt 3 €" in text


def test_the_http_charset_beats_the_xml_declaration():
    body = XML.format("windows-1252", "\u20ac").encode("iso-8859-15")  # € is 0xA4 there, ¤ in cp1252
    assert "<title>€</title>" in decode(body, "application/rss+xml; charset=ISO-8859-15")
    assert "<title>¤</title>" in decode(body, "application/rss+xml")


@pytest.mark.parametrize("content_type", [
    "text/html; charset=ISO-8859-1",  # Apache's default
    "application/rss+xml; charset=windows-1252",
    "text/html; charset=koi8-r",
])
def test_a_declared_encoding_beats_a_servers_default_charset(content_type):
    body = XML.format("windows-1251", "Новый цитатник").encode("cp1251")
    assert "<title>Новый цитатник</title>" in decode(body, content_type)


@pytest.mark.parametrize("label", ["ISO-8859-1", "us-ascii", "latin1"])
def test_latin1_and_ascii_labels_are_read_as_windows1252(label):
    # As browsers do: 0x80-0x9F are quotes, dashes and the euro sign, never C1 controls.
    body = XML.format(label, "\u201e5 \u20ac\u201c").encode("cp1252")
    assert "<title>„5 €“</title>" in decode(body, "")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_or_without_bom(codec):
    assert f"<title>{UMLAUTS}</title>" in decode(XML.format(codec, UMLAUTS).encode(codec), "")


def test_a_utf8_bom_is_dropped():
    assert decode(codecs.BOM_UTF8 + XML.format("utf-8", "ä").encode(), "").startswith("<?xml")


# --- labels that lie -------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["", "application/rss+xml; charset=UTF-8"])
def test_latin1_bytes_labelled_utf8(content_type):
    text = decoded("mislabelled-latin1-as-utf8.xml", content_type)
    assert UMLAUTS in text and "Straße, Maß, Fuß - äöüÄÖÜß" in text


@pytest.mark.parametrize("content_type", [
    "",  # only the XML declaration says ISO-8859-1
    "text/html; charset=ISO-8859-1",  # an old Apache default
    "text/xml",  # "us-ascii" by RFC 3023
])
def test_utf8_bytes_labelled_latin1(content_type):
    text = decoded("mislabelled-utf8-as-latin1.xml", content_type)
    assert UMLAUTS in text and "Straße, Maß, Fuß – äöüÄÖÜß" in text


@pytest.mark.parametrize("content_type", ["text/xml; charset=utf-16", "text/xml; charset=no-such-codec"])
def test_impossible_or_unknown_labels_are_passed_over(content_type):
    # A UTF-16 label on bytes without a BOM is a lie; an unknown one says nothing.
    assert "<title>Grüße</title>" in decode(XML.format("ISO-8859-1", "Grüße").encode("latin-1"), content_type)


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_utf8_with_a_stray_latin1_word(bom):
    text = decode(bom + (FEEDS / "mixed-utf8-latin1.xml").read_bytes(), "application/rss+xml; charset=utf-8")
    assert UMLAUTS in text and "Jürgen schrieb: Grüße" in text and "\ufffd" not in text
    # windows-1252's quotes (0x93, 0x94), as pasted from Word
    assert decode(bom + "<t>Er sagte ".encode() + b"\x93Hallo\x94 \xe2\x80\x93 sch\xc3\xb6n</t>", "") == (
        "<t>Er sagte \u201cHallo\u201d – schön</t>")


# --- double-encoded UTF-8 --------------------------------------------------------------------------


def test_double_encoded_utf8_is_repaired():
    assert decoded("double-encoded.xml").count("<title>Für „Sie“ – ein Café</title>") == 2
    assert repair_mojibake("FÃ¼r â€žSie â€œ") == "Für „Sie “"


@pytest.mark.parametrize("text", ["Gruß“ an São Paulo: Â la carte", "Ã la carte", "â‚ without a third byte"])
def test_legitimate_text_is_not_taken_for_mojibake(text):
    assert repair_mojibake(text) == text
    assert decode(XML.format("UTF-8", text).encode(), "") == XML.format("UTF-8", text)
