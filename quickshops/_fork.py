"""Fork awareness: which process generation a connection pool was made in. No I/O here.

A pool made before ``os.fork()`` holds sockets shared with the parent process; the
senders compare generations and never use such a pool in the child.
"""

from __future__ import annotations

import os

_forks = 0


def _count_fork() -> None:
    global _forks
    _forks += 1


# Windows has no fork, and no register_at_fork.
getattr(os, "register_at_fork", lambda **_: None)(after_in_child=_count_fork)


def fork_generation() -> int:
    """How many times this process's ancestors forked since the SDK was imported.

    A pool made under another generation belongs to a parent process: its sockets are
    shared with the parent and must not be used.
    """
    return _forks
