"""Hand messages to an SMTP server: verified TLS, timeouts, a rate limit, retries with backoff.

Each message is one SMTP transaction (MAIL FROM, RCPT TO, DATA) written out
here rather than through ``smtplib.sendmail``, so that the caller learns the
moment the data is handed over (after the server's ``354``) and can journal
it: a connection lost *before* that point lost nothing and is retried; lost
*after* it, the outcome is unknown and the message is not sent again.

* a 4xx reply or a dropped connection before hand-over: retried, with
  exponential backoff, up to ``attempts`` times (reconnecting as needed);
* a 5xx reply for one recipient: that message is rejected; the rest go on;
* a connection that cannot be (re)established: the run stops
  (:class:`ConnectionLost`); what was not sent is sent by the next run.
"""

from __future__ import annotations

import logging
import re
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Callable, Iterable

from briefgen.errors import BriefgenError
from briefgen.delivery.mailconfig import SmtpSettings

log = logging.getLogger(__name__)

SENT, REJECTED, DEFERRED, UNKNOWN = "sent", "rejected", "deferred", "unknown"


@dataclass
class Outgoing:
    """One message for one envelope recipient; ``data`` is the whole message with CRLF line ends."""

    address: str
    data: bytes
    key: object = None  # whatever the caller needs to find it again
    smtputf8: bool = False  # the address (or a header) is not ASCII: only a relay offering SMTPUTF8 takes it


@dataclass(frozen=True)
class Outcome:
    state: str      # sent | rejected | deferred | unknown
    response: str   # the server's answer, or what went wrong


@dataclass(frozen=True)
class Retry:
    """How often and how patiently a transient failure is retried."""

    attempts: int = 4
    backoff: float = 2.0      # seconds before the second try; doubled each time
    max_backoff: float = 60.0


class ConnectionLost(BriefgenError):
    """The server could not be reached, even after retries; the run stops."""


class _Reply(Exception):
    def __init__(self, code: int, text: str, stage: str):
        super().__init__(f"{code} {text}")
        self.code, self.text, self.stage = code, text, stage

    def __str__(self) -> str:
        return f"{self.code} {self.text} (after {self.stage})"


def rejection(error: "_Reply") -> str:
    """The server's permanent refusal, said plainly: a message too big is not a bad address."""
    enhanced = error.text.split(" ", 1)[0]
    if error.code == 552 and error.stage != "RCPT TO" or enhanced in ("5.3.4", "5.2.3"):
        return f"{error} — message too big for this server: it takes smaller messages (the PDF is attached to each)"
    if error.stage == "RCPT TO" and error.code in (550, 551, 553) or enhanced.startswith("5.1."):
        return f"{error} — bad address: fix or remove the address"
    return f"{error} — refused by the server"


class _Unknown(Exception):
    """The connection failed after the message data was handed over."""


def _text(response: bytes | str) -> str:
    return (response.decode("utf-8", "replace") if isinstance(response, bytes) else str(response)).replace("\n", " ")


def connect(settings: SmtpSettings, password: str | None) -> smtplib.SMTP:
    """An open, greeted (and, as configured, encrypted and logged-in) SMTP connection."""
    if not settings.host:
        raise BriefgenError("no SMTP server: give --smtp-host, set BRIEFGEN_SMTP_HOST or write host = in "
                            "briefgen.toml's [smtp] table")
    context = ssl.create_default_context(cafile=str(settings.cafile) if settings.cafile else None)
    local = socket.gethostname() or "localhost"  # getfqdn() can stall on DNS
    if settings.security == "ssl":
        conn = smtplib.SMTP_SSL(settings.host, settings.port, local_hostname=local, timeout=settings.timeout,
                                context=context)
    else:
        conn = smtplib.SMTP(settings.host, settings.port, local_hostname=local, timeout=settings.timeout)
    try:
        conn.ehlo()
        if settings.security == "starttls":
            if not conn.has_extn("starttls"):
                raise BriefgenError(f"{settings.where}: the server does not offer STARTTLS: use --smtp-security ssl "
                                    "(usually port 465), or none only for a relay on this machine")
            conn.starttls(context=context)
            conn.ehlo()
        if settings.user:
            if settings.security == "none" and settings.host not in ("localhost", "127.0.0.1", "::1"):
                raise BriefgenError(f"{settings.where}: refusing to send the password unencrypted: use "
                                    "--smtp-security starttls or ssl")
            conn.login(settings.user, password or "")
    except BaseException:
        conn.close()
        raise
    log.info("connected to %s", settings.where)
    return conn


