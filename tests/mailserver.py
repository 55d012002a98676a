"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records what it receives and misbehaves on demand,
and the small brief built once per test module."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import ssl
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from briefgen.editions.build import build_brief
from conftest import SMALL

USER, PASSWORD = "officer@example.org", "s3cret-Pa55word"

# aiosmtpd warns about its own deprecated attribute on every successful login
logging.getLogger("mail.log").addFilter(lambda record: "login_data is deprecated" not in record.getMessage())


@dataclass
class Recorder:
    """The handler: keeps every accepted message; rejects, defers and drops as told."""

    reject: set[str] = field(default_factory=set)        # 550 at RCPT TO
    defer_once: set[str] = field(default_factory=set)    # 451 at RCPT TO, the first time only
    drop_after: int | None = None   # after storing this many messages, drop the connection before answering
    down: bool = False              # answer 421 to every MAIL FROM
    too_big: set[str] = field(default_factory=set)       # 552 at the end of DATA
    delay: float = 0.0              # seconds before answering the end of DATA (a slow server)
    hold_after: int | None = None   # once this many are stored, hold every further DATA until `release` is set
    release: threading.Event = field(default_factory=threading.Event)
    waiting: list = field(default_factory=list)           # the recipients of each DATA being held
    received: list = field(default_factory=list)          # (recipients, message)
    connections: int = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.down:
            return "421 4.3.2 Service not available, closing transmission channel"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if address in self.defer_once:
            self.defer_once.discard(address)
            return "451 4.2.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hold_after is not None and len(self.received) >= self.hold_after and not self.release.is_set():
            self.waiting.append(list(envelope.rcpt_tos))
            while not self.release.is_set():
                await asyncio.sleep(0.01)
            self.waiting.remove(list(envelope.rcpt_tos))
        if self.too_big & set(envelope.rcpt_tos):
            return "552 5.3.4 Message size exceeds fixed maximum message size"
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.received.append((list(envelope.rcpt_tos), message))
        if self.drop_after is not None and len(self.received) == self.drop_after:
            self.down = True
            server.transport.close()  # stored, but the client never hears the 250
        return "250 2.0.0 OK queued"

    def copies(self, address: str) -> list:
        return [message for rcpts, message in self.received if address in rcpts]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    handler: Recorder
    port: int
    cafile: Path | None = None


def _authenticator(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=(auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode()))


@contextmanager
def smtp_server(tmp_path: Path, *, tls: str | None = None, handler: Recorder | None = None, ca=None,
                smtputf8: bool = True):
    """An aiosmtpd server on 127.0.0.1: plain (tls=None), STARTTLS with login required
    (tls="starttls") or implicit TLS (tls="ssl"), with a certificate from a CA made here;
    ``smtputf8=False`` makes it not offer SMTPUTF8 (internationalised addresses), as many relays do."""
    handler = handler or Recorder()
    port = free_port()
    kwargs: dict = {"enable_SMTPUTF8": smtputf8}
    cafile = None
    if tls:
        ca = ca or trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        cafile = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(cafile))
        if tls == "starttls":
            kwargs |= {"tls_context": context, "require_starttls": True, "auth_required": True,
                      "authenticator": _authenticator}
        else:
            kwargs |= {"ssl_context": context}
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield Server(handler, port, cafile)
    finally:
        controller.stop()


def build_small(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the small brief and its PDF editions (en, ru), built once for a module."""
    root = tmp_path_factory.mktemp("brief")
    brief = root / "small-brief"
    shutil.copytree(SMALL, brief)
    out = root / "output"
    build_brief(brief, formats=("pdf",), out_dir=out)
    return brief, out


def fresh_out(built_out: Path, tmp_path: Path) -> Path:
    """A copy of the built output folder for one test (its own ledger and outbox)."""
    out = tmp_path / "output"
    shutil.copytree(built_out, out)
    return out


RECIPIENTS_CSV = """name,email,language,salutation,group,country,committee
Anna Alpha,anna@example.org,en,Ms,EPP,Poland,AFET
Борис Бета,boris@example.org,ru,Mr,S&D,Latvia,DROI
Clara Gamma,clara@example.org,de,Dr,Renew,Germany,
Дарья Дельта,darya@example.org,ru,Ms,Renew,Lithuania,DROI
Eve Epsilon,eve@example.org,en,,Greens,France,
"""


def write_recipients(tmp_path: Path, text: str = RECIPIENTS_CSV, name: str = "meps.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def own_workspace(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """The built brief and its output copied into this test's own folder, so its own workspace and ledger."""
    shutil.copytree(built[0], tmp_path / built[0].name)
    return tmp_path / built[0].name, fresh_out(built[1], tmp_path)
