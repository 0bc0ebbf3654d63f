"""Feeds behind logins, proxies and a company CA (issue 12), against real servers on loopback:
nothing here is mocked, every request crosses a socket."""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver

from aggregator.editors.webhook import WebhookError, send_json
from aggregator.feeds import policy
from aggregator.feeds.fetch import Fetcher, FetchSettings
from aggregator.feeds.logins import Login, Secrets, login_for
from aggregator.feeds.policy import NetworkPolicy
from aggregator.feeds.proxies import Proxies, ProxyError
from aggregator.feeds.trust import Trust, TrustError
from aggregator.models import ErrorKind, FetchResult, LoginSpec, Participant
from tests.acceptance_helpers import blogparade_command, invoke, new_site, write_participant
from tests.intranet_servers import CompanyCA, ForwardProxy, TLSFeedServer
from tests.servers import LOOPBACK_POLICY, RSS, FeedServer, Request, redirect, respond

PASSWORD = "Sommer2026!"
TOKEN = "eyJ0b2tlbiI6ImludHJhbmV0In0"


def settings(**overrides: object) -> FetchSettings:
    values: dict[str, object] = {"user_agent": "blogparade/test", "timeout": 5.0,
                                 "connect_timeout": 2.0, "policy": LOOPBACK_POLICY}
    return FetchSettings(**{**values, **overrides})  # type: ignore[arg-type]


def fetch(url: str, login: Login | None = None, **overrides: object) -> FetchResult:
    return fetch_all([url], login, **overrides)[0]


def fetch_all(urls: list[str], login: Login | None = None, **overrides: object) -> list[FetchResult]:
    async def run() -> list[FetchResult]:
        async with Fetcher(settings(**overrides)) as fetcher:
            return [await fetcher.fetch(url, login=login) for url in urls]

    return asyncio.run(run())


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def behind(header: str, value: str):  # noqa: ANN201 - a route handler
    """A feed that answers only requests carrying `header: value` (401 otherwise)."""

    async def handler(request: Request) -> None:
        if request.headers.get(header.lower()) == value:
            await respond(RSS)(request)
        else:
            await request.send(401, {"WWW-Authenticate": 'Basic realm="intranet"',
                                     "Content-Type": "text/plain"}, b"login please\n")

    return handler


def login(feed: str, spec: LoginSpec, environ: dict[str, str] | None = None,
          folder: Path = Path("/nonexistent"), site: Path = Path("/nonexistent-site")) -> Login:
    participant = Participant(slug="wiki", name="Wiki", feed=feed, home=feed, login=spec)
    found = login_for(participant, Secrets(environ or {}, folder, site))
    assert found is not None
    return found


BASIC = LoginSpec("basic", user="anna", secret_env="BLOGPARADE_LOGIN_WIKI")
BEARER = LoginSpec("bearer", secret_env="BLOGPARADE_LOGIN_NEWS")


# ------------------------------------------------------------------------------------ logins


def test_a_feed_behind_basic_auth_is_read_with_the_secret_from_the_environment(
    feed_server: FeedServer,
) -> None:
    url = feed_server.route("/feed", behind("Authorization", basic("anna", PASSWORD)))
    result = fetch(url, login(url, BASIC, {"BLOGPARADE_LOGIN_WIKI": PASSWORD}))
    assert result.ok, result.error
    assert feed_server.requests[-1].headers["authorization"] == basic("anna", PASSWORD)


def test_a_feed_behind_a_bearer_token(feed_server: FeedServer) -> None:
    url = feed_server.route("/feed", behind("Authorization", f"Bearer {TOKEN}"))
    assert fetch(url, login(url, BEARER, {"BLOGPARADE_LOGIN_NEWS": TOKEN})).ok


