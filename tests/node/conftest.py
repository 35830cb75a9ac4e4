"""Certificates for TLS nodes: a CA with a node certificate it signed, and an impostor's."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ServerContext = Callable[[str], ssl.SSLContext]


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``ca``, ``cert``/``key``/``der`` (127.0.0.1, signed by the CA, as the node's gencerts
    makes them) and ``impostor``/``impostor-key``/``impostor-der`` (self-signed, also 127.0.0.1)."""
    d = tmp_path_factory.mktemp("certs")

    def sh(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)

    days = ("-days", "2")
    sh("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
       *days, "-subj", "/CN=obnotify test CA")  # fmt: skip
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    sh("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "node.key", "-out", "node.csr",
       "-subj", "/CN=127.0.0.1")  # fmt: skip
    sh("x509", "-req", "-in", "node.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
       "-out", "node.crt", *days, "-extfile", "ext.cnf")  # fmt: skip
    sh("x509", "-in", "node.crt", "-outform", "DER", "-out", "node.der")
    sh("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "impostor.key",
       "-out", "impostor.crt", *days, "-subj", "/CN=127.0.0.1",
       "-addext", "subjectAltName=IP:127.0.0.1")  # fmt: skip
    sh("x509", "-in", "impostor.crt", "-outform", "DER", "-out", "impostor.der")
    return {
        "ca": d / "ca.crt",
        "cert": d / "node.crt",
        "key": d / "node.key",
        "der": d / "node.der",
        "impostor": d / "impostor.crt",
        "impostor-key": d / "impostor.key",
        "impostor-der": d / "impostor.der",
    }


@pytest.fixture
def server_context(certs: dict[str, Path]) -> ServerContext:
    """A server context for ``"node"`` (the CA-signed certificate) or ``"impostor"``."""

    def make(which: str) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        if which == "impostor":
            ctx.load_cert_chain(certs["impostor"], certs["impostor-key"])
        else:
            ctx.load_cert_chain(certs["cert"], certs["key"])
        return ctx

    return make
