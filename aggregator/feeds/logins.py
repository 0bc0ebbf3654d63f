"""Logins per blog: what a participant file may say about one, and the header it becomes.

A participant file lands in git, so it names the login's kind and *where* its secret is, never
the secret::

    login = { kind = "basic", user = "svc-blogroll", secret_env = "BLOGPARADE_LOGIN_WIKI" }
    login = { kind = "bearer", secret_env = "BLOGPARADE_LOGIN_NEWS" }
    login = { kind = "header", name = "Cookie", secret_file = "/etc/blogparade/kantine.secret" }

Where a secret may be is narrow on purpose, because participant files come from pull requests:
an environment variable whose name starts with ``BLOGPARADE_LOGIN_`` (not the nightly job's
other secrets, say a cloud key or the SMTP password), or a file in ``BLOGPARADE_SECRETS_DIR``
(default ``/etc/blogparade``; not ~/.ssh, and never inside the site's repository).  Two files
that name one secret must name feeds of one origin (`shared_secrets`): `check` fails on each of
them, and `fetch` sends such a secret to none of them.

Where a login is sent: only to the origin (scheme, host, port) of the blog's configured feed, on
every request made for that blog (its feed, its comment feeds, its post pages looked at for
parade links) and on every redirect hop that stays on that origin; a hop to another origin goes
without it.  A 401 or 403 to a request that carried it is "login refused", and that login is not
sent again in the same run (a wrong password must not lock the account); nothing else is tried.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import yarl

from ..models import LoginSpec, Participant

KINDS = ("basic", "bearer", "header")
ENV_PREFIX = "BLOGPARADE_LOGIN_"
SECRETS_DIR = "BLOGPARADE_SECRETS_DIR"
DEFAULT_SECRETS_DIR = "/etc/blogparade"
MAX_SECRET = 16 * 1024  # bytes: a cookie or token, not a file someone pointed us at by mistake
_KEYS = {"kind", "user", "name", "secret_env", "secret_file"}
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$")  # an HTTP header name
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,127}$")
# Headers that are the HTTP client's or the proxy's, not a login's.
_NOT_LOGIN_HEADERS = frozenset({
    "host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer",
    "proxy-authorization", "proxy-connection", "keep-alive", "expect",
})  # fmt: skip

Origin = tuple[str, str, int]


class LoginError(Exception):
    """A login's secret cannot be had; the message says why, never the secret."""


# -- the participant file ----------------------------------------------------------------------

SHOWN = 200  # characters of a value a problem quotes


def shown(value: object) -> str:
    """`value` as a problem quotes it: its repr, cut short.  A file may hold megabytes where one
    value belongs, and `check` prints one line per problem into a pull request's CI log."""
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def spec_problems(value: Any) -> list[str]:
    """What is wrong with a participant file's `login` table, as messages (empty: usable)."""
    if not isinstance(value, dict):
        return ["'login' must be a table like { kind = \"basic\", user = \"…\", secret_env = \"…\" }"]
    problems = [f"'login' has an unknown key {shown(key)}" for key in value if key not in _KEYS]
    if any(not isinstance(v, str) for v in value.values()):
        problems.append("'login' values must be strings")
        return problems
    kind = value.get("kind")
    if kind not in KINDS:
        problems.append(f"'login' kind must be one of {', '.join(KINDS)}")
    if kind == "basic" and not value.get("user", "").strip():
        problems.append("'login' of kind basic needs a user")
    if kind == "header":
        name = value.get("name", "")
        if not _TOKEN.match(name) or name.lower() in _NOT_LOGIN_HEADERS:
            problems.append(f"'login' of kind header needs the header's name, like \"Cookie\" (not {shown(name)})")
    if kind != "header" and "name" in value:
        problems.append("'login' name is the header of kind header only")
    if "user" in value and kind != "basic":
        problems.append("'login' user belongs to kind basic only")
    env, file = value.get("secret_env", ""), value.get("secret_file", "")
    if bool(env) == bool(file):
        problems.append("'login' needs exactly one of secret_env (an environment variable) or "
                        "secret_file (a file outside the site's repository); never the secret itself")
    if env and (not _ENV_NAME.match(env) or not env.startswith(ENV_PREFIX)):
        problems.append(f"'login' secret_env must be an environment variable named {ENV_PREFIX}…, "
                        f"not {shown(env)} (a participant file must not name the job's other secrets)")
    if file and not Path(file).is_absolute():
        problems.append(f"'login' secret_file must be an absolute path in {DEFAULT_SECRETS_DIR} "
                        f"(or {SECRETS_DIR}), not {shown(file)}")
    if any("\n" in v or "\r" in v for v in value.values()):
        problems.append("'login' values must be one line each")
    return problems


