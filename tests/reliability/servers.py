"""The real server processes the reliability tests start: `tongban serve` from the project's venv."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TONGBAN = ROOT / ".venv" / "bin" / "tongban"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, *, workers: int, boot_seconds: float = 90) -> subprocess.Popen[bytes]:
    """`tongban serve` (no task worker) on `port`, returned once /healthz answers 200."""
    proc = subprocess.Popen(
        [str(TONGBAN), "serve", "--no-worker", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + boot_seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)  # polling interval while the server boots, not a timing assumption
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("server did not come up")
