"""Sending e-mail: notifications to editors, the weekly digest.  The only module that speaks SMTP.

The server is one setting, a URL, so that the password never has to stand in pelicanconf.py
(which lands in git): it comes from the environment.

    BLOGPARADE_SMTP = "smtp+starttls://blogparade@mail.example.org:587"  # STARTTLS, required
    BLOGPARADE_SMTP = "smtps://mail.example.org"                         # TLS from the start (465)
    BLOGPARADE_SMTP = "smtp://127.0.0.1:25"                              # plain, e.g. a local relay
    BLOGPARADE_MAIL_FROM = "blogparade@example.org"
    # password: the environment variable BLOGPARADE_SMTP_PASSWORD (or the one BLOGPARADE_SMTP_
    # PASSWORD_ENV names)
"""

from __future__ import annotations

import ipaddress
import os
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from typing import Any, Mapping
from urllib.parse import unquote, urlsplit

import idna

from ..feeds.trust import CA_BUNDLE, setting_or_env, tls_problem
from ..urls import literal_address

DEFAULT_PASSWORD_ENV = "BLOGPARADE_SMTP_PASSWORD"
_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT = 30.0  # seconds: a hanging mail server must not hold up the nightly run


class MailError(Exception):
    """Mail cannot be sent (settings or server); the message says why, for a person.
    `unreachable`: the server did not take the connection (timed out, refused, dropped it), so
    the next message would fail too."""

    def __init__(self, message: str, *, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str  # smtp, smtp+starttls or smtps
    host: str
    port: int
    user: str | None
    password: str | None
    sender: str
    ca_bundle: str | None = None  # an extra PEM file to trust (a company's CA)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SmtpSettings:
        """From the site's BLOGPARADE_SMTP* settings; MailError when they are missing or wrong."""
        url = settings.get("BLOGPARADE_SMTP")
        if not url or not isinstance(url, str):
            raise MailError("no mail server: set BLOGPARADE_SMTP in pelicanconf.py, e.g. "
                            '"smtp+starttls://user@mail.example.org:587"')
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise MailError(f"BLOGPARADE_SMTP is not a usable URL: {error}") from None
        if parts.scheme not in _PORTS or not parts.hostname:
            raise MailError(f"BLOGPARADE_SMTP must be smtp://, smtp+starttls:// or smtps://HOST, not {url!r}")
        if parts.password:
            raise MailError("BLOGPARADE_SMTP must not hold the password (pelicanconf.py lands in git): "
                            f"put it in the environment variable {DEFAULT_PASSWORD_ENV}")
        given = settings.get("BLOGPARADE_MAIL_FROM")
        if given and not _one_address(str(given)):
            raise MailError(f"BLOGPARADE_MAIL_FROM {given!r} is not one e-mail address like "
                            '"blogparade@firma.example" or "Blogparade <blogparade@firma.example>"')  # fmt: skip
        # A server given by its IP address is written as one in an address: blogparade@[10.0.0.5].
        domain = f"[{parts.hostname}]" if literal_address(parts.hostname) is not None else parts.hostname
        sender = given or (f"{unquote(parts.username)}@{domain}" if parts.username else f"blogparade@{domain}")
        password_env = settings.get("BLOGPARADE_SMTP_PASSWORD_ENV") or DEFAULT_PASSWORD_ENV
        password = os.environ.get(str(password_env))
        if parts.scheme == "smtp" and parts.username and password and not _loopback(parts.hostname):
            raise MailError(f"BLOGPARADE_SMTP {url!r} would send the password unencrypted: use "
                            "smtp+starttls:// or smtps://")  # fmt: skip
        return cls(
            scheme=parts.scheme, host=parts.hostname, port=port or _PORTS[parts.scheme],
            user=unquote(parts.username) if parts.username else None,
            password=password, sender=str(sender),
            ca_bundle=setting_or_env(settings, CA_BUNDLE),  # the feeds' company CA, read as they read it
        )  # fmt: skip


def _one_address(text: str) -> bool:
    """One sender as a From header takes it, maybe with a display name; no line breaks."""
    if not text.isprintable():
        return False
    found = getaddresses([text])
    return len(found) == 1 and _ADDRESS.fullmatch(found[0][1]) is not None


_ADDRESS = re.compile(r"[^@\s<>\"]+@(?:[^@\s<>\"\[\]]+|\[[0-9a-fA-F.:]+\])")  # intranet domains may have one label


def _loopback(host: str) -> bool:
    """A relay on this machine (localhost, 127.0.0.0/8, ::1): nothing crosses a network."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower().rstrip(".") == "localhost"


def tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_bundle:
        context.load_verify_locations(ca_bundle)
    return context


def set_subject(message: EmailMessage, text: str) -> None:
    """The message's Subject.  Where it is not ASCII, encoded here (RFC 2047, UTF-8) in lines the
    sending keeps as they are: Python 3.11's own folding of such a header moved the space
    between two words into the fold between two encoded words, where mail readers drop it (a
    digest for the department "Отдел продаж" came as "… 2026 –Отделпродаж")."""
    if text.isascii():
        message["Subject"] = text
        return
    encoded = Header(text, "utf-8", header_name="Subject").encode(linesep="\n")
    message.set_raw("Subject", encoded)


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Send one message (its From, Date and Message-ID are set here when missing: RFC 5322
    asks for the first two, and spam filters mark mail without the third); MailError says what
    went wrong."""
    if "From" not in message:
        message["From"] = settings.sender
    if "Date" not in message:
        message["Date"] = format_datetime(datetime.now(UTC))  # "+0000": the zone is known
    if "Message-ID" not in message:
        message["Message-ID"] = message_id(settings.sender)
    for name in ADDRESS_HEADERS:
        if name in message and not str(message[name]).isascii():
            addresses = tuple(_with_a_label(address) for address in message[name].addresses)
            del message[name]
            message[name] = addresses
    try:
        if settings.scheme == "smtps":
            server: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT,
                                                    context=tls_context(settings.ca_bundle))
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
        with server:
            if settings.scheme == "smtp+starttls":
                server.starttls(context=tls_context(settings.ca_bundle))
            if settings.user and settings.password is not None:
                server.login(settings.user, settings.password)
            server.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise MailError(f"the mail server {settings.host} refused the login of {settings.user!r}") from None
    except smtplib.SMTPRecipientsRefused as error:  # what it said: "550 5.7.1 relaying denied"
        said = "; ".join(f"{address}: {code} {_text(reply)}" for address, (code, reply) in error.recipients.items())
        raise MailError(f"the mail server refused the recipients ({said})") from None
    except smtplib.SMTPResponseException as error:  # its str() is a tuple: (554, b'5.7.1 …')
        said = _text(error.smtp_error)
        # A server that wants a login, where the password was not in this job's environment
        # (a cron line carries none): the login was not even tried.
        unset = (f"; BLOGPARADE_SMTP names the user {settings.user!r}, but its password is not in this "
                 f"job's environment ({DEFAULT_PASSWORD_ENV}, or the variable BLOGPARADE_SMTP_PASSWORD_ENV names)"
                 if error.smtp_code == 530 and settings.user and settings.password is None else "")  # fmt: skip
        raise MailError(f"cannot send mail through {settings.host}:{settings.port}: the server "
                        f"answered {error.smtp_code} {said}{unset}",
                        unreachable=isinstance(error, _NO_ANSWER)) from None  # fmt: skip
    except (smtplib.SMTPException, ssl.SSLError, OSError) as error:
        said = tls_problem(error, settings.host) or str(error)  # the feeds' words for TLS trouble
        raise MailError(f"cannot send mail through {settings.host}:{settings.port}: {said}",
                        unreachable=isinstance(error, _NO_ANSWER)) from None  # fmt: skip


