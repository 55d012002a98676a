"""A 705-recipient .xlsx list sent to an SMTP server on 127.0.0.1 (aiosmtpd), with test copies (--to) first.

    python3 benchmarks/send705.py [--rows 705]

Builds the sample briefing (en + ru) into a temporary workspace, writes a spreadsheet of N
recipients (languages en, ru, de, fr; surnames; salutations), then times, each as a user runs it
(a fresh `python3 -m briefgen` process; wall-clock and CPU seconds of that process):
  dry run            the table, the totals and N .eml files
  --to               one test copy per language to the officer (outside the ledger)
  --send             every message, each claimed in the ledger and handed to the server
  --send again       nothing left to send
and checks that the server holds exactly one copy per recipient plus the test copies.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=705)
    args = parser.parse_args()

    import openpyxl
    from mailserver import Recorder, smtp_server

    work = Path(tempfile.mkdtemp(prefix="briefgen-send705-"))
    try:
        brief = work / "content" / "kazakhstan-2021-11"
        shutil.copytree(ROOT / "content" / "kazakhstan-2021-11", brief)
        (work / "briefgen.toml").write_text("", encoding="utf-8")
        out = work / "output"
        subprocess.run([sys.executable, "-m", "briefgen", "build", str(brief), "--out", str(out), "-f", "pdf"],
                       cwd=ROOT, check=True, capture_output=True)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "MEPs"
        sheet.append(["name", "surname", "email", "language", "salutation", "group"])
        langs, titles = ["en", "ru", "de", "fr"], {"en": "Ms", "ru": "Mr", "de": "Frau", "fr": "M."}
        for n in range(args.rows):
            lang = langs[n % 4]
            sheet.append([f"Member Nummer {n}", f"Nummer {n}", f"mep{n}@europarl.example.org", lang, titles[lang], "EPP"])
        recipients = work / "meps.xlsx"
        book.save(recipients)

        handler = Recorder()
        with smtp_server(work, handler=handler) as server:
            base = [sys.executable, "-m", "briefgen", "send", str(brief), "-r", str(recipients), "--out", str(out),
                    "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port), "--smtp-security", "none",
                    "--from", "Advocacy <advocacy@example.org>"]
            for label, extra in (("dry run", []), ("--to", ["--send", "--to", "officer@example.org"]),
                                 ("--send", ["--send", "--yes"]), ("--send again", ["--send", "--yes"])):
                start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
                done = subprocess.run(base + extra, cwd=ROOT, capture_output=True, text=True)
                took, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                last = (done.stdout.strip().splitlines() or [""])[-1]
                # CPU seconds of the briefgen process tell more than the clock on a shared machine
                print(f"{label:14} {took:6.1f} s wall, {cpu:6.1f} s CPU  exit {done.returncode}  {last}")
                if done.returncode:
                    print(done.stdout[-2000:], done.stderr[-2000:])
                    raise SystemExit(1)
        counts = {}
        for rcpts, _ in handler.received:
            for rcpt in rcpts:
                counts[rcpt] = counts.get(rcpt, 0) + 1
        officer = counts.pop("officer@example.org", 0)
        assert officer == len(langs), officer
        assert len(counts) == args.rows and set(counts.values()) == {1}, (len(counts), set(counts.values()))
        size = sum(len(message.as_bytes()) for _, message in handler.received) / len(handler.received)
        print(f"server holds {args.rows} messages, one per recipient, and {officer} test copies; "
              f"{size / 1024:.0f} KB a message")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
