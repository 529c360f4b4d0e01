"""A redis-server of its own for a test: Debian's, on a free loopback port, stopped by its pid.

Nothing is saved to disk. Where redis-server is not installed the tests that need one
are skipped, saying what to install, except in CI, which installs it: there, a missing
server fails them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

STARTUP_SECONDS = 10.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """A redis-server process on 127.0.0.1, which can be stopped and started again."""

    def __init__(self, executable: str, port: int) -> None:
        self.executable = executable
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server on its port and wait until it answers."""
        self.process = subprocess.Popen(
            [
                self.executable,
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--save", "",
                "--appendonly", "no",
                "--protected-mode", "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + STARTUP_SECONDS
        while self.process.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            time.sleep(0.02)
        self.stop()
        pytest.fail(f"{self.executable} did not listen on port {self.port}")

    def stop(self) -> None:
        """Stop the server by its pid, at once (it keeps nothing on disk)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


def redis_executable() -> str:
    """The redis-server to run; skips the test (fails it in CI) when there is none."""
    executable = shutil.which("redis-server")
    if executable is None:
        missing = "needs redis-server (Debian: apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    return executable


@contextlib.contextmanager
def running_redis() -> Iterator[RedisServer]:
    """A redis-server of its own for the block, stopped after it."""
    server = RedisServer(redis_executable(), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
