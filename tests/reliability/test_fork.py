"""Clients used in a child process after os.fork() never share a socket with the parent.

The forking runs in a fresh interpreter (a subprocess with no other threads), so that
fork() is safe; it talks to an emulator served from this process on loopback.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from quickshops.testing import SECRET_KEY, EmulatorServer

SCRIPT = textwrap.dedent(
    """
    import json, os, sys

    import anyio
    import httpx2

    from quickshops import APIConnectionError, AsyncQuickshops, Quickshops

    URL, KEY, KIND = sys.argv[1:]


    def local_ports(http_client):
        transport = http_client._transport
        pool = getattr(transport, "pool", None) or transport._pool  # the SDK's, or httpx2's
        return sorted(
            c._connection._network_stream.get_extra_info("socket").getsockname()[1]
            for c in pool.connections
            if c._connection is not None
        )


    def call(qs):
        if isinstance(qs, AsyncQuickshops):
            return anyio.run(qs.health.check)
        return qs.health.check()


    def run_in_child(qs, parent_client, parent_ports):
        try:
            call(qs)
        except APIConnectionError as exc:
            return {"error": exc.message, "retryable": exc.retryable}
        child_client = qs._shared.client
        return {
            "new_pool": child_client is not parent_client,
            "ports": local_ports(child_client),
            "parent_ports": parent_ports,
        }


    if KIND == "own-sync":
        qs = Quickshops(api_key=KEY, base_url=URL)
    elif KIND == "own-async":
        qs = AsyncQuickshops(api_key=KEY, base_url=URL)
    else:
        qs = Quickshops(api_key=KEY, base_url=URL, http_client=httpx2.Client())
    call(qs)
    parent_client = qs._shared.client
    parent_ports = local_ports(parent_client)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.write(write, json.dumps(run_in_child(qs, parent_client, parent_ports)).encode())
        os._exit(0)
    os.close(write)
    child = json.loads(os.read(read, 65536))
    os.waitpid(pid, 0)
    child["parent_ports_after"] = local_ports(parent_client)
    if KIND != "own-async":  # an async client belongs to its event loop, now closed
        call(qs)  # the parent's pool still works after the child used its own
    print(json.dumps(child))
    """
)


def run_forking(kind: str) -> dict[str, object]:
    """Run the script for one kind of client; return what the child reported."""
    with EmulatorServer() as server:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, server.url, SECRET_KEY, kind],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert (0, "") == (done.returncode, done.stderr)
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("kind", ["own-sync", "own-async"])
def test_own_pool_is_replaced_in_the_child(kind: str) -> None:
    """A forked child opens its own connection; the parent's socket stays the parent's."""
    child = run_forking(kind)

    assert child["new_pool"] is True
    assert child["ports"]
    assert not set(child["ports"]) & set(child["parent_ports"])  # type: ignore[call-overload]
    assert child["parent_ports"] == child["parent_ports_after"]


def test_callers_pool_is_refused_in_the_child() -> None:
    """A caller's http_client is not used in a forked child: the error says what to do."""
    child = run_forking("caller-sync")

    assert False is child["retryable"]
    assert "Create the client (and its http_client) in the child" in str(child["error"])
