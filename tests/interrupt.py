"""Sending Ctrl-C to a child process mid-call, for the tests that it stops promptly."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

INTERRUPT_SCRIPT = """
import random, sys, time
from subword import BPE, WordPiece, _core
random.seed(1)
{setup}
print("ready", flush=True)
start = time.monotonic()
try:
    {work}
    print("finished before the signal", flush=True)
except KeyboardInterrupt:
    print("interrupted %.3f" % (time.monotonic() - start), flush=True)
{after}
print("usable", flush=True)
"""


def interrupt(setup: str, work: str, after: str, *, delay: float = 1.0) -> float:
    """Runs `work` in a child, sends SIGINT `delay` s after it starts, and returns the
    seconds from the signal to the child's `KeyboardInterrupt` handler."""
    script = INTERRUPT_SCRIPT.format(setup=setup, work=work, after=after)
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
        time.sleep(delay)
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        line = process.stdout.readline().strip()
        caught = time.monotonic()
        assert line.startswith("interrupted"), (line, process.stderr.read())
        rest = process.stdout.read()
        assert process.wait(timeout=60) == 0, process.stderr.read()
        assert "usable" in rest
        return caught - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