def _dot_stuffed(data: bytes) -> bytes:
    data = re.sub(rb"(?<!\r)\n", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _reset(conn: smtplib.SMTP) -> None:
    try:
        conn.rset()
    except (smtplib.SMTPException, OSError):
        pass


def _transact(conn: smtplib.SMTP, sender: str, item: Outgoing, on_handover: Callable[[Outgoing], None]) -> str:
    code, response = conn.mail(sender, ["SMTPUTF8"] if item.smtputf8 else [])
    if code != 250:
        _reset(conn)
        raise _Reply(code, _text(response), "MAIL FROM")
    code, response = conn.rcpt(item.address)
    if code not in (250, 251):
        _reset(conn)
        raise _Reply(code, _text(response), "RCPT TO")
    conn.putcmd("data")
    code, response = conn.getreply()
    if code != 354:
        _reset(conn)
        raise _Reply(code, _text(response), "DATA")
    on_handover(item)
    try:
        conn.send(_dot_stuffed(item.data))
        code, response = conn.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as error:
        raise _Unknown(str(error)) from error
    if code != 250:
        raise _Reply(code, _text(response), "end of data")
    return f"{code} {_text(response)}"


def _close(conn: smtplib.SMTP | None) -> None:
    if conn is None:
        return
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        conn.close()


def deliver(items: Iterable[Outgoing], settings: SmtpSettings, password: str | None, *, envelope_from: str,
            on_attempt: Callable[[Outgoing], None], on_handover: Callable[[Outgoing], None],
            on_outcome: Callable[[Outgoing, Outcome], None], retry: Retry = Retry(),
            sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
            smtputf8: tuple[str, ...] = ()) -> None:
    """Send ``items`` one by one over one connection (re-opened when it drops).

    ``smtputf8`` lists the addresses that need a server offering SMTPUTF8: if
    it does not, :class:`BriefgenError` is raised on connecting, before any message.

    ``on_attempt`` is called before each transaction (returning False skips
    the message: the caller's claim failed), ``on_handover`` just
    before the data is sent, ``on_outcome`` with the result; a message that
    gets no outcome was not sent. Raises :class:`ConnectionLost` when the
    server stays unreachable, and :class:`BriefgenError` for what no retry
    cures (a refused login, an untrusted certificate).
    """
    interval = 60.0 / settings.per_minute if settings.per_minute else 0.0
    conn: smtplib.SMTP | None = None
    last_start: float | None = None
    try:
        for item in items:
            for attempt in range(1, retry.attempts + 1):
                if interval and last_start is not None:
                    wait = last_start + interval - clock()
                    if wait > 0:
                        sleep(wait)
                last_start = clock()
                connected = conn is not None
                try:
                    if conn is None:
                        conn = connect(settings, password)
                        connected = True
                        if smtputf8 and not conn.has_extn("smtputf8"):
                            raise BriefgenError(
                                f"{settings.where}: the server does not offer SMTPUTF8, which {len(smtputf8)} "
                                f"address(es) need (not ASCII before the @): {', '.join(smtputf8[:5])}"
                                f"{' …' if len(smtputf8) > 5 else ''}; nothing was sent — send through a relay "
                                "that supports SMTPUTF8, or ask these recipients for an ASCII address")
                    if on_attempt(item) is False:
                        break  # not ours to send (another run has it)
                    on_outcome(item, Outcome(SENT, _transact(conn, envelope_from, item, on_handover)))
                    break
                except _Unknown as error:
                    _close(conn)
                    conn = None
                    on_outcome(item, Outcome(UNKNOWN, f"connection lost after the message was handed over: {error}"))
                    break
                except _Reply as error:
                    if error.code >= 500:
                        on_outcome(item, Outcome(REJECTED, rejection(error)))
                        break
                    problem: str = str(error)
                    if error.code == 421:  # the server is closing the connection
                        _close(conn)
                        conn = None
                        connected = False
                except smtplib.SMTPAuthenticationError as error:
                    raise BriefgenError(f"{settings.where}: login as {settings.user} refused ({error.smtp_code} "
                                        f"{_text(error.smtp_error)}): check the user and BRIEFGEN_SMTP_PASSWORD") from None
                except ssl.SSLCertVerificationError as error:
                    raise BriefgenError(f"{settings.where}: the server's certificate is not trusted "
                                        f"({error.verify_message}): fix the server, or name its CA with --smtp-cafile") from None
                except smtplib.SMTPNotSupportedError as error:
                    raise BriefgenError(f"{settings.where}: {error}") from None
                except smtplib.SMTPConnectError as error:
                    if error.smtp_code >= 500:
                        raise BriefgenError(f"{settings.where}: the server refused the connection "
                                            f"({error.smtp_code} {_text(error.smtp_error)})") from None
                    problem, conn, connected = f"{error.smtp_code} {_text(error.smtp_error)}", None, False
                except (smtplib.SMTPException, OSError) as error:
                    _close(conn)
                    conn = None
                    problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
                if attempt == retry.attempts:
                    on_outcome(item, Outcome(DEFERRED, problem))
                    if not connected:
                        raise ConnectionLost(f"{settings.where}: cannot reach the server ({problem}); "
                                             "what was not sent is sent by running the same command again")
                    break
                delay = min(retry.backoff * 2 ** (attempt - 1), retry.max_backoff)
                log.info("%s: %s; trying again in %.1f s", item.address, problem, delay)
                sleep(delay)
    finally:
        _close(conn)
