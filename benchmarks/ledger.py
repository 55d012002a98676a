"""What the ledger costs per message: a claim, "handed over" and "sent" — three commits, each on disk
before the next step — on SQLite (the default) and, given BRIEFGEN_BENCH_POSTGRES_URL, PostgreSQL.

    python3 benchmarks/ledger.py [COUNT]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefgen.delivery.ledger import HANDED_OVER, SENT, open_ledger, this_run  # noqa: E402


def per_message(location: str, count: int) -> float:
    """Seconds per message of ledger work (claim, handed over, sent)."""
    ledger = open_ledger(location, create=True)
    run = this_run()
    ledger.register(run)
    edition = os.urandom(32).hex()
    start = time.perf_counter()
    for n in range(count):
        address = f"m{n}@example.org"
        assert ledger.claim(run, edition=edition, address=address, slug="bench", lang="en", name="M",
                            message_id=f"<{n}@x>").taken
        ledger.mark(edition, address, HANDED_OVER)
        ledger.mark(edition, address, SENT, "250 OK")
    elapsed = time.perf_counter() - start
    ledger.finish(run)
    ledger.close()
    return elapsed / count


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:  # the disk the workspace is on, not a tmpfs
        print(f"SQLite ({count} messages): {per_message(str(Path(folder) / 'ledger.sqlite3'), count) * 1000:.1f} ms per message")
    url = os.environ.get("BRIEFGEN_BENCH_POSTGRES_URL")
    if url:
        print(f"PostgreSQL ({count} messages): {per_message(url, count) * 1000:.1f} ms per message")


if __name__ == "__main__":
    main()
