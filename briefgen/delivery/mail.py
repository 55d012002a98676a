"""Compose the cover email: subject, plain text, an HTML alternative and the PDF edition attached.

The texts come from the Jinja templates under ``templates/email/`` and are
translated through the same gettext catalogs as the editions
(``templates/locale/<lang>/LC_MESSAGES/messages.po``). The email is written
in the recipient's language when the tool has a catalog for it (else in
English); the attachment is the edition in the recipient's language, or the
source language's with a sentence saying so. The greeting agrees with the
gender a salutation tells ("Ms" → "Уважаемая г-жа …"), and is neutral
otherwise; a salutation that is a whole greeting is used as written.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path

import jinja2

from briefgen.editions import i18n

from briefgen.load import markup
from briefgen.workspace.brand import email_logo
from briefgen.errors import BriefgenError, Problem, display_path
from briefgen.delivery.headers import FILE_POLICY, SMTP_POLICY, Intended, address_header, check_message, unsafe
from briefgen.editions.i18n import N_
from briefgen.delivery.recipients import Recipient


#: Salutations we recognise (in English, Russian, German and French): the gender they tell (for
#: languages whose greeting agrees) and the title as translated into the email's language. A
#: salutation of several known titles ("Frau Dr.") is read word by word. Anything else is a title
#: kept as written, or, when it has several words or ends in punctuation, a whole greeting.
TITLES = {
    "ms": ("woman", N_("Ms")), "mrs": ("woman", N_("Mrs")), "miss": ("woman", N_("Miss")),
    "mr": ("man", N_("Mr")),
    "dr": (None, N_("Dr")), "prof": (None, N_("Prof")),
    "г-жа": ("woman", N_("Ms")), "госпожа": ("woman", N_("Ms")),
    "г-н": ("man", N_("Mr")), "господин": ("man", N_("Mr")),
    "frau": ("woman", N_("Ms")), "herr": ("man", N_("Mr")),
    "mme": ("woman", N_("Ms")), "madame": ("woman", N_("Ms")), "mlle": ("woman", N_("Ms")),
    "m": ("man", N_("Mr")), "monsieur": ("man", N_("Mr")),
}


@dataclass(frozen=True)
class EditionInfo:
    """What the email says about the attached PDF edition (texts in the edition's language, plain)."""

    slug: str
    lang: str
    path: Path
    fingerprint: str
    title: str
    short_title: str
    date: _dt.date
    author: str
    contact_name: str = ""
    contact_role: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    organisation: str = ""
    changes: tuple[str, ...] = ()   # what changed since an earlier edition, in the edition's language
    changes_since: str = ""         # that edition's date, formatted
    #: the PDF's bytes, read once when the run is planned: what is attached is what the ledger records
    data: bytes = field(default=b"", repr=False, compare=False)

    @property
    def signature(self) -> list[str]:
        """The lines under "Kind regards,": who writes, their role, their organisation."""
        return [line for line in (self.contact_name, self.contact_role, self.organisation or self.author) if line]

    @property
    def attachment_name(self) -> str:
        """A readable file name: "Kazakhstan, November 2021 (EN).pdf"."""
        name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", self.short_title or self.title)
        name = re.sub(r"\s+", " ", name).strip().lstrip(".") or self.slug
        return f"{name[:80].rstrip()} ({self.lang.upper()}).pdf"


def describe_edition(brief, lang: str, path: Path, fingerprint: str, status=None) -> EditionInfo:
    """The :class:`EditionInfo` of ``brief`` (a validated :class:`briefgen.load.content.Brief`) in ``lang``
    (``status``: its :class:`briefgen.editions.translations.EditionStatus`, read if not given)."""
    from briefgen.editions.audience import edition_view
    from briefgen.editions.translations import edition_status, localize

    # the cover email is written from the public view, whatever edition it carries: an email is forwarded
    doc = edition_view(localize(brief, lang, status or edition_status(brief, lang)), "public", lang).document
    plain = lambda text: markup.plain(str(text)) if text else ""  # noqa: E731
    contact = doc.contact
    return EditionInfo(
        slug=brief.slug, lang=lang, path=Path(path), fingerprint=fingerprint,
        title=plain(doc.title), short_title=plain(doc.short_title), date=doc.date, author=plain(doc.author),
        organisation=plain(doc.organisation),
        contact_name=plain(contact.name) if contact else "", contact_role=plain(contact.role) if contact else "",
        contact_email=contact.email or "" if contact else "", contact_phone=contact.phone or "" if contact else "")


def email_language(lang: str) -> str:
    """The language the cover email is written in: the recipient's when the tool speaks it, else English."""
    return lang if lang == "en" or i18n.catalog_file(lang).is_file() else "en"


def _titles(salutation: str) -> tuple[str | None, list[str]] | None:
    """The gender and the titles (untranslated) a salutation of known titles tells, or None."""
    found = [TITLES.get(word.lower().rstrip(".")) for word in salutation.split()]
    if not found or None in found:
        return None
    genders = [gender for gender, _ in found if gender]
    return (genders[0] if genders else None), [title for _, title in found]


def greeting(recipient: Recipient, lang: str) -> str:
    """The greeting in ``lang``'s conventions: "Dear Mr Weiß," / "Уважаемый господин Вайс!" /
    "Sehr geehrte Frau Dr. Weiß," / "Madame," — with the ``surname`` when the list gives one (else the
    whole name); "Dear Anna Alpha," when the salutation says nothing; a whole greeting as written."""
    translations = i18n.template_translations(lang)
    salutation = recipient.salutation.strip()
    if not salutation:
        return translations.gettext("Dear %(name)s,") % {"name": recipient.name}
    known = _titles(salutation)
    if known is None and (len(salutation.split()) > 1 or salutation[-1] in ",!:"):
        return salutation  # a whole greeting, written by the user
    gender, titles = known if known else (None, [])
    title = " ".join(translations.gettext(t) for t in titles) if known else salutation
    # one message per gender, so that languages whose greeting agrees can say so
    if gender == "woman":
        text = translations.pgettext("greeting to a woman", "Dear %(title)s %(name)s,")
    elif gender == "man":
        text = translations.pgettext("greeting to a man", "Dear %(title)s %(name)s,")
    else:
        text = translations.gettext("Dear %(title)s %(name)s,")
    return text % {"title": title, "name": recipient.surname or recipient.name}


def message_id(edition_fingerprint: str, address: str, domain: str) -> str:
    """The fixed Message-ID of one edition for one address (the same on every attempt)."""
    digest = hashlib.sha256(f"{edition_fingerprint}\0{address.lower()}".encode()).hexdigest()[:32]
    return f"<briefgen.{digest}@{domain}>"


#: 7-bit transfer encodings (quoted-printable or base64, whichever is shorter), so that no server
#: needs 8BITMIME; the message is written out with CRLF line ends (SMTP) when sent, LF when saved
_POLICY = FILE_POLICY


def _environment(lang: str) -> jinja2.Environment:
    """The email templates (a workspace's ``templates/email/`` first) with ``lang``'s catalogs."""
    from briefgen.workspace import active

    overrides = active().templates_dir
    return _email_environment(lang, overrides / "email" if overrides else None, i18n.template_translations(lang))


@lru_cache(maxsize=None)
def _email_environment(lang: str, overrides, translations) -> jinja2.Environment:
    builtin = jinja2.FileSystemLoader(str(i18n.TEMPLATES_DIR / "email"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(overrides)), builtin] if overrides else [builtin]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations, newstyle=True)
    return env


