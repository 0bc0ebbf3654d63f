"""TLS trust for a run: the system's CAs plus a company's, and a client certificate.

``BLOGPARADE_CA_BUNDLE``: a PEM file of CA certificates trusted *in addition to* the system's
(an intranet's own CA).  ``BLOGPARADE_CLIENT_CERT`` and ``BLOGPARADE_CLIENT_KEY``: a PEM
certificate and its key, shown to servers that ask for one (mutual TLS; the key may also be in
the certificate's file).  Each is read from the environment, else from pelicanconf.py.  One
`ssl.SSLContext` per run carries them all.

`tls_problem` turns a failed handshake into words an editor can act on ("certificate not
trusted: self-signed certificate … set BLOGPARADE_CA_BUNDLE").
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CA_BUNDLE = "BLOGPARADE_CA_BUNDLE"
CLIENT_CERT = "BLOGPARADE_CLIENT_CERT"
CLIENT_KEY = "BLOGPARADE_CLIENT_KEY"


class TrustError(ValueError):
    """A trust setting that cannot be used; the message says why, for a person."""


def setting_or_env(settings: Mapping[str, Any], name: str) -> str | None:
    """The environment's value of `name`, else the site's setting: the nightly job's environment
    (cron, systemd) wins over the file in git."""
    value = os.environ.get(name) or settings.get(name)
    return str(value) if value else None


@dataclass(frozen=True)
class Trust:
    """Which certificates a run trusts and shows; `context()` builds its SSLContext."""

    ca_bundle: str | None = None
    client_cert: str | None = None
    client_key: str | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Trust:
        trust = cls(
            setting_or_env(settings, CA_BUNDLE),
            setting_or_env(settings, CLIENT_CERT),
            setting_or_env(settings, CLIENT_KEY),
        )
        if trust.client_key and not trust.client_cert:
            raise TrustError(f"{CLIENT_KEY} is set but {CLIENT_CERT} is not: set both")
        return trust

    def context(self) -> ssl.SSLContext:
        """The system's CAs, plus the bundle, plus the client certificate; TrustError names
        the file that is missing or not what it should be."""
        context = ssl.create_default_context()
        if self.ca_bundle:
            _readable(self.ca_bundle, CA_BUNDLE)
            try:
                context.load_verify_locations(cafile=self.ca_bundle)
            except ssl.SSLError as error:
                raise TrustError(f"{CA_BUNDLE}: {self.ca_bundle} holds no usable PEM "
                                 f"certificate ({error.reason or error})") from None
        if self.client_cert:
            _readable(self.client_cert, CLIENT_CERT)
            if self.client_key:
                _readable(self.client_key, CLIENT_KEY)
            try:
                context.load_cert_chain(self.client_cert, self.client_key)
            except ssl.SSLError as error:
                raise TrustError(f"{CLIENT_CERT}/{CLIENT_KEY}: cannot use {self.client_cert} "
                                 f"as a client certificate ({error.reason or error}); is the key "
                                 "the certificate's, and not protected by a passphrase?") from None
        return context

    @property
    def default(self) -> bool:
        """Nothing beyond the system's CAs: the context every run shares will do (client.system_tls)."""
        return not (self.ca_bundle or self.client_cert)


def _readable(path: str, name: str) -> None:
    file = Path(path)
    if not file.is_file():
        raise TrustError(f"{name}: {path} is not a file")
    if not os.access(file, os.R_OK):
        raise TrustError(f"{name}: {path} cannot be read by this user")


# OpenSSL's verify codes (X509_V_ERR_*) that editors meet, and what they can do about them.
_SELF_SIGNED = {18, 19}  # DEPTH_ZERO_SELF_SIGNED_CERT, SELF_SIGNED_CERT_IN_CHAIN
_UNKNOWN_ISSUER = {2, 20, 21}  # UNABLE_TO_GET_ISSUER_CERT(_LOCALLY), UNABLE_TO_VERIFY_LEAF_SIGNATURE
_EXPIRED, _NOT_YET_VALID = 10, 9
_HOSTNAME = {62, 64}  # HOSTNAME_MISMATCH, IP_ADDRESS_MISMATCH


def tls_problem(error: BaseException, host: str) -> str | None:
    """What went wrong in a TLS handshake with `host`, in an editor's words; None when `error`
    is not a TLS failure."""
    verify = _find(error, ssl.SSLCertVerificationError)
    if verify is not None:
        return _verify_problem(verify, host)
    failed = _find(error, ssl.SSLError)
    if failed is None:
        return None
    reason = (failed.reason or str(failed)).lower()
    if "certificate_required" in reason or "certificate required" in reason or (
        "handshake_failure" in reason or "handshake failure" in reason
    ):
        return (f"{host} refused the TLS handshake; if it wants a client certificate, set "
                f"{CLIENT_CERT} and {CLIENT_KEY}")
    if "unknown_ca" in reason or "bad_certificate" in reason or "unknown ca" in reason:
        return (f"{host} does not accept our client certificate ({CLIENT_CERT}): "
                "it is not signed by a CA that server trusts")
    return f"TLS handshake with {host} failed ({failed.reason or failed})"


def _verify_problem(error: ssl.SSLCertVerificationError, host: str) -> str:
    code = getattr(error, "verify_code", None)
    message = getattr(error, "verify_message", None) or str(error)
    if code in _SELF_SIGNED or code in _UNKNOWN_ISSUER:
        return (f"certificate not trusted: {message} for {host}; if it is your company's CA, "
                f"set {CA_BUNDLE} to its PEM file")
    if code == _EXPIRED:
        return f"certificate expired: {host}'s certificate is no longer valid; its owner must renew it"
    if code == _NOT_YET_VALID:
        return f"certificate not yet valid: {host}'s certificate starts later (or this clock is wrong)"
    if code in _HOSTNAME:
        return f"wrong host name: {message}"
    return f"certificate not accepted for {host}: {message}"


def _find(error: BaseException | None, kind: type[BaseException]) -> Any:
    """The innermost exception of `kind` in the chain the HTTP client wraps around the real one
    (aiohttp's own TLS errors are SSLErrors too, without the details)."""
    found, seen = None, 0
    while error is not None and seen < 6:
        if isinstance(error, kind):
            found = error
        error = (getattr(error, "certificate_error", None) or getattr(error, "os_error", None)
                 or error.__cause__ or error.__context__)  # fmt: skip
        seen += 1
    return found
