"""The tests' own redis-server helper: it fails or skips clearly when it cannot serve."""

from __future__ import annotations

import shutil

import pytest

from tests.redis_server import RedisServer, free_port, redis_executable


def test_a_server_that_exits_at_once_fails_the_test() -> None:
    """An executable that is not a server fails at once, naming itself and the port."""
    server = RedisServer(shutil.which("false") or "/bin/false", free_port())
    with pytest.raises(pytest.fail.Exception, match="did not listen on port"):
        server.start()
    assert server.process is None
    server.stop()  # stopping a stopped server does nothing
    assert server.process is None


def test_without_redis_server_the_test_is_skipped_or_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where redis-server is missing a test is skipped, saying what to install; in CI, fails."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install redis-server"):
        redis_executable()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install redis-server"):
        redis_executable()