def parse_spec(value: dict[str, str]) -> LoginSpec:
    """The LoginSpec of a table `spec_problems` found nothing wrong with."""
    return LoginSpec(
        kind=value["kind"],  # type: ignore[arg-type]
        user=value.get("user", ""),
        header=value.get("name", ""),
        secret_env=value.get("secret_env", ""),
        secret_file=value.get("secret_file", ""),
    )


def spec_table(spec: LoginSpec) -> dict[str, str]:
    """The `login` table of a participant file (the inverse of parse_spec)."""
    table = {"kind": spec.kind, "user": spec.user, "name": spec.header,
             "secret_env": spec.secret_env, "secret_file": spec.secret_file}  # fmt: skip
    return {key: value for key, value in table.items() if value}


# -- the secret, and the header it becomes -------------------------------------------------------


def origin(url: str | yarl.URL) -> Origin:
    """Scheme, host and port: what a login is bound to."""
    parsed = yarl.URL(str(url))
    return (parsed.scheme.lower(), (parsed.raw_host or "").lower().rstrip("."), parsed.port or 0)


@dataclass(frozen=True)
class Login:
    """A blog's login, ready to send to its feed's origin: the header, or why there is none.

    `repr` never shows the secret (it lands in logs and tracebacks)."""

    origin: Origin
    header: str  # the header's name: Authorization, Cookie…
    value: str | None  # None when the secret is missing (`missing` says why)
    described: str  # "basic login as 'anna' (secret from the environment variable …)"
    missing: str | None = None

    def applies_to(self, url: yarl.URL) -> bool:
        return origin(url) == self.origin

    @property
    def key(self) -> tuple[Origin, str, str]:
        """The same login of the same origin, in any participant: refused once, not sent again."""
        return (self.origin, self.header, self.described)

    def __repr__(self) -> str:
        return f"Login({self.described} for {self.origin[0]}://{self.origin[1]}:{self.origin[2]})"


@dataclass(frozen=True)
class Secrets:
    """Where secrets may be read: the environment, and one folder outside the repository."""

    environ: Mapping[str, str]
    folder: Path
    site: Path  # the site's folder: secret files are read from outside its repository only

    @classmethod
    def for_site(cls, root: Path, settings: Mapping[str, Any]) -> Secrets:
        folder = os.environ.get(SECRETS_DIR) or settings.get(SECRETS_DIR) or DEFAULT_SECRETS_DIR
        return cls(os.environ, Path(str(folder)), root)

    @cached_property
    def repository(self) -> tuple[Path, ...]:
        """The site's folder and the git work tree around it: asked of git when a secret file
        is first read, not by every run (most sites have no secret files)."""
        return repository_roots(self.site)

    def read(self, spec: LoginSpec) -> str:
        """The secret; LoginError says why it cannot be had (never what it is)."""
        if spec.secret_env:
            value = self.environ.get(spec.secret_env)
            if value is None or not value.strip():
                raise LoginError(f"the environment variable {spec.secret_env} is not set")
            return _one_line(value.strip(), spec)
        return _one_line(self._read_file(spec.secret_file), spec)

    def _read_file(self, name: str) -> str:
        path = Path(name)
        try:
            real, folder = path.resolve(strict=True), self.folder.resolve()
        except (OSError, RuntimeError):
            raise LoginError(f"the secret file {name} does not exist") from None
        inside_repo = [root for root in self.repository if real.is_relative_to(root)]
        if inside_repo:
            raise LoginError(f"the secret file {name} is inside the site's repository "
                             f"({inside_repo[0]}): keep it outside, where git never sees it")
        if not real.is_relative_to(folder):
            raise LoginError(f"the secret file {name} is not in {folder} ({SECRETS_DIR} names "
                             "the folder secret files may be read from)")
        if any(folder.is_relative_to(root) for root in self.repository):
            raise LoginError(f"{SECRETS_DIR} {folder} is inside the site's repository")
        if not real.is_file():
            raise LoginError(f"the secret file {name} is not a file")
        try:
            with open(real, "rb") as file:
                data = file.read(MAX_SECRET + 1)
        except OSError as error:
            raise LoginError(f"the secret file {name} cannot be read ({error.strerror})") from None
        if len(data) > MAX_SECRET:
            raise LoginError(f"the secret file {name} is larger than {MAX_SECRET // 1024} KB")
        text = data.decode("utf-8", errors="replace").strip()
        if not text:
            raise LoginError(f"the secret file {name} is empty")
        return text


