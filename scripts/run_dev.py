#!/usr/bin/env python3
"""`make run`: the development web server and one worker, started and stopped together.

    python scripts/run_dev.py [--host 127.0.0.1] [--port 8000]

- `manage.py runserver` keeps its autoreloader: edit a file and the web process restarts.
  The worker runs without reload (`manage.py worker`): restart `make run` after changing a task.
- Ctrl-C stops both. Then, while either is still running: another Ctrl-C, or a few seconds,
  moves on to the next, harder signal (SIGINT → SIGTERM → SIGKILL). A worker in the middle of
  a task finishes it on the first SIGINT and drops it on the second; a dropped job shows
  "bị gián đoạn" with its retry button, as after any crash.
- When either process dies on its own (a port already taken, a database the worker cannot
  reach), the other is stopped too, with a message saying which one died, and this script
  exits non-zero, so `make run` fails visibly instead of serving half a portal.

The database is whatever the settings choose: SQLite (`db.sqlite3`) unless DATABASE_URL is set;
both processes get the same environment. Only the standard library is used here: the script
supervises two `manage.py` processes and never imports Django itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
NAMES = {"web": "the web server", "worker": "the worker"}
# How long each stop signal is given before the next, harder one (unless Ctrl-C comes first).
# SIGINT: runserver stops at once, an idle worker too, a busy one finishes its task.
GRACE_SECONDS = {signal.SIGINT: 10.0, signal.SIGTERM: 5.0, signal.SIGKILL: 5.0}
POLL_SECONDS = 0.2


def say(message: str) -> None:
    print(f"make run: {message}", file=sys.stderr, flush=True)


class Supervisor:
    def __init__(self, commands: dict[str, list[str]]) -> None:
        self.commands = commands
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        # Ctrl-C, SIGTERM and SIGHUP only count here; the loops below act on the count.
        self.stop_requests = 0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stop_requests += 1

    def start(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name, command in self.commands.items():
            # Each child leads its own session: Ctrl-C at the terminal reaches this script only,
            # which then stops the children in order, and a signal sent to a child's group also
            # reaches what the child started (runserver's reloader runs the server in a child).
            # stdin is not theirs: nothing of them reads it, and in their own session a terminal
            # read would stop them.
            self.children[name] = subprocess.Popen(
                command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, start_new_session=True
            )

    def alive(self) -> list[str]:
        return [name for name, child in self.children.items() if child.poll() is None]

    def wait_for_the_first_end(self) -> tuple[str, int] | None:
        """Block until Ctrl-C (None) or until a child exits ((name, exit code))."""
        while not self.stop_requests:
            for name, child in self.children.items():
                code = child.poll()
                if code is not None:
                    return name, code
            time.sleep(POLL_SECONDS)
        return None

    def _signal(self, name: str, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):  # the group is already empty
            os.killpg(self.children[name].pid, sig)

    def stop(self) -> None:
        """Stop every child still running: SIGINT, then SIGTERM, then SIGKILL, each after its
        grace period or at the next Ctrl-C, whichever comes first."""
        for sig, grace in GRACE_SECONDS.items():
            running = self.alive()
            if not running:
                break
            for name in running:
                self._signal(name, sig)
            requests, deadline = self.stop_requests, time.monotonic() + grace
            while self.alive() and time.monotonic() < deadline:
                if self.stop_requests > requests:
                    break
                time.sleep(POLL_SECONDS / 2)
            waiting = self.alive()
            if waiting and sig == signal.SIGINT:
                names = " and ".join(NAMES[name] for name in waiting)
                say(f"{names} did not stop on Ctrl-C (a task still running?); forcing it.")
        # What a child left in its group once it exited (the reloader's server process if the
        # reloader itself was killed) goes too.
        for name in self.children:
            self._signal(name, signal.SIGKILL)
        for child in self.children.values():
            child.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args(argv)

    manage = [sys.executable, str(ROOT / "manage.py")]
    supervisor = Supervisor(
        {
            "web": [*manage, "runserver", f"{args.host}:{args.port}"],
            "worker": [*manage, "worker"],
        }
    )
    supervisor.start()
    pids = ", ".join(f"{name} pid {child.pid}" for name, child in supervisor.children.items())
    say(f"the web server on http://{args.host}:{args.port}/ and a worker ({pids}).")
    say("Ctrl-C stops both.")

    ended = supervisor.wait_for_the_first_end()
    if ended is None:
        say("stopping the web server and the worker…")
        supervisor.stop()
        say("stopped.")
        return 0
    name, code = ended
    other = next(n for n in supervisor.children if n != name)
    how = f"was killed ({signal.Signals(-code).name})" if code < 0 else f"exited with code {code}"
    say(f"{NAMES[name]} {how}; stopping {NAMES[other]} too.")
    supervisor.stop()
    # Whatever the dead child answered, `make run` must fail: the portal is not running.
    # (A child killed by a signal reports -N; shells say 128 + N.)
    return code if code > 0 else 128 - code if code < 0 else 1


if __name__ == "__main__":
    sys.exit(main())
