"""Mail headers that cannot be forged: what may reach a header, how it is folded, and a check of the result.

A value from a brief, a translation, a recipients file or the settings ends up
in a header (Subject, From, To, Reply-To, the attachment's file name). Three
things keep it there as plain text:

* :func:`unsafe` refuses control characters and line breaks, and RFC 2047
  encoded words (``=?utf-8?q?x=0D=0AReply-To:…?=``): Python's email package
  decodes them when a header is set and writes the decoded line break back
  out, so an encoded CR/LF would add a header or a body. The check is made
  on the text *after* decoding, and every encoded word is refused (a mail
  program would show its decoding, not what was written).
* :func:`address_header` writes From/To/Reply-To itself, folded to 78
  octets: an ASCII name as words or a quoted string, anything else as
  encoded words of at most 75 characters — Python's own folder leaves a
  5,000-character word on one 5,000-octet line (RFC 5322 allows 998).
* :func:`check_message` parses the finished bytes back (``policy.default``)
  and compares every header with what was meant: one To holding exactly the
  recipient, no header added, the attachment there, no line over 998 octets.
  A message that does not read back as written is never sent or saved.

:func:`for_terminal` strips escape sequences from names shown in a table.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from email import policy
from email.errors import NonASCIILocalPartDefect
from email.header import decode_header, make_header
from email.parser import Parser

from briefgen.errors import BriefgenError

#: an RFC 2047 encoded word, read as leniently as a mail program would
ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")
#: C0 and C1 controls, DEL and the Unicode line and paragraph separators
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: ANSI/VT escape sequences (CSI, OSC, two-character escapes) and bidirectional overrides
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]?|\x9b[0-?]*[ -/]*[@-~]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")

MAX_LINE = 78        # what we fold to (RFC 5322 "SHOULD")
HARD_LIMIT = 998     # what no line may exceed (RFC 5322 "MUST")
MAX_WORD = 75        # an encoded word's length (RFC 2047)

#: serialising: CRLF for SMTP, LF for .eml files; 7-bit bodies; folded to 78
SMTP_POLICY = policy.SMTP.clone(max_line_length=MAX_LINE, cte_type="7bit")
FILE_POLICY = policy.default.clone(max_line_length=MAX_LINE, cte_type="7bit")


def _describe(char: str) -> str:
    names = {"\r": "a carriage return", "\n": "a line break", "\t": "a tab", "\x0c": "a form feed",
             "\x1b": "an escape", "\u2028": "a line separator", "\u2029": "a paragraph separator"}
    return f"U+{ord(char):04X}" + (f" ({names[char]})" if char in names else "")


def decode_words(text: str) -> str:
    """``text`` with every encoded word replaced by what it decodes to (undecodable bytes shown as U+FFFD)."""
    def one(match: re.Match) -> str:
        try:
            parts = decode_header(match[0])
            return "".join(part.decode(charset or "ascii", "replace") if isinstance(part, bytes) else part
                           for part, charset in parts)
        except (LookupError, ValueError):  # an unknown charset or broken base64: no mail program shows it as text
            return "\ufffd"
    return ENCODED_WORD.sub(one, text)


def unsafe(text: str) -> str | None:
    """Why ``text`` may not go into a mail header, or None: a control character or line break,
    before or after RFC 2047 decoding, or an encoded word at all."""
    if match := CONTROL.search(text):
        return (f"{_describe(match[0])} at character {match.start() + 1} cannot go into a mail header: "
                "write it on one line, without control characters")
    if match := ENCODED_WORD.search(text):
        decoded = decode_words(text)
        if inner := CONTROL.search(decoded):
            return (f"'{match[0][:40]}' is an encoded word (RFC 2047) that decodes to {_describe(inner[0])}, "
                    "which would add a header or a body to the email: remove it")
        return (f"'{match[0][:40]}' is an encoded word (RFC 2047): mail programs would show "
                f"'{decode_words(match[0])}' instead: write the text itself")
    return None


def for_terminal(text: str) -> str:
    """``text`` safe to print in a table: escape sequences and bidi overrides removed, other controls as U+FFFD."""
    text = _BIDI.sub("", _ESCAPES.sub("", text))
    return CONTROL.sub("\ufffd", text)


# ------------------------------------------------------------------ writing address headers

_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")


def _encoded_words(text: str) -> list[str]:
    """``text`` as base64 encoded words of at most 75 characters, split between characters (never inside
    a UTF-8 sequence) and preferably after a space, each word carrying its own spaces (RFC 2047: the
    folding white space between two encoded words is not part of the text)."""
    room = (MAX_WORD - len("=?utf-8?b??=")) // 4 * 3   # bytes per word
    words, chunk = [], ""
    for char in text:
        if len((chunk + char).encode()) > room:
            cut = chunk.rfind(" ") + 1
            if 0 < cut < len(chunk):                   # break after the last space, if any
                words.append(chunk[:cut])
                chunk = chunk[cut:]
            else:
                words.append(chunk)
                chunk = ""
        chunk += char
    words.append(chunk)
    return ["=?utf-8?b?" + base64.b64encode(word.encode()).decode("ascii") + "?=" for word in words if word]


def _phrase(name: str) -> list[str]:
    """The display name as tokens that may be separated by folding white space."""
    words = name.split(" ")
    if name.isascii() and name.isprintable() and all(len(word) <= 60 for word in words) and "=?" not in name:
        if all(_ATEXT.fullmatch(word) for word in words):
            return words
        quoted = [word.replace("\\", "\\\\").replace('"', '\\"') for word in words]
        quoted[0], quoted[-1] = '"' + quoted[0], quoted[-1] + '"'  # FWS inside a quoted string is kept
        return quoted
    return _encoded_words(name)


def address_header(name: str, addr_spec: str, header: str) -> str:
    """The folded value of an address header (``header`` is its name, for the first line's length)."""
    tokens = (_phrase(name) if name else []) + [f"<{addr_spec}>" if name else addr_spec]
    lines, line = [], f"{header}: "
    for index, token in enumerate(tokens):
        piece = token if index == 0 else " " + token
        if index and len(line) + len(piece) > MAX_LINE:
            lines.append(line)
            line = " " + token
        else:
            line += piece
    lines.append(line)
    return "\r\n".join(lines)[len(header) + 2:]


# ------------------------------------------------------------------ reading the result back

@dataclass(frozen=True)
class Intended:
    """What a message's headers must say once parsed back."""

    subject: str
    sender: tuple[str, str]                 # (display name, address)
    to: tuple[str, str]
    reply_to: tuple[str, str] | None
    attachment: str                         # the attached file's name
    extra: tuple[str, ...] = ("date", "message-id", "mime-version", "content-type", "content-language")


def _display_name(raw: str) -> str:
    """The display name of one raw address header, decoded as RFC 2047 says (white space between two
    encoded words dropped; Python's own parser keeps it)."""
    raw = re.sub(r"\r?\n", "", raw).strip()
    if "<" not in raw:
        return ""
    phrase = raw.rsplit("<", 1)[0].strip()
    if phrase.startswith('"') and phrase.endswith('"'):
        return re.sub(r"\\(.)", r"\1", phrase[1:-1])
    return str(make_header(decode_header(phrase)))


_LONG_LINE = re.compile(rb"[^\r\n]{%d}" % (HARD_LIMIT + 1))
_BASE64_LINES = re.compile(rb"^(?:[A-Za-z0-9+/]{76}\r?\n)+", re.M)


def check_message(data: bytes, intended: Intended) -> None:
    """Raise :class:`BriefgenError` unless ``data`` parses back to exactly the ``intended`` headers."""
    wrong = []
    if long := _LONG_LINE.search(data):
        number = data.count(b"\n", 0, long.start()) + 1
        wrong.append(f"line {number} is longer than {HARD_LIMIT} octets")
    # read as UTF-8: the headers of a message to an SMTPUTF8 address are (the body is 7-bit in any case);
    # full base64 lines are body, never a header or a boundary: left out, the parse takes a tenth of the time
    text = _BASE64_LINES.sub(b"", data).decode("utf-8", "replace")
    message = Parser(policy=policy.default).parsestr(text)
    raw = Parser(policy=policy.compat32).parsestr(text, headersonly=True)
    names = [name.lower() for name in message.keys()]
    allowed = {"subject", "from", "to", "reply-to", *intended.extra}
    if extra := sorted(set(names) - allowed):
        wrong.append(f"unexpected header {', '.join(extra)}")
    if doubled := sorted({name for name in names if names.count(name) > 1}):
        wrong.append(f"header {', '.join(doubled)} more than once")
    if message["Subject"] != intended.subject:
        wrong.append("the subject differs")
    for header, expected in (("From", intended.sender), ("To", intended.to), ("Reply-To", intended.reply_to)):
        if expected is None:
            if message[header] is not None:
                wrong.append(f"{header} was added")
            continue
        parsed = message[header]
        # a local part that is not ASCII is a defect for RFC 5322, and what SMTPUTF8 (RFC 6532) is for
        defects = [d for d in parsed.defects if not isinstance(d, NonASCIILocalPartDefect)] if parsed is not None else []
        addresses = [a.addr_spec for a in parsed.addresses] if parsed is not None and not defects else []
        if addresses != [expected[1]]:
            wrong.append(f"{header} holds {addresses or 'no valid address'} instead of {expected[1]}")
        elif _display_name(raw[header] or "") != expected[0]:
            wrong.append(f"{header}'s name differs")
    attachments = [part.get_filename() for part in message.iter_attachments()]
    if attachments != [intended.attachment]:
        wrong.append(f"attachments {attachments} instead of {intended.attachment!r}")
    if wrong:
        raise BriefgenError(f"the email to {intended.to[1]} would not read back as written ({'; '.join(wrong)}): "
                            "nothing was sent or saved for it — please report this")
