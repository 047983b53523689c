"""Run by test_forkserver.py through the fork server: says what a started interpreter should see."""

from __future__ import annotations

import atexit
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

if __name__ == "__main__":
    if sys.argv[1:] == ["sleep"]:
        time.sleep(60)
    marker = Path(sys.argv[1])
    atexit.register(lambda: print("atexit ran", flush=True))
    # A thread that is not a daemon: the interpreter waits for it before it exits.
    threading.Thread(target=lambda: (time.sleep(0.2), marker.write_text("thread joined"))).start()
    print(json.dumps({
        "argv": sys.argv[1:], "cwd": os.getcwd(), "path0": sys.path[0], "probe": os.environ.get("PROBE"),
        "stdin": sys.stdin.read(), "sigint_default": signal.getsignal(signal.SIGINT) is signal.default_int_handler,
        "sigterm_default": signal.getsignal(signal.SIGTERM) == signal.SIG_DFL, "main": __name__,
    }))
    print("to stderr", file=sys.stderr)
    sys.exit(3)