@dataclass(frozen=True)
class Cover:
    """A composed cover email and what its headers must read back as."""

    message: EmailMessage
    intended: Intended

    def as_bytes(self, smtp: bool = True) -> bytes:
        """The message as sent (CRLF, ``smtp``) or saved (LF), checked to read back as intended."""
        chosen = SMTP_POLICY if smtp else FILE_POLICY
        if not self.intended.to[1].isascii():  # an address that is not ASCII before the @ (SMTPUTF8)
            chosen = chosen.clone(utf8=True)
        data = self.message.as_bytes(policy=chosen)
        check_message(data, self.intended)
        return data


def _one_line(text: str) -> str:
    return " ".join(text.split())


def build(recipient: Recipient, edition: EditionInfo, sender: Address, reply_to: Address | None = None,
          date: _dt.datetime | None = None, cover: list[str] | None = None) -> Cover:
    """The cover email for ``recipient`` with ``edition`` attached, and the headers it must have.

    ``cover``: the brief's own cover text (``cover.md``) in the email's language, if it has one there;
    else the built-in text."""
    from briefgen.delivery import cover as covers

    lang = email_language(recipient.language)
    fallback = edition.lang != recipient.language
    values = {"name": recipient.name, "surname": recipient.surname or recipient.name, "title": edition.title,
              "date": i18n.format_date(edition.date, lang), "author": edition.author, "contact": edition.contact_name}
    context = {
        "cover_text": covers.as_text(cover, values) if cover else None,
        "cover_html": covers.as_html(cover, values) if cover else None,
        "lang": lang,
        "greeting": greeting(recipient, lang),
        "edition": edition,
        "date": i18n.format_date(edition.date, lang),
        "fallback": fallback,
        "language": i18n.language_name(recipient.language, lang),
        "edition_language": i18n.language_name(edition.lang, lang),
        "changes": edition.changes if lang == edition.lang else (),
    }
    logo = email_logo()  # the brand's logo under the signature (brand.py)
    context.update(logo_cid=logo.cid if logo else None, brand_name=logo.name if logo else None)
    env = _environment(lang)
    subject = _one_line(env.get_template("subject.txt.j2").render(context))
    names = {"From": (_one_line(sender.display_name), sender.addr_spec),
             "To": (_one_line(recipient.name), recipient.address),
             "Reply-To": (_one_line(reply_to.display_name), reply_to.addr_spec) if reply_to else None}
    for header, value in (("Subject", subject), *((h, v[0]) for h, v in names.items() if v)):
        if problem := unsafe(value):  # every source was checked where it was written: this is the last guard
            raise BriefgenError(f"{header} of the email to {recipient.email}: {problem}")
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = subject
    for header, value in names.items():
        if value is not None:
            # written and folded here: Python's folder leaves a long word on one over-long line
            message.set_raw(header, address_header(*value, header))
    message["Date"] = format_datetime(date or _dt.datetime.now(_dt.timezone.utc))
    message["Message-ID"] = message_id(edition.fingerprint, recipient.email, sender.domain)
    message.set_content(env.get_template("body.txt.j2").render(context))
    message.add_alternative(env.get_template("body.html.j2").render(context), subtype="html")
    if logo:
        message.get_payload()[1].add_related(logo.body, maintype="image", subtype=logo.subtype, cid=f"<{logo.cid}>")
    message.add_attachment(edition.data or edition.path.read_bytes(), maintype="application", subtype="pdf",
                           filename=edition.attachment_name, headers=[f"Content-Language: {edition.lang}"])
    message["Content-Language"] = lang  # after the parts: set_content() clears Content-* headers
    return Cover(message, Intended(subject, names["From"], names["To"], names["Reply-To"], edition.attachment_name))


