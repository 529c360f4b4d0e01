"""The SDK's benchmarks: ``python benchmarks/run.py`` (see run.py for its options).

- ``harness``: interleaved timed loops, medians, mock transports, the targets, the table
  and the summary line, the exit status.
- ``payloads``: the bodies the mock transports answer with, and the fields read of them.
- ``calls``: each SDK call timed, and the same work done by hand on raw httpx2 and httpx.
- ``cases``: one module a measurement, each with the targets it holds.
- ``server``: the uvicorn app of the loopback concurrency case (a script of its own).
"""
