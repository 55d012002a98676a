"""SMTP settings: a config file, environment variables and options, in rising order of precedence.

The config file is the workspace's ``briefgen.toml`` (found by walking up from the
working directory, see workspace.py; or any TOML or YAML file given with
``--config``), with an ``[smtp]`` table::

    [smtp]
    host = "smtp.example.org"
    port = 587
    security = "starttls"        # starttls | ssl | none
    user = "advocacy@example.org"
    from = "Open Dialogue Foundation <advocacy@example.org>"
    reply_to = "katarzyna.szczypka@example.org"

The password is never read from a file: only from ``BRIEFGEN_SMTP_PASSWORD``
or a prompt, and it is kept in memory only.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Mapping

from briefgen.errors import BriefgenError, Problem, display_path
from briefgen.delivery.recipients import valid_address

DEFAULT_CONFIG = Path("briefgen.toml")
SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
PASSWORD_ENV = "BRIEFGEN_SMTP_PASSWORD"

#: setting → environment variable
ENVIRONMENT = {
    "host": "BRIEFGEN_SMTP_HOST",
    "port": "BRIEFGEN_SMTP_PORT",
    "security": "BRIEFGEN_SMTP_SECURITY",
    "user": "BRIEFGEN_SMTP_USER",
    "from": "BRIEFGEN_FROM",
    "reply_to": "BRIEFGEN_REPLY_TO",
    "cafile": "BRIEFGEN_SMTP_CAFILE",
}
KEYS = ("host", "port", "security", "user", "from", "reply_to", "cafile", "timeout", "per_minute")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send; ``sender`` and ``reply_to`` are header-ready addresses."""

    host: str | None = None
    port: int = 587
    security: str = "starttls"
    user: str | None = None
    sender: Address | None = None
    reply_to: Address | None = None
    cafile: Path | None = None
    timeout: float = 30.0
    per_minute: float | None = None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port} ({self.security})"


def parse_address(value: str, what: str) -> Address:
    """``"Name <a@b.org>"`` or ``"a@b.org"`` as an :class:`Address`; a BriefgenError when invalid."""
    from briefgen.delivery.headers import unsafe

    if problem := unsafe(value):
        raise BriefgenError(f"{what}: {problem}")
    name, address = parseaddr(value)
    checked = valid_address(address) if address else None
    if checked is None or checked.ascii_email is None:
        raise BriefgenError(f"{what}: '{value}' is not an email address: write it as name@example.org "
                            "or \"Name <name@example.org>\"")
    username, domain = checked.ascii_email.rsplit("@", 1)
    return Address(display_name=name, username=username, domain=domain)


def _address_setting(values: dict, from_file: dict, config: Path | None, key: str, what: str) -> Address | None:
    """The address setting ``key``; a bad one written in the config file is shown at its line there."""
    if not values.get(key):
        return None
    try:
        return parse_address(str(values[key]), what)
    except BriefgenError as error:
        if config is None or from_file.get(key) != values[key]:
            raise  # it came from the environment or an option
        shown = display_path(config)
        line = _line_of(Path(config).read_text(encoding="utf-8"), key)
        raise BriefgenError(problems=[Problem(shown, line, 1, f"smtp.{key}", error.message)]) from None


def _read_config(path: Path) -> dict:
    shown = display_path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        from briefgen.load.yamlfile import load_yaml

        data = load_yaml(path).data
    else:
        from briefgen.workspace import read_config  # the workspace's reader: a syntax error is positioned

        data = read_config(path)
    if not isinstance(data, dict):
        raise BriefgenError(f"{shown}: expected an [smtp] table (TOML) or an smtp: mapping (YAML)")
    smtp = data.get("smtp", {})
    if not isinstance(smtp, dict):
        raise BriefgenError(f"{shown}: 'smtp' must be a table of settings ({', '.join(KEYS)})")
    text = path.read_text(encoding="utf-8")
    problems = []
    for key in smtp:
        line = _line_of(text, key)
        if key == "password":
            problems.append(Problem(shown, line, 1, f"smtp.{key}", "a password is never kept in a file: remove it and "
                                    f"set {PASSWORD_ENV} or type it when asked"))
        elif key not in KEYS:
            guess = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
            hint = f"did you mean '{guess[0]}'?" if guess else f"the settings are {', '.join(KEYS)}"
            problems.append(Problem(shown, line, 1, f"smtp.{key}", f"unknown setting '{key}': {hint}"))
    if problems:
        raise BriefgenError(problems=problems)
    return {key: value for key, value in smtp.items() if value not in (None, "")}


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*['\"]?{re.escape(key)}['\"]?\s*[=:]", line):
            return number
    return 1


def load_settings(config: Path | None = None, options: Mapping[str, object] | None = None,
                  environ: Mapping[str, str] | None = None) -> SmtpSettings:
    """The settings from ``config`` (or the workspace's briefgen.toml), then the environment, then options."""
    import os

    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    if config is None:
        from briefgen.workspace import find_workspace

        config = find_workspace().config_path
    from_file: dict[str, object] = {}
    if config is not None:
        from_file = _read_config(Path(config))
        values.update(from_file)
    values.update({key: environ[name] for key, name in ENVIRONMENT.items() if environ.get(name)})
    values.update({key: value for key, value in (options or {}).items() if value not in (None, "")})

    security = str(values.get("security", "starttls")).lower()
    if security not in SECURITY:
        raise BriefgenError(f"SMTP security '{security}' is unknown: write one of {', '.join(SECURITY)}")
    try:
        port = int(values.get("port", DEFAULT_PORTS[security]))
        timeout = float(values.get("timeout", 30))
        per_minute = float(values["per_minute"]) if values.get("per_minute") else None
    except (TypeError, ValueError) as error:
        raise BriefgenError(f"SMTP settings: a port, timeout or per_minute must be a number ({error})") from None
    if not 0 < port < 65536:
        raise BriefgenError(f"SMTP port {port} is out of range: write a port such as 587 (STARTTLS) or 465 (SSL)")
    cafile = Path(str(values["cafile"])) if values.get("cafile") else None
    if cafile is not None and not cafile.is_file():
        raise BriefgenError(f"CA file {display_path(cafile)} not found: give the PEM file of the CA that signed "
                            "the server's certificate")
    return SmtpSettings(
        host=str(values["host"]) if values.get("host") else None,
        port=port,
        security=security,
        user=str(values["user"]) if values.get("user") else None,
        sender=_address_setting(values, from_file, config, "from", "from address"),
        reply_to=_address_setting(values, from_file, config, "reply_to", "reply-to address"),
        cafile=cafile,
        timeout=timeout,
        per_minute=per_minute,
    )
