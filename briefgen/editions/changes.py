"""What changed since an earlier edition: snapshots of the rendered data, compared.

Each build keeps a snapshot of the data it rendered (prisoners with their
status and sentence, sanctions targets, recommendations, counts, and the
names in every edition's language) under ``output/<slug>/snapshots/``.
``describe_changes`` compares the current data with a snapshot and says, in
one language, who was added, released or re-sentenced, which targets and
recommendations were added or removed, and which counts changed.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from pathlib import Path

from briefgen.editions.audience import edition_view
from briefgen.load.content import Brief
from briefgen.errors import BriefgenError
from briefgen.editions.i18n import N_
from briefgen.editions.leaks import leak_problems, text_leaks
from briefgen.load.model import Sentence
from briefgen.editions.output import write_atomic
from briefgen.editions.resolve import Localizer, describe_sentence
from briefgen.editions.translations import edition_status, localize

SNAPSHOTS = "snapshots"


def _texts(brief: Brief, statuses: dict | None = None) -> dict[str, Brief]:
    statuses = statuses or {}
    return {lang: edition_view(localize(brief, lang, statuses.get(lang) or edition_status(brief, lang)), "public", lang)
            for lang in brief.document.editions}


def snapshot_of(brief: Brief, statuses: dict | None = None) -> dict:
    """The language-neutral facts and the per-language names of ``brief``'s data as its
    public editions show them: no restricted item and no anonymous person's real name is
    kept, so neither reaches ``changes`` or a cover email (``statuses``: translation
    statuses already read, by language)."""
    localized = _texts(brief, statuses)
    brief = edition_view(brief, "public", brief.source_language)
    names = lambda getter: {lang: str(getter(b)) for lang, b in localized.items()}  # noqa: E731
    date = getattr(brief.document, "date", None)  # an interview may have none, or only a month
    data: dict = {"edition_date": str(date.isoformat() if hasattr(date, "isoformat") else date or ""),
                  "prisoners": {}, "sanctions": {},
                  "recommendations": {}, "counts": {}}
    if brief.prisoners:
        for index, p in enumerate(brief.prisoners.prisoners):
            data["prisoners"][p.id] = {
                "status": p.status,
                "sentence": p.sentence.model_dump() if p.sentence else None,
                "names": names(lambda b, i=index: b.prisoners.prisoners[i].name),
            }
        data["counts"]["prisoners"] = sum(1 for p in brief.prisoners.prisoners if p.status != "released")
    if brief.sanctions:
        for index, t in enumerate(brief.sanctions.targets):
            data["sanctions"][t.id] = {"names": names(lambda b, i=index: b.sanctions.targets[i].name)}
        data["counts"]["sanctions"] = len(brief.sanctions.targets)
    if brief.recommendations:
        for index, r in enumerate(brief.recommendations.recommendations):
            data["recommendations"][r.id] = {"names": names(lambda b, i=index: b.recommendations.recommendations[i].text)}
        data["counts"]["recommendations"] = len(brief.recommendations.recommendations)
    if brief.killed:
        data["counts"]["killed"] = len(brief.killed.people)
    if brief.prosecuted:
        data["counts"]["prosecuted"] = len(brief.prosecuted.people)
        for key, value in brief.prosecuted.figures.items():
            data["counts"][f"prosecuted.{key}"] = value
    return data


def snapshot_dir(out_dir: Path, slug: str) -> Path:
    return Path(out_dir) / slug / SNAPSHOTS


def stored_snapshots(out_dir: Path, slug: str) -> list[dict]:
    """The snapshots of earlier builds, oldest first."""
    found = []
    for path in sorted(snapshot_dir(out_dir, slug).glob("*.json")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except ValueError:
            continue
    return found


def snapshot_leaks(brief: Brief, restricted, statuses: dict | None = None) -> list:
    """Problems for restricted texts that the snapshot of ``brief`` would hold (``restricted``: the
    brief's restricted texts in every language, see audience.all_restricted_strings). The snapshot
    is made from the public view, so this is the proof, as for every public output (see leaks.py)."""
    values, stack = [], [snapshot_of(brief, statuses)]
    while stack:  # its values only: its keys ("recommendations") are words of the format
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            values.append(item)
    found = text_leaks("\n".join(values), [t.text for t in restricted])
    return leak_problems(brief, found, restricted, "the data snapshot") if found else []


def keep_snapshot(brief: Brief, out_dir: Path, statuses: dict | None = None) -> None:
    """Store the snapshot of ``brief`` unless the latest stored one has the same data."""
    data = snapshot_of(brief, statuses)
    previous = stored_snapshots(out_dir, brief.slug)
    if previous and _same(previous[-1], data):
        return
    now = _dt.datetime.now(_dt.timezone.utc)
    data["built"] = now.isoformat(timespec="seconds")
    write_atomic(snapshot_dir(out_dir, brief.slug) / f"{now:%Y%m%dT%H%M%S%fZ}.json",
                 json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True))


def _same(a: dict, b: dict) -> bool:
    strip = lambda d: {k: v for k, v in d.items() if k != "built"}  # noqa: E731
    return strip(a) == strip(b)


def pick_base(snapshots: list[dict], current: dict, since: str) -> dict:
    """The snapshot to compare with: ``previous`` (the last one with other data) or an edition date."""
    if since == "previous":
        for snapshot in reversed(snapshots):
            if not _same(snapshot, current):
                return snapshot
        raise BriefgenError("no earlier edition with other data: nothing to compare with (build once before a change)")
    try:
        _dt.date.fromisoformat(since)
    except ValueError:
        raise BriefgenError(f"--since {since}: write 'previous' or an edition date like 2021-11-01") from None
    candidates = [s for s in snapshots if s["edition_date"] <= since]
    if not candidates:
        dates = ", ".join(sorted({s["edition_date"] for s in snapshots})) or "none"
        raise BriefgenError(f"no edition of {since} or earlier was built (editions built: {dates})")
    return candidates[-1]


@dataclass(frozen=True)
class Change:
    kind: str   # added | released | resentenced | status | target-added | target-removed | …
    text: str


def _sentence(value: dict | None, loc: Localizer) -> str:
    return describe_sentence(Sentence(**value), loc) if value else loc.gettext("no sentence")


def compare(base: dict, current: dict, lang: str) -> list[Change]:
    """The changes from ``base`` to ``current``, described in ``lang``."""
    loc = Localizer(lang)
    name = lambda entry: entry["names"].get(lang) or next(iter(entry["names"].values()))  # noqa: E731
    changes: list[Change] = []
    old, new = base.get("prisoners", {}), current.get("prisoners", {})
    for pid, entry in new.items():
        label = loc.status(entry["status"])
        if pid not in old:
            changes.append(Change("added", loc.gettext("New political prisoner: %(name)s (%(status)s)")
                                  % {"name": name(entry), "status": label}))
            continue
        before = old[pid]
        if entry["status"] == "released" and before["status"] != "released":
            changes.append(Change("released", loc.gettext("Released: %(name)s") % {"name": name(entry)}))
        elif entry["status"] != before["status"]:
            changes.append(Change("status", loc.gettext("%(name)s: %(before)s → %(after)s") % {
                "name": name(entry), "before": loc.status(before["status"]), "after": label}))
        if entry["sentence"] != before["sentence"] and entry["sentence"]:
            changes.append(Change("resentenced", loc.gettext("Sentenced or re-sentenced: %(name)s — %(sentence)s") % {
                "name": name(entry), "sentence": _sentence(entry["sentence"], loc)}))
    for pid, entry in old.items():
        if pid not in new:
            changes.append(Change("removed", loc.gettext("No longer listed: %(name)s") % {"name": name(entry)}))
    for key, added, removed in (("sanctions", N_("New sanctions target: %(name)s"), N_("Sanctions target removed: %(name)s")),
                                ("recommendations", N_("New recommendation: %(name)s"), N_("Recommendation withdrawn: %(name)s"))):
        old_items, new_items = base.get(key, {}), current.get(key, {})
        changes += [Change(f"{key}-added", loc.gettext(added) % {"name": name(e)}) for i, e in new_items.items() if i not in old_items]
        changes += [Change(f"{key}-removed", loc.gettext(removed) % {"name": name(e)}) for i, e in old_items.items() if i not in new_items]
    labels = {"prisoners": N_("Political prisoners"), "killed": N_("People killed"), "prosecuted": N_("People prosecuted"),
              "sanctions": N_("Sanctions targets"), "recommendations": N_("Recommendations")}
    for key, value in current.get("counts", {}).items():
        before = base.get("counts", {}).get(key)
        if before is not None and before != value:
            label = loc.gettext(labels[key]) if key in labels else key.split(".", 1)[-1]
            changes.append(Change("count", loc.gettext("%(what)s: %(before)s → %(after)s") % {
                "what": label, "before": loc.number(before), "after": loc.number(value)}))
    return changes


def describe_changes(brief: Brief, out_dir: Path, lang: str, since: str = "previous",
                     recipient: str | None = None) -> tuple[dict, list[Change]]:
    """The snapshot compared with and the changes from it to the current data of ``brief``;
    ``since="sent"``: the edition last sent (to ``recipient``, or to anyone), from the workspace ledger."""
    current = snapshot_of(brief)
    if since == "sent":
        from briefgen.delivery.send import sent_snapshot

        base = sent_snapshot(brief.root, brief.slug, recipient)
    else:
        base = pick_base(stored_snapshots(out_dir, brief.slug), current, since)
    return base, compare(base, current, lang)
