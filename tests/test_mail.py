"""Sending mail through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

import pytest
from aiosmtpd.controller import Controller

from aggregator.editors.mail import MailError, SmtpSettings, send


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 (aiosmtpd's hook)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def message(to: str = "redaktion@example.org") -> EmailMessage:
    mail = EmailMessage()
    mail["To"], mail["Subject"] = to, "Ein Feed ist ausgefallen"
    mail.set_content("Der Feed von Annas Blog ist seit drei Nächten nicht erreichbar.")
    return mail


def test_a_message_reaches_the_server(smtp):
    controller, inbox = smtp
    port = controller.port
    settings = SmtpSettings.from_settings({"BLOGPARADE_SMTP": f"smtp://127.0.0.1:{port}",
                                           "BLOGPARADE_MAIL_FROM": "blogparade@example.org"})
    send(settings, message())
    [(sender, recipients, content)] = inbox.messages
    assert sender == "blogparade@example.org" and recipients == ["redaktion@example.org"]
    assert "Annas Blog" in content.decode()
    received = email.message_from_bytes(content)  # RFC 5322's Date, and a Message-ID
    assert parsedate_to_datetime(received["Date"]).tzinfo is not None
    assert received["Message-ID"].endswith("@example.org>")


@pytest.mark.parametrize("value, words", [
    (None, "no mail server"),
    ("http://mail.example.org", "must be smtp://"),
    ("smtp://user:secret@mail.example.org", "must not hold the password"),
    ("smtp://mail.example.org:99999", "not a usable URL"),
])  # fmt: skip
def test_unusable_settings_are_one_sentence(value, words):
    with pytest.raises(MailError, match=words):
        SmtpSettings.from_settings({"BLOGPARADE_SMTP": value})


def test_a_server_that_is_not_there_is_one_sentence():
    settings = SmtpSettings.from_settings({"BLOGPARADE_SMTP": "smtp://127.0.0.1:9"})
    with pytest.raises(MailError, match="cannot send mail through 127.0.0.1:9"):
        send(settings, message())


def test_a_server_that_refuses_is_one_sentence_with_its_answer():
    # Said as Python's tuple: "cannot send mail through …: (554, b'5.7.1 no relaying')".
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def refuse() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.sendall(b"554 5.7.1 no relaying for you\r\n")
                connection.recv(100)  # QUIT

        thread = threading.Thread(target=refuse, daemon=True)
        thread.start()
        port = listener.getsockname()[1]
        settings = SmtpSettings.from_settings({"BLOGPARADE_SMTP": f"smtp://127.0.0.1:{port}"})
        with pytest.raises(MailError) as refused:
            send(settings, message())
        thread.join(5)
    assert str(refused.value).endswith(": the server answered 554 5.7.1 no relaying for you")
    assert refused.value.unreachable  # the next message would be refused too


def test_the_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("BLOGPARADE_SMTP_PASSWORD", "geheim")
    settings = SmtpSettings.from_settings({"BLOGPARADE_SMTP": "smtp+starttls://redaktion@mail.example.org"})
    assert (settings.user, settings.password, settings.port) == ("redaktion", "geheim", 587)


def test_a_password_is_never_sent_unencrypted_across_a_network(monkeypatch):
    monkeypatch.setenv("BLOGPARADE_SMTP_PASSWORD", "geheim")
    with pytest.raises(MailError, match=r"would send the password unencrypted: use smtp\+starttls:// or smtps://"):
        SmtpSettings.from_settings({"BLOGPARADE_SMTP": "smtp://redaktion@mail.example.org"})
    for relay in ("smtp://redaktion@127.0.0.1:2525", "smtp://redaktion@localhost", "smtp://redaktion@[::1]:25"):
        assert SmtpSettings.from_settings({"BLOGPARADE_SMTP": relay}).password == "geheim"  # this machine's
    monkeypatch.delenv("BLOGPARADE_SMTP_PASSWORD")
    assert SmtpSettings.from_settings({"BLOGPARADE_SMTP": "smtp://mail.example.org"}).password is None


def test_the_company_ca_is_read_from_the_environment_as_the_feeds_read_it(monkeypatch):
    monkeypatch.setenv("BLOGPARADE_CA_BUNDLE", "/etc/ssl/firma-ca.pem")
    settings = SmtpSettings.from_settings({"BLOGPARADE_SMTP": "smtps://mail.example.org",
                                           "BLOGPARADE_CA_BUNDLE": "/in/pelicanconf.pem"})  # fmt: skip
    assert settings.ca_bundle == "/etc/ssl/firma-ca.pem"


@pytest.mark.parametrize("sender, said", [
    ("kein Absender", "BLOGPARADE_MAIL_FROM 'kein Absender' is not one e-mail address"),
    ("a@firma.example, b@firma.example", "is not one e-mail address"),
    ("Blogparade <blogparade@firma.example>", None),
    ("blogparade@intranet", None),  # an intranet's mail domain may have one label
])  # fmt: skip
def test_the_sender_is_one_address_or_nothing_is_sent(sender, said):
    # "kein Absender" went out as From, and the server took "kein" for the sender.
    settings = {"BLOGPARADE_SMTP": "smtp://mail.example.org", "BLOGPARADE_MAIL_FROM": sender}
    if said is None:
        assert SmtpSettings.from_settings(settings).sender == sender
    else:
        with pytest.raises(MailError, match=said):
            SmtpSettings.from_settings(settings)


def test_a_server_named_by_its_address_gives_a_sender_of_that_address():
    assert SmtpSettings.from_settings({"BLOGPARADE_SMTP": "smtp://10.0.0.5"}).sender == "blogparade@[10.0.0.5]"


def test_a_domain_in_another_script_is_sent_as_the_dns_has_it(smtp):
    # "alle@bücher.example": smtplib refused to send it to a server without SMTPUTF8 (most), and
    # the To header came out as "alle@=?utf-8?q?b=C3=BCcher?=.example".
    controller, inbox = smtp
    settings = SmtpSettings.from_settings({"BLOGPARADE_SMTP": f"smtp://127.0.0.1:{controller.port}",
                                           "BLOGPARADE_MAIL_FROM": "Blogs <blogs@straße.example>"})
    send(settings, message("Jörg <alle@bücher.example>, redaktion@example.org"))
    [(sender, recipients, content)] = inbox.messages
    assert sender == "blogs@xn--strae-oqa.example"
    assert recipients == ["alle@xn--bcher-kva.example", "redaktion@example.org"]
    received = email.message_from_bytes(content, policy=email.policy.default)
    assert [(a.display_name, a.addr_spec) for a in received["To"].addresses] == [
        ("Jörg", "alle@xn--bcher-kva.example"), ("", "redaktion@example.org")]
    assert received["Message-ID"].endswith("@xn--strae-oqa.example>")  # once "…@straße.example>>"


class Refusing:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, N802
        return "550 5.7.1 relaying denied"


def test_a_refused_recipient_says_what_the_server_said():
    # "the mail server refused the recipients redaktion@example.org": not why.
    controller = Controller(Refusing(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings = SmtpSettings.from_settings({"BLOGPARADE_SMTP": f"smtp://127.0.0.1:{controller.port}",
                                               "BLOGPARADE_MAIL_FROM": "blogparade@example.org"})
        with pytest.raises(MailError) as refused:
            send(settings, message())
    finally:
        controller.stop()
    assert str(refused.value) == ("the mail server refused the recipients "
                                  "(redaktion@example.org: 550 5.7.1 relaying denied)")


# The server asks for a login over plain SMTP on purpose (loopback, no TLS set up): aiosmtpd's
# warning about that is this test's premise, not news.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_a_server_wanting_a_login_the_job_has_no_password_for_says_so(monkeypatch):
    # A cron line carries no environment: the login was skipped without a word, and the server's
    # "530 Authentication required" said nothing of the variable that was not set.
    monkeypatch.delenv("BLOGPARADE_SMTP_PASSWORD", raising=False)
    controller = Controller(Inbox(), hostname="127.0.0.1", port=free_port(), auth_required=True,
                            auth_require_tls=False, authenticator=lambda *args: None)  # fmt: skip
    controller.start()
    try:
        settings = SmtpSettings.from_settings({"BLOGPARADE_SMTP": f"smtp://redaktion@127.0.0.1:{controller.port}"})
        with pytest.raises(MailError) as error:
            send(settings, message())
    finally:
        controller.stop()
    assert "answered 530" in str(error.value)
    assert "names the user 'redaktion', but its password is not in this job's environment (BLOGPARADE_SMTP_PASSWORD" \
        in str(error.value)