def _one_line(secret: str, spec: LoginSpec) -> str:
    if "\n" in secret or "\r" in secret or "\x00" in secret:
        raise LoginError(f"the secret in {spec.secret_source} must be one line")
    return secret


def login_for(participant: Participant, secrets: Secrets) -> Login | None:
    """The participant's login, bound to its feed's origin; None when it has none.  A secret
    that cannot be had is a Login with `missing` set: its requests fail without being sent."""
    spec = participant.login
    if spec is None:
        return None
    header, described = _header_name(spec), describe(spec)
    try:
        value = header_value(spec, secrets.read(spec))
    except LoginError as error:
        return Login(origin(participant.feed), header, None, described, missing=str(error))
    return Login(origin(participant.feed), header, value, described)


def logins_for(participants: list[Participant], secrets: Secrets) -> dict[str, Login]:
    """Every participant's login, by slug (those without one are left out).  A secret that
    files name for feeds of different origins is sent to none of them (`shared_secrets`)."""
    shared = shared_secrets(participants)
    found = {}
    for participant in participants:
        login = login_for(participant, secrets)
        if login is not None and participant.slug in shared:
            login = replace(login, value=None, missing=_sent_to_none(shared[participant.slug]))
        if login is not None:
            found[participant.slug] = login
    return found


def header_value(spec: LoginSpec, secret: str) -> str:
    if spec.kind == "basic":
        pair = f"{spec.user}:{secret}".encode("utf-8")
        return "Basic " + base64.b64encode(pair).decode("ascii")
    if spec.kind == "bearer":
        return f"Bearer {secret}"
    return secret


def _header_name(spec: LoginSpec) -> str:
    return spec.header if spec.kind == "header" else "Authorization"


def describe(spec: LoginSpec) -> str:
    """The login in words for status and messages: kind, user, where the secret is."""
    who = {"basic": f"basic login as {spec.user!r}", "bearer": "bearer token",
           "header": f"{spec.header} header"}[spec.kind]  # fmt: skip
    return f"{who}, secret from {spec.secret_source}"


# -- checks over all participant files ----------------------------------------------------------


def shared_secrets(participants: list[Participant]) -> dict[str, list[str]]:
    """Files naming one secret for feeds of different origins, by slug: the other files that name
    it for another origin.  A pull request must not send a blog's password to a server of its
    choosing by naming that blog's secret; which file is the blog's, only a person can tell."""
    with_login = [(p, p.login) for p in participants if p.login is not None]
    by_secret: defaultdict[tuple[str, str], list[Participant]] = defaultdict(list)
    for participant, spec in with_login:
        by_secret[_place(spec)].append(participant)
    shared = {}
    for participant, spec in with_login:
        others = [p.slug for p in by_secret[_place(spec)] if origin(p.feed) != origin(participant.feed)]
        if others:
            shared[participant.slug] = others
    return shared


def _place(spec: LoginSpec) -> tuple[str, str]:
    """Where the secret is, one spelling for one place: `/etc/blogparade/./x` and a link to it
    name the file `/etc/blogparade/x` does (realpath reads no file, only the links' targets)."""
    return ("env", spec.secret_env) if spec.secret_env else ("file", os.path.realpath(spec.secret_file))


def shared_secret_problems(participants: list[Participant]) -> list[tuple[Participant, str, list[str]]]:
    """Every file naming a secret that another names for a feed of another origin, with the
    slugs of those others."""
    shared = shared_secrets(participants)
    return [(p, f"'login' names {p.login.secret_source}, and {_sent_to_none(shared[p.slug])}", shared[p.slug])
            for p in participants if p.slug in shared and p.login is not None]  # fmt: skip


def _sent_to_none(others: list[str]) -> str:
    files = " and ".join(f"{slug}.toml" for slug in others)
    verb = "names" if len(others) == 1 else "name"
    return (f"{files} also {verb} it for a feed on another origin; a secret goes to one origin "
            "only, so it is sent to none of them")


def repository_roots(root: Path) -> tuple[Path, ...]:
    """The site's folder, and the git work tree it is in (when it is in one)."""
    roots = [root.resolve()]
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        if top.returncode == 0 and top.stdout.strip():
            roots.append(Path(top.stdout.strip()).resolve())
    except (OSError, subprocess.SubprocessError):
        pass
    return tuple(dict.fromkeys(roots))