def _text(reply: bytes | str) -> str:
    """A mail server's reply as one line of text."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


ADDRESS_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc")


def message_id(sender: str) -> str:
    """A Message-ID in the sender's domain.  The domain was cut from the sender as written: "Blogs
    <blogs@example.org>" gave "<…@example.org>>"."""
    domain = getaddresses([sender])[0][1].rpartition("@")[2]
    return make_msgid(domain=_a_label(domain) if domain else None)


def _a_label(domain: str) -> str:
    if domain.isascii():
        return domain
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        return domain


def _with_a_label(address: Address) -> Address:
    """`address` with its domain as the DNS has it (bücher.example as xn--bcher-kva.example):
    every mail server takes that one, where "alle@bücher.example" needs one that speaks SMTPUTF8
    (smtplib refused to send), and Python's email package wrote it into the To header broken
    ("alle@=?utf-8?q?b=C3=BCcher?=.example").  A name that is no domain is left to the server."""
    domain = _a_label(address.domain)
    if domain == address.domain:
        return address
    return Address(display_name=address.display_name, username=address.username, domain=domain)


# No server to talk to (SMTPException is an OSError too, hence the list, not OSError).
_NO_ANSWER = (TimeoutError, ConnectionError, socket.gaierror, smtplib.SMTPConnectError,
              smtplib.SMTPServerDisconnected)
