"""The export worker, a process of its own: python -m shelf.worker (harness.toml [processes.worker]).

It takes queued exports one at a time and does them. It may be killed at any moment, also in the
middle of a job (README, "How the harness restarts your app"): a job it was running must be
pending again for the next worker.
"""

from __future__ import annotations

import signal
import sys
import time


def run_next() -> bool:
    """Do one queued export, if there is one; whether there was."""
    # TODO (README, task 4): in one transaction, take the oldest pending export
    # (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1), read every book, store the document and mark
    # the export done. Killed halfway, the transaction rolls back and the export is pending again.
    return False


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("worker: waiting for exports", flush=True)
    while True:
        if not run_next():
            # TODO (README, task 4): wake up when a job is queued (LISTEN/NOTIFY), not only on a timer.
            time.sleep(1.0)


if __name__ == "__main__":
    main()
