"""TLS to a node: a pinned certificate checked inside the handshake, and TLS failures in words.

Python's ``ssl`` has no verify callback, and checking the pin on a finished
connection (after the socket's HTTP upgrade, or on a REST response) is too late:
the ``Authorization`` header has gone out by then. Both asyncio (the socket) and
anyio (httpx) run the handshake through the context's ``sslobject_class``, so a
subclass whose ``do_handshake`` compares the peer certificate refuses a wrong
one before the first byte of HTTP is written, on every connection.
"""

from __future__ import annotations

import hashlib
import ssl
from typing import Final

__all__ = ["PinMismatch", "describe_tls_error", "fingerprint", "pinned_context"]

_UNTRUSTED_ISSUER: Final = frozenset({18, 19, 20, 21})
"""OpenSSL verify codes: self-signed leaf, self-signed in chain, issuer unknown, leaf unverifiable."""
_EXPIRED: Final = 10
_NOT_YET_VALID: Final = 9
_HOSTNAME_MISMATCH: Final = 62
_NOT_TLS: Final = frozenset({"WRONG_VERSION_NUMBER", "HTTP_REQUEST", "RECORD_LAYER_FAILURE"})
"""What OpenSSL reports when the other end answers in plain HTTP."""


def fingerprint(der_cert: bytes) -> str:
    """The SHA-256 fingerprint as ``openssl x509 -fingerprint -sha256`` prints it."""
    digest = hashlib.sha256(der_cert).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


class PinMismatch(ssl.SSLCertVerificationError):
    """The node's certificate is not the pinned one; nothing was sent over the connection."""

    def __init__(self, presented: bytes | None) -> None:
        self.presented = fingerprint(presented) if presented else ""
        """The fingerprint of the certificate the other end showed, if it showed one."""
        shown = f" (it showed {self.presented})" if self.presented else ""
        super().__init__(
            ssl.SSL_ERROR_SSL,
            "the node's certificate does not match the pinned SHA-256 fingerprint"
            f"{shown}: if the node's certificate was regenerated, update --pin; otherwise "
            "something between you and the node is answering in its place",
        )

    def __str__(self) -> str:
        return str(self.strerror)


def _check(pin_sha256: str, der_cert: bytes | None) -> None:
    if der_cert is None or hashlib.sha256(der_cert).hexdigest() != pin_sha256:
        raise PinMismatch(der_cert)


def pinned_context(pin_sha256: str) -> ssl.SSLContext:
    """A client context that trusts exactly the certificate with this SHA-256 (lower-case hex).

    The chain and host name are not checked (a node's certificate is self-signed);
    the pin is, during the handshake, for connections made through asyncio or
    anyio (``sslobject_class``) and through blocking sockets (``sslsocket_class``).
    """

    class PinnedObject(ssl.SSLObject):
        def do_handshake(self) -> None:
            super().do_handshake()
            _check(pin_sha256, self.getpeercert(binary_form=True))

    class PinnedSocket(ssl.SSLSocket):
        def do_handshake(self, block: bool = False) -> None:
            super().do_handshake(block)
            _check(pin_sha256, self.getpeercert(binary_form=True))

    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.sslobject_class = PinnedObject
    ctx.sslsocket_class = PinnedSocket
    return ctx


def describe_tls_error(exc: ssl.SSLError) -> str:
    """What went wrong in the TLS handshake, and what to do about it, for the state line."""
    if isinstance(exc, PinMismatch):
        return str(exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        code, message = exc.verify_code, exc.verify_message
        if code in _UNTRUSTED_ISSUER:
            return (
                f"the node's certificate is not trusted ({message}): give its CA with --ca "
                "(ssl/rootCA.crt from the node's gencerts), or pin it with --pin"
            )
        if code == _EXPIRED:
            return "the node's certificate has expired: make a new one with the node's gencerts"
        if code == _NOT_YET_VALID:
            return "the node's certificate is not valid yet: check this computer's clock"
        if code == _HOSTNAME_MISMATCH:
            return (
                f"the node's certificate is for another host name ({message}): connect with "
                "the name or address it was made for"
            )
        return f"the node's certificate is not trusted: {message}"
    reason = getattr(exc, "reason", None)
    if reason in _NOT_TLS:
        return "the node did not answer in TLS: if its SSL is off, use an http:// address"
    return f"TLS handshake failed: {reason or exc}"
