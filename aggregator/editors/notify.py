"""Notifications: the editors (and a blog's own contact) hear about a feed that keeps failing.

After every fetch, each blog's post feed is compared with what the editors were told (the
store's `alerts`):

- it has failed `BLOGPARADE_NOTIFY_AFTER` runs in a row (default 3) and no notice went out for
  this streak: a "failing" notice goes out, once, and the store remembers it;
- it answers again after such a notice: a "recovered" notice goes out, once, and the memory goes.

So a dead blog costs one message, not one every night.  Where they go: `BLOGPARADE_NOTIFY`, a
list of `mailto:` addresses (sent through BLOGPARADE_SMTP with editors/mail.py) and `https://`
webhooks (a JSON body, see `payload`; editors/webhook.py), plus the blog's own `contact =
"mailto:…"` from its participant file.  A notice counts as given once it was tried: a failing
mail server or webhook is reported in the run's summary, never fails the run, and is not
retried the next night (that would repeat the notice to everyone it did reach).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from email.message import EmailMessage
from typing import Any, Literal, Sequence
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ..feeds.fetch import FetchSettings
from ..models import ErrorKind, FeedState, FetchError, Participant
from ..site import PUBLISH_SETTINGS_FILE, Site, SiteError, checked_settings, timezone_name
from ..store import Alert, Store, utcnow
from ..urls import is_http_url
from .mail import MailError, SmtpSettings, send, set_subject
from .participants import is_mailto
from .status import error_fields
from .webhook import WebhookError, send_json

Event = Literal["failing", "recovered"]
PAYLOAD_FORMAT = "blogparade-notice/1"


@dataclass(frozen=True)
class Notice:
    event: Event
    participant: Participant
    feed: str
    failures: int  # runs in a row that failed (0 for "recovered")
    failing_since: datetime | None
    error: FetchError | None = None  # the last error, for "failing"
    gone: bool = False  # answered 410 Gone: not asked again until the editors act

    def payload(self, site_name: str, site_url: str, text: str) -> dict[str, Any]:
        """The webhook's JSON body; its keys are stable (README, "Notifications")."""
        return {
            "format": PAYLOAD_FORMAT,
            "event": self.event,
            "site": site_name,
            "site_url": site_url or None,
            "blog": {"slug": self.participant.slug, "name": self.participant.name,
                     "home": self.participant.home, "feed": self.feed},
            "failures": self.failures,
            "failing_since": _iso(self.failing_since),
            **error_fields(self.error),  # "error", and its "error_kind" and "error_message"
            "text": text,  # what chat webhooks (Slack, Mattermost, Rocket.Chat) show
        }  # fmt: skip


@dataclass
class NotifyReport:
    notices: list[Notice] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)  # "failing: Annas Blog -> mailto:…"
    failed: list[str] = field(default_factory=list)  # the same, with why
    # Servers that gave no answer in this run ("smtp", or a webhook's URL), with why: not tried
    # again, so 1,000 notices to a hanging webhook cost one timeout, not 1,000.
    unreachable: dict[str, str] = field(default_factory=dict)


def due_notices(
    store: Store, participants: Sequence[Participant], after: int
) -> tuple[list[Notice], list[str]]:
    """What goes out now, and the participants whose notice is moot (removed, inactive)."""
    # Only failing feeds may be due a notice, and only alerted blogs a "recovered": a night of
    # 1,000 blogs read every feed's state (30 ms) to find none.
    states, alerts = store.feed_states(failing=True), store.alerts()
    since = store.failing_since()
    notices, moot = [], []
    by_slug = {p.slug: p for p in participants}
    for slug in alerts:
        if slug not in by_slug or not by_slug[slug].active:
            moot.append(slug)
    for participant in participants:
        if not participant.active:
            continue
        alert = alerts.get(participant.slug)
        state = states.get(participant.feed)
        if alert is not None and state is None:
            state = store.feed_state(participant.feed)  # not failing: recovered, perhaps
        if alert is None and failing(state, after):
            assert state is not None
            notices.append(Notice("failing", participant, participant.feed,
                                  state.consecutive_errors, since.get(participant.feed),
                                  state.last_error, state.gone))  # fmt: skip
        elif alert is not None and state is not None and state.consecutive_errors == 0 \
                and state.last_success is not None:
            notices.append(Notice("recovered", participant, participant.feed, 0,
                                  alert.failing_since))  # fmt: skip
    return notices, moot


def failing(state: FeedState | None, after: int) -> bool:
    """Failed `after` runs in a row; or answered 410 Gone, after which it is never asked again
    (so its streak would never grow to `after`).  Not where it failed last at this machine's
    proxy: that is the machine's trouble, not the blog's (a weekend's proxy outage told every
    blog behind it, its owner too), and each run's summary names it."""
    if state is None or state.consecutive_errors == 0:
        return False
    if state.last_error is not None and state.last_error.kind is ErrorKind.PROXY:
        return False
    return state.gone or state.consecutive_errors >= max(after, 1)