def compose(recipient: Recipient, edition: EditionInfo, sender: Address, reply_to: Address | None = None,
            date: _dt.datetime | None = None) -> EmailMessage:
    """The cover email for ``recipient`` with ``edition`` attached."""
    return build(recipient, edition, sender, reply_to, date).message


#: the values of a brief that reach a header: the subject (title), the attachment's name (short title),
#: From (the contact's name)
HEADER_UNITS = ("brief:title", "brief:short_title", "brief:contact/name")


def header_problems(brief, lang: str, status) -> list[Problem]:
    """Where a value of ``brief``'s edition in ``lang`` that would reach a mail header is unsafe
    (see :func:`briefgen.delivery.headers.unsafe`): at its line in the YAML file, or in the PO file that
    translates it."""
    from briefgen.editions.translations import catalog_path

    problems = []
    for item in status.units:
        if item.unit.key not in HEADER_UNITS:
            continue
        translated = item.state == "translated" and not status.source
        problem = unsafe(markup.plain(str(item.translation if translated else item.unit.text)))
        if problem is None:
            continue
        if translated:
            problems.append(Problem(display_path(catalog_path(brief, lang)), item.po_line or 1, 1, item.unit.key, problem))
        else:
            problems.append(brief.problem(item.unit, message=problem))
    contact = getattr(brief.document, "contact", None)
    if contact is not None and contact.email and (problem := unsafe(contact.email)):
        problems.append(brief.problem("brief", ("contact", "email"), problem))
    return problems