def test_a_cookie_from_a_secret_file_outside_the_repository(feed_server: FeedServer,
                                                             tmp_path: Path) -> None:
    secrets = tmp_path / "etc-blogparade"
    secrets.mkdir()
    (secrets / "kantine.secret").write_text("session=abc123\n")
    spec = LoginSpec("header", header="Cookie", secret_file=str(secrets / "kantine.secret"))
    url = feed_server.route("/feed", behind("Cookie", "session=abc123"))
    assert fetch(url, login(url, spec, folder=secrets, site=tmp_path / "site")).ok


def test_a_secret_file_inside_the_repository_or_outside_the_secrets_folder_is_not_read(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    (site / "secrets").mkdir(parents=True)
    (site / "secrets" / "x.secret").write_text("session=abc\n")
    spec = LoginSpec("header", header="Cookie", secret_file=str(site / "secrets" / "x.secret"))
    inside = login("http://127.0.0.1/feed", spec, folder=site / "secrets", site=site)
    assert inside.value is None and "inside the site's repository" in (inside.missing or "")
    spec = LoginSpec("header", header="Cookie", secret_file="/etc/passwd")
    elsewhere = login("http://127.0.0.1/feed", spec, folder=tmp_path / "none", site=site)
    assert elsewhere.value is None and "is not in" in (elsewhere.missing or "")


def test_a_wrong_password_is_login_refused_and_not_sent_again_in_the_run(
    feed_server: FeedServer,
) -> None:
    url = feed_server.route("/feed", behind("Authorization", basic("anna", PASSWORD)))
    comments = feed_server.route("/comments", behind("Authorization", basic("anna", PASSWORD)))
    wrong = login(url, BASIC, {"BLOGPARADE_LOGIN_WIKI": "Winter2025"})
    first, second = fetch_all([url, comments], wrong)
    assert first.error and first.error.kind is ErrorKind.LOGIN
    assert str(first.error) == ("login refused: 401 Unauthorized to the basic login as 'anna', "
                                "secret from the environment variable BLOGPARADE_LOGIN_WIKI")
    assert "Winter2025" not in str(first.error)
    assert second.error and second.error.kind is ErrorKind.LOGIN
    assert "refused earlier in this run" in second.error.message
    assert feed_server.hits("/comments") == 0  # one wrong password per run, not one per feed


def test_blogs_sharing_a_wrong_password_send_it_once_though_read_at_once(feed_server: FeedServer) -> None:
    # One service account for the wiki's many blogs: fetched side by side, the first request's
    # answer decides for the others, which wait for it instead of sending the password too.
    async def slow(request: Request) -> None:
        await asyncio.sleep(0.3)
        await behind("Authorization", basic("anna", PASSWORD))(request)

    urls = [feed_server.route(f"/blog{n}/feed", slow) for n in range(4)]

    async def run(secret: str) -> list[FetchResult]:
        async with Fetcher(settings()) as fetcher:
            wrong = login(urls[0], BASIC, {"BLOGPARADE_LOGIN_WIKI": secret})
            return await asyncio.gather(*(fetcher.fetch(url, login=wrong) for url in urls))

    results = asyncio.run(run("Winter2025"))
    assert [r.error.kind if r.error else None for r in results] == [ErrorKind.LOGIN] * 4
    assert sum("authorization" in r.headers for r in feed_server.requests) == 1
    assert sum("refused earlier in this run" in r.error.message for r in results if r.error) == 3
    # The right one: after the first answer, the others go out side by side.
    started = time.monotonic()
    assert all(result.ok for result in asyncio.run(run(PASSWORD)))
    assert time.monotonic() - started < 0.3 * 3
    assert sum("authorization" in r.headers for r in feed_server.requests) == 5


def test_a_missing_secret_fails_without_a_request(feed_server: FeedServer) -> None:
    url = feed_server.route("/feed", behind("Authorization", basic("anna", PASSWORD)))
    result = fetch(url, login(url, BASIC, {}))
    assert result.error and result.error.kind is ErrorKind.NO_LOGIN  # not "login refused": nothing was sent
    assert str(result.error).startswith("no login: cannot log in with the basic login as 'anna'")
    assert "BLOGPARADE_LOGIN_WIKI is not set" in result.error.message
    assert feed_server.hits("/feed") == 0


def test_without_a_login_a_401_says_the_feed_needs_one(feed_server: FeedServer) -> None:
    url = feed_server.route("/feed", behind("Authorization", basic("anna", PASSWORD)))
    result = fetch(url)
    assert result.error and result.error.kind is ErrorKind.HTTP
    assert "needs a login" in result.error.message


def test_credentials_go_to_the_feeds_origin_only_never_across_a_redirect() -> None:
    with FeedServer(host="127.0.0.1") as blog, FeedServer(host="127.0.0.2") as other:
        other.route("/feed", respond(RSS))
        blog.route("/old", redirect(other.url("/feed"), 301))
        blog.route("/same", redirect("/feed", 302))
        blog.route("/feed", behind("Authorization", basic("anna", PASSWORD)))
        secret = login(blog.url("/feed"), BASIC, {"BLOGPARADE_LOGIN_WIKI": PASSWORD})
        moved, same = fetch_all([blog.url("/old"), blog.url("/same")], secret)
        assert moved.ok and same.ok
        assert "authorization" not in other.requests[-1].headers
        assert [r.headers.get("authorization") for r in blog.requests] == [basic("anna", PASSWORD)] * 3
        # The same host on another port is another origin.
        with FeedServer(host="127.0.0.1") as neighbour:
            assert fetch(neighbour.url("/feed.xml"), secret).ok
            assert "authorization" not in neighbour.requests[-1].headers


def test_a_cookie_a_server_sets_is_sent_nowhere() -> None:
    """A login's server that answers with a session cookie: the run's other requests, to it and
    to another blog, go without it (a shared cookie jar would carry a blog's session anywhere)."""

    async def with_cookie(request: Request) -> None:
        cookie = {"Set-Cookie": "wp_session=minted-from-login; Path=/"}
        await respond(RSS, headers=cookie)(request)

    with FeedServer() as blog, FeedServer() as other:
        # By name: a cookie jar keeps no cookies of hosts written as addresses.
        blog.route("/feed", with_cookie)
        url = f"http://localhost:{blog.port}/feed"
        secret = login(url, BASIC, {"BLOGPARADE_LOGIN_WIKI": PASSWORD})
        results = fetch_all([url, url, f"http://localhost:{other.port}/feed.xml"], secret)
        assert all(result.ok for result in results), [r.error for r in results]
        assert [r.headers.get("cookie") for r in blog.requests + other.requests] == [None] * 3


# ----------------------------------------------------------------------------------- proxies


def test_proxies_come_from_the_environment_or_blogparade_proxy() -> None:
    env = {"HTTP_PROXY": "http://proxy.corp:3128", "https_proxy": "proxy.corp:8080",
           "NO_PROXY": "intern.corp,10.0.0.0/8"}
    proxies = Proxies.from_environment(env)
    import yarl
    assert str(proxies.for_url(yarl.URL("http://blog.example/feed"))) == "http://proxy.corp:3128"
    assert str(proxies.for_url(yarl.URL("https://blog.example/feed"))) == "http://proxy.corp:8080"
    assert proxies.for_url(yarl.URL("https://wiki.intern.corp/feed")) is None
    assert proxies.for_url(yarl.URL("http://10.1.2.3/feed")) is None
    one = Proxies.from_environment({**env, "BLOGPARADE_PROXY": "http://other:3128"})
    assert str(one.for_url(yarl.URL("https://blog.example/"))) == "http://other:3128"
    assert not Proxies.from_environment(env, setting="direct")
    with pytest.raises(ProxyError):
        Proxies.from_environment({"HTTPS_PROXY": "socks5://proxy:1080"})
    # BLOGPARADE_PROXY = 5 was the host "5": `check` passed, and every feed failed each night.
    with pytest.raises(ProxyError, match=r"BLOGPARADE_PROXY = 5 in pelicanconf.py must be a proxy's URL in quotes"):
        Proxies.from_environment({}, setting=5)
    for nowhere in ("5", "http://1.2.3:3128", "10.0.0.300"):
        with pytest.raises(ProxyError, match="names no host"):
            Proxies.from_environment({"HTTP_PROXY": nowhere})
    assert str(Proxies.from_environment({"HTTP_PROXY": "10.0.0.3:3128"}).http.url) == "http://10.0.0.3:3128"


def test_a_proxy_setting_that_names_no_proxy_fails_check_and_the_run(tmp_path: Path) -> None:
    site = new_site(tmp_path / "site", "BLOGPARADE_PROXY = 5")
    for command in ("check", "fetch"):
        result = invoke(site, command)
        assert result.exit_code == 2, result.output
        assert "BLOGPARADE_PROXY = 5 in pelicanconf.py must be a proxy's URL in quotes" in result.output


def test_http_and_https_feeds_and_their_redirects_go_through_the_proxy(
    tmp_path: Path,
) -> None:
    ca = CompanyCA(tmp_path)
    with ForwardProxy() as proxy, FeedServer() as plain, TLSFeedServer(ca.server_context()) as tls:
        plain.route("/hop", redirect("/feed.xml", 302))
        tls.route("/hop", redirect("/feed.xml", 302))
        proxies = Proxies.from_environment({"HTTP_PROXY": proxy.url, "HTTPS_PROXY": proxy.url})
        results = fetch_all([plain.url("/hop"), tls.url("/hop")], proxies=proxies,
                            tls=Trust(ca_bundle=str(ca.bundle)).context())
        assert all(result.ok for result in results), [r.error for r in results]
        assert proxy.saw("GET", plain.url("/hop")) and proxy.saw("GET", plain.url("/feed.xml"))
        assert proxy.saw("CONNECT", f"127.0.0.1:{tls.port}")
        assert tls.hits("/feed.xml") == 1  # the redirect's target came through the tunnel too


def test_no_proxy_sends_a_host_direct(feed_server: FeedServer) -> None:
    with ForwardProxy() as proxy:
        proxies = Proxies.from_environment({"HTTP_PROXY": proxy.url, "NO_PROXY": "127.0.0.0/8"})
        assert fetch(feed_server.url("/feed.xml"), proxies=proxies).ok
        assert proxy.carried == []


def test_the_proxys_login_goes_to_the_proxy_only(tmp_path: Path, feed_server: FeedServer) -> None:
    ca = CompanyCA(tmp_path)
    with ForwardProxy(login=("svc", "p@ss")) as proxy, TLSFeedServer(ca.server_context()) as tls:
        without = Proxies.from_environment({"HTTP_PROXY": proxy.url})
        refused = fetch(feed_server.url("/feed.xml"), proxies=without)
        assert refused.error and refused.error.kind is ErrorKind.PROXY
        assert "407" in refused.error.message
        with_login = proxy.url.replace("http://", "http://svc:p%40ss@")
        proxies = Proxies.from_environment({"HTTP_PROXY": with_login, "HTTPS_PROXY": with_login})
        trust = Trust(ca_bundle=str(ca.bundle)).context()
        assert fetch(feed_server.url("/feed.xml"), proxies=proxies).ok
        assert fetch(tls.url("/feed.xml"), proxies=proxies, tls=trust).ok
        assert "proxy-authorization" not in feed_server.requests[-1].headers
        assert "proxy-authorization" not in tls.requests[-1].headers


def test_through_a_proxy_the_target_is_still_checked_against_the_network_policy(
    feed_server: FeedServer,
) -> None:
    """The proxy's own address is trusted; a target resolving to a refused address is refused
    here, before the proxy is asked."""
    with ForwardProxy() as proxy:
        proxies = Proxies.from_environment({"HTTP_PROXY": f"http://localhost:{proxy.port}"})
        target = f"http://localhost:{feed_server.port}/feed.xml"
        public_only = NetworkPolicy()
        refused = fetch(target, proxies=proxies, policy=public_only)
        assert refused.error and refused.error.kind is ErrorKind.NOT_ALLOWED
        literal = fetch(feed_server.url("/feed.xml"), proxies=proxies, policy=public_only)
        assert literal.error and literal.error.kind is ErrorKind.NOT_ALLOWED
        assert proxy.carried == []
        assert fetch(target, proxies=proxies).ok  # loopback allowed: through the named proxy
        assert proxy.saw("GET", target)


class SlowResolver(ThreadedResolver):
    """The system's resolver, 3 s late."""

    async def resolve(self, *args: Any, **kwargs: Any) -> list[ResolveResult]:
        await asyncio.sleep(3)
        return await super().resolve(*args, **kwargs)


def test_through_a_proxy_the_targets_lookup_counts_against_the_deadline(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check of the target's addresses waits for the resolver: a slow one (here the system's,
    3 s late) ends the fetch at its deadline like a slow server, the proxy never asked."""
    monkeypatch.setattr(policy, "DefaultResolver", SlowResolver)
    with ForwardProxy() as proxy:
        proxies = Proxies.from_environment({"HTTP_PROXY": proxy.url})
        started = time.monotonic()
        result = fetch(f"http://localhost:{feed_server.port}/feed.xml", proxies=proxies, timeout=0.5)
        assert time.monotonic() - started < 2
        assert result.error and result.error.kind is ErrorKind.TIMEOUT, result.error
        assert result.error.message == "no response within 0.5 s"
        assert proxy.carried == []


def test_a_webhook_through_a_proxy_counts_the_targets_lookup_against_its_timeout(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A notice's webhook is checked as a feed is: a slow lookup of its host through the proxy
    ends it at its timeout (it once held the night as long as the resolver liked)."""
    monkeypatch.setattr(policy, "DefaultResolver", SlowResolver)
    feed_server.route("/hook", respond(b"ok", content_type="text/plain"))
    with ForwardProxy() as proxy:
        proxies = Proxies.from_environment({"HTTP_PROXY": proxy.url})
        started = time.monotonic()
        with pytest.raises(WebhookError, match=r"^no answer within 0\.5 s$"):
            send_json(f"http://localhost:{feed_server.port}/hook", {"text": "x"},
                      settings=settings(proxies=proxies), timeout=0.5)
        assert time.monotonic() - started < 2
        assert proxy.carried == [] and feed_server.hits("/hook") == 0


def test_the_proxys_address_is_trusted_for_connections_to_the_proxy_only() -> None:
    """Connecting to the proxy is the editors' choice; a feed naming the proxy's host and port
    itself goes there direct (only HTTPS_PROXY set, or NO_PROXY) and is checked as any other."""
    with ForwardProxy() as proxy, FeedServer(host="127.0.0.2") as blog:
        at_proxy = f"localhost:{proxy.port}"
        only_the_blog = NetworkPolicy.from_setting(["127.0.0.2/32"])
        through = Proxies.from_environment({"HTTP_PROXY": f"http://{at_proxy}"})
        assert fetch(blog.url("/feed.xml"), proxies=through, policy=only_the_blog).ok
        assert proxy.saw("GET", blog.url("/feed.xml"))
        proxy.carried.clear()
        for environ in ({"HTTPS_PROXY": f"http://{at_proxy}"},
                        {"HTTP_PROXY": f"http://{at_proxy}", "NO_PROXY": "localhost"}):
            direct = Proxies.from_environment(environ)
            result = fetch(f"http://{at_proxy}/feed.xml", proxies=direct, policy=only_the_blog)
            assert result.error and result.error.kind is ErrorKind.NOT_ALLOWED, result.error
        assert proxy.carried == []


def test_a_407_from_the_feeds_own_server_is_no_proxy_wanting_a_login(tmp_path: Path,
                                                                      feed_server: FeedServer) -> None:
    ca = CompanyCA(tmp_path)
    with ForwardProxy() as proxy, TLSFeedServer(ca.server_context()) as tls:
        tls.route("/feed.xml", status=407)
        direct = fetch(feed_server.route("/feed.xml", status=407))
        tunnelled = fetch(tls.url("/feed.xml"), tls=Trust(ca_bundle=str(ca.bundle)).context(),
                          proxies=Proxies.from_environment({"HTTPS_PROXY": proxy.url}))
    for result in (direct, tunnelled):  # through a tunnel, only the feed's server answers
        assert result.error and result.error.kind is ErrorKind.HTTP, result.error
        assert result.error.message == "407 Proxy Authentication Required"


def test_a_proxy_that_is_down_is_named(feed_server: FeedServer) -> None:
    with ForwardProxy() as proxy:
        url = proxy.url
    result = fetch(feed_server.url("/feed.xml"), proxies=Proxies.from_environment({"HTTP_PROXY": url}))
    assert result.error and result.error.kind is ErrorKind.PROXY
    assert "cannot connect to the proxy" in result.error.message


# ------------------------------------------------------------------------------------- trust


def test_a_company_ca_is_trusted_only_when_given(tmp_path: Path) -> None:
    ca = CompanyCA(tmp_path)
    with TLSFeedServer(ca.server_context()) as tls:
        untrusted = fetch(tls.url("/feed.xml"))
        assert untrusted.error and untrusted.error.kind is ErrorKind.TLS
        assert str(untrusted.error).startswith("tls: certificate not trusted: ")
        assert "BLOGPARADE_CA_BUNDLE" in untrusted.error.message
        assert fetch(tls.url("/feed.xml"), tls=Trust(ca_bundle=str(ca.bundle)).context()).ok


def test_without_trust_settings_https_is_checked_against_the_systems_cas(tmp_path: Path) -> None:
    """The system's CAs (OpenSSL's default paths: SSL_CERT_FILE here) verify an https feed in a
    run without trust settings; aiohttp's own defaults, which hold no CA (feeds/client.py), are
    never what a request goes out with.  A process of its own: aiohttp imported as a run does."""
    ca = CompanyCA(tmp_path)
    (tmp_path / "other").mkdir()
    other = CompanyCA(tmp_path / "other")
    site = new_site(tmp_path / "site")
    with TLSFeedServer(ca.server_context()) as tls:
        write_participant(site, "wiki", "Wiki", tls.url("/feed.xml"))
        for bundle, fetched in ((ca.bundle, True), (other.bundle, False)):
            environ = {**os.environ, "SSL_CERT_FILE": str(bundle)}
            environ.pop("BLOGPARADE_CA_BUNDLE", None)
            done = subprocess.run([*blogparade_command(), "--site", str(site), "fetch"], env=environ,
                                  capture_output=True, text=True, timeout=60)  # fmt: skip
            said = done.stdout + done.stderr
            if fetched:
                assert done.returncode == 0 and "1 fetched, 0 unchanged, 0 errors; 2 new posts" in said, said
            else:
                assert "1 error;" in said and "tls: certificate not trusted" in said, said
    defaults = subprocess.run(
        [sys.executable, "-c", "import aggregator.feeds.fetch, aiohttp.connector as c; "
         "print(c._SSL_CONTEXT_VERIFIED.cert_store_stats()['x509_ca'])"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "SSL_CERT_FILE": str(ca.bundle)},
    )  # fmt: skip
    assert defaults.stdout.strip() == "0", defaults.stdout + defaults.stderr


def test_a_self_signed_certificate_is_named(tmp_path: Path) -> None:
    ca = CompanyCA(tmp_path)
    context = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
    ca.ca.configure_trust(context)  # not a server certificate: the CA's own, self-signed
    ca.ca.cert_pem.write_to_path(str(tmp_path / "self.pem"))
    ca.ca.private_key_pem.write_to_path(str(tmp_path / "self.key"))
    context.load_cert_chain(str(tmp_path / "self.pem"), str(tmp_path / "self.key"))
    with TLSFeedServer(context) as tls:
        result = fetch(tls.url("/feed.xml"))
        assert result.error and "certificate not trusted: self-signed certificate" in result.error.message


def test_expired_and_wrong_host_certificates_are_named(tmp_path: Path) -> None:
    ca = CompanyCA(tmp_path)
    trust = Trust(ca_bundle=str(ca.bundle)).context()
    expired = ca.ca.issue_cert("127.0.0.1", not_before=datetime.now(UTC) - timedelta(days=60),
                               not_after=datetime.now(UTC) - timedelta(days=1))
    wrong = ca.ca.issue_cert("wiki.beispiel.example")
    for cert, words in ((expired, "certificate expired"), (wrong, "wrong host name")):
        context = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        with TLSFeedServer(context) as tls:
            result = fetch(tls.url("/feed.xml"), tls=trust)
            assert result.error and result.error.kind is ErrorKind.TLS
            assert result.error.message.startswith(words), result.error


def test_a_server_that_wants_a_client_certificate(tmp_path: Path) -> None:
    ca = CompanyCA(tmp_path)
    cert, key = ca.client_certificate()
    with TLSFeedServer(ca.server_context(client_ca=ca)) as tls:
        without = fetch(tls.url("/feed.xml"), tls=Trust(ca_bundle=str(ca.bundle)).context())
        assert without.error is not None
        assert "BLOGPARADE_CLIENT_CERT" in without.error.message, without.error
        mutual = Trust(ca_bundle=str(ca.bundle), client_cert=str(cert), client_key=str(key))
        assert fetch(tls.url("/feed.xml"), tls=mutual.context()).ok


def test_a_tls_connection_reset_before_any_answer_names_the_client_certificate(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """Such a server hangs up, resets the connection, or sends its alert, whichever wins a race:
    every shape of it says what to set."""
    ca = CompanyCA(tmp_path)
    with TLSFeedServer(ca.server_context()) as tls:
        result = fetch(tls.url("/reset"), tls=Trust(ca_bundle=str(ca.bundle)).context())
    assert result.error and result.error.kind is ErrorKind.CONNECTION
    assert result.error.message.startswith("connection reset by peer"), result.error
    assert "BLOGPARADE_CLIENT_CERT" in result.error.message, result.error
    plain = fetch(feed_server.url("/reset"))  # over plain HTTP there is no certificate to name
    assert plain.error and plain.error.message == "connection reset by peer"


def test_unusable_trust_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "junk.pem").write_text("not a certificate\n")
    with pytest.raises(TrustError, match="BLOGPARADE_CA_BUNDLE"):
        Trust(ca_bundle=str(tmp_path / "junk.pem")).context()
    with pytest.raises(TrustError, match="is not a file"):
        Trust(ca_bundle=str(tmp_path / "missing.pem")).context()
    with pytest.raises(TrustError, match="BLOGPARADE_CLIENT_CERT"):
        Trust.from_settings({"BLOGPARADE_CLIENT_KEY": "/x.key"})


def test_a_user_name_and_password_in_an_address_are_never_sent(feed_server: FeedServer) -> None:
    # An image's address in a stranger's post ("http://alice:s3cret@host/img.png"): aiohttp logged
    # in with it, and the run printed the password. Logins come from participant files alone.
    url = feed_server.route("/feed", respond(RSS))
    with_login = url.replace("http://", "http://alice:s3cret@")
    result = fetch(with_login)
    assert result.ok, result.error
    assert "authorization" not in feed_server.requests[-1].headers
    from aggregator.feeds.clean import sanitize_html

    cleaned = sanitize_html(f'<p><img src="{with_login}"> <a href="{with_login}">x</a></p>', url)
    assert "s3cret" not in cleaned and "alice" not in cleaned and url in cleaned