def notify_site(site: Site, store: Store, participants: Sequence[Participant],
                now: datetime | None = None) -> NotifyReport:  # fmt: skip
    """Send what is due (see the module's text) and remember it; never raises for a target."""
    now = now or utcnow()
    after = int(site["BLOGPARADE_NOTIFY_AFTER"])
    notices, moot = due_notices(store, participants, after)
    for slug in moot:
        store.clear_alert(slug)
    targets = notify_targets(site)
    # A notice no one is to be told (no BLOGPARADE_NOTIFY, no contact in the blog's file) is not
    # remembered as sent: `status` would say it was, and the editors who set up a target later
    # would never hear of a feed failing since before.
    addressed = [(notice, targets + ([notice.participant.contact] if notice.participant.contact else []))
                 for notice in notices]  # fmt: skip
    addressed = [(notice, told) for notice, told in addressed if told]
    report = NotifyReport([notice for notice, _ in addressed])
    # publishconf.py is Python: read once a run, and only where a webhook is told.
    site_url = published_url(site) if any(not target.startswith("mailto:") for target in targets) else ""
    for notice, told in addressed:
        delivered = len(report.delivered)
        deliver(site, notice, told, report, site_url)
        if len(report.delivered) == delivered:
            # Told no one (every target failed): due again the next run, where a repeat reaches
            # no one twice; `status` said "notice sent", and no notice ever went out.
            continue
        if notice.event == "failing":
            store.set_alert(Alert(notice.participant.slug, notice.feed, notice.failing_since, now))
        else:
            store.clear_alert(notice.participant.slug)
    return report


def notify_targets(site: Site) -> list[str]:
    """BLOGPARADE_NOTIFY: the job's environment's (targets separated by spaces) first, as for the
    machine's other secrets (a webhook's address is its password; pelicanconf.py is in git), else
    pelicanconf.py's."""
    value = os.environ.get("BLOGPARADE_NOTIFY", "").split() or site.settings.get("BLOGPARADE_NOTIFY") or []
    return [value] if isinstance(value, str) else [str(target) for target in value]


def deliver(site: Site, notice: Notice, targets: Sequence[str], report: NotifyReport,
            site_url: str | None = None) -> None:  # fmt: skip
    """Send `notice` to each target; a target that fails is a line in `report.failed`, whatever
    the reason (a run that dies here would build nothing and, the alert stored, tell no one).
    `site_url`: the published address, as `published_url` read it for the run (None: read it)."""
    lang = str(site.settings.get("DEFAULT_LANG", "de"))
    subject, text = message_text(notice, str(site.settings.get("SITENAME") or "blogparade"), lang,
                                 ZoneInfo(timezone_name(site.settings)))  # fmt: skip
    label = f"{notice.event}: {notice.participant.name}"
    for target in targets:
        server = "smtp" if target.startswith("mailto:") else target
        shown = shown_target(target)
        if server in report.unreachable:
            report.failed.append(f"{label} -> {shown}: {report.unreachable[server]} (not tried again)")
            continue
        try:
            if target.startswith("mailto:"):
                send_mail(site, target.removeprefix("mailto:"), subject, text)
            else:
                url = published_url(site) if site_url is None else site_url
                body = notice.payload(str(site.settings.get("SITENAME") or ""), url, text)
                send_json(target, body, settings=FetchSettings.from_site(site))
        except (MailError, WebhookError) as error:
            said = str(error).replace(target, shown)
            report.failed.append(f"{label} -> {shown}: {said}")
            if error.unreachable:
                report.unreachable[server] = said
        except Exception as error:  # noqa: BLE001  e.g. a header email refuses, a URL's bad port
            report.failed.append(f"{label} -> {shown}: {type(error).__name__}: {str(error).replace(target, shown)}")
        else:
            report.delivered.append(f"{label} -> {shown}")


def shown_target(target: str) -> str:
    """A notice's target as the run's summary names it: a webhook by its host alone.  Its path
    is a secret (Slack's, Teams' and Mattermost's hooks are their own password), and the summary
    goes to the nightly log and cron's mail."""
    if target.startswith("mailto:"):
        return target
    parts = urlsplit(target)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…" if parts.scheme and parts.netloc else "(a webhook)"


def target_problems(site: Site) -> list[str]:
    """What is wrong with the BLOGPARADE_NOTIFY targets, one sentence each, for `check`."""
    targets = notify_targets(site)
    return [
        f"BLOGPARADE_NOTIFY: {target!r} is neither one address like \"mailto:redaktion@example.org\" "
        "nor an https:// URL"
        for target in targets
        if not (is_mailto(target) if target.startswith("mailto:") else is_http_url(target))
    ] + mail_server_problems(site, [target for target in targets if target.startswith("mailto:")])


def mail_server_problems(site: Site, addresses: list[str]) -> list[str]:
    """Mail notices without a usable BLOGPARADE_SMTP would each fail, three nights after the
    feed did, in a log line nobody reads: `check` says so now."""
    if not addresses:
        return []
    try:
        SmtpSettings.from_settings(site.settings)
    except MailError as error:
        return [f"BLOGPARADE_NOTIFY mails {addresses[0]}, but {error}"]
    return []


def published_url(site: Site) -> str:
    """The published site's address: publishconf.py's SITEURL (pelicanconf.py's is a development
    build's, mostly ""), read only when a webhook is told; "" where it cannot be read, which is
    no reason to leave the notice untold."""
    path = site.root / PUBLISH_SETTINGS_FILE
    try:
        settings = checked_settings(path) if path.is_file() else site.settings
    except SiteError:
        settings = site.settings
    return str(settings.get("SITEURL") or site.settings.get("SITEURL") or "")


def send_mail(site: Site, address: str, subject: str, text: str) -> None:
    settings = SmtpSettings.from_settings(site.settings)
    message = EmailMessage()
    message["To"] = address
    set_subject(message, subject)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    message.set_content(text)
    send(settings, message)


def message_text(notice: Notice, site_name: str, lang: str = "de", zone: tzinfo = UTC) -> tuple[str, str]:
    """Subject and text of a notice, in the site's language (German or English), its days the
    site's (`zone`): a failure at 00:30 in Berlin is of that day, not of the one before in UTC."""
    blog, feed = notice.participant.name, notice.feed
    day = notice.failing_since.astimezone(zone) if notice.failing_since else None
    # As the site's pages write a day ("2. Dezember 2026", "2 December 2026" in en-GB); babel
    # here, where a notice is written: every fetch imports this module.
    from babel.dates import format_date

    from ..i18n import babel_locale

    since = format_date(day, "long", locale=babel_locale(lang)) if day else None
    if notice.gone:
        if lang.startswith("de"):
            return (f"[{site_name}] Der Feed von {blog} wurde entfernt",
                    f"Der Feed von {blog} ({feed}) antwortet 410 Gone: er wurde entfernt und wird "
                    "nicht mehr abgerufen. Hat das Blog eine neue Adresse, tragt sie in seine "
                    "Teilnehmerdatei ein; sonst: blogparade remove.")  # fmt: skip
        return (f"[{site_name}] The feed of {blog} is gone",
                f"The feed of {blog} ({feed}) answers 410 Gone: it was removed and is not read "
                "any more. If the blog has a new address, put it in its participant file; "
                "otherwise: blogparade remove.")  # fmt: skip
    if lang.startswith("de"):
        if notice.event == "failing":
            subject = f"[{site_name}] Der Feed von {blog} ist nicht erreichbar"
            times = {2: "zweimal", 3: "dreimal"}.get(notice.failures, f"{notice.failures}-mal")
            if notice.failures == 1:
                failed = f"Der Feed von {blog} ({feed}) war beim letzten Abruf nicht erreichbar."
            elif since:
                failed = f"Der Feed von {blog} ({feed}) ist seit dem {since} nicht erreichbar ({times} in Folge)."
            else:
                failed = f"Der Feed von {blog} ({feed}) war {times} in Folge nicht erreichbar."
            text = (f"{failed}\nZuletzt: {notice.error or ''}\n\n"
                    f"Neue Beiträge erscheinen auf {site_name} erst wieder, wenn er antwortet. "
                    "Diese Nachricht kommt nur einmal; wenn der Feed wieder antwortet, folgt "
                    "eine Nachricht.")  # fmt: skip
        else:
            subject = f"[{site_name}] Der Feed von {blog} antwortet wieder"
            text = (f"Der Feed von {blog} ({feed}) antwortet wieder"
                    + (f" (nicht erreichbar seit dem {since})" if since else "") + ".")
    elif notice.event == "failing":
        subject = f"[{site_name}] The feed of {blog} cannot be read"
        times = {2: "twice"}.get(notice.failures, f"{notice.failures} times")
        if notice.failures == 1:
            failed = f"The feed of {blog} ({feed}) could not be read at the last fetch."
        else:
            failed = f"The feed of {blog} ({feed}) has failed {times} in a row" + (f", since {since}" if since else "") + "."
        text = (f"{failed}\nLast error: {notice.error or ''}\n\n"
                f"New posts reach {site_name} again when it answers. This message comes once; "
                "another follows when the feed answers again.")  # fmt: skip
    else:
        subject = f"[{site_name}] The feed of {blog} answers again"
        text = f"The feed of {blog} ({feed}) answers again" + (
            f" (failing since {since})" if since else "") + "."
    return subject, text


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None
