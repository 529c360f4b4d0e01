"""The benchmarks' harness: its targets table, how it checks them, and its exit status.

Nothing here is timed: the figures are made up, so that the checks are exact.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import quickshops
from benchmarks import harness, payloads
from benchmarks.cases import CASES, catalogue, memory, per_call
from benchmarks.harness import Bench, Target

PER_CALL = Target("sync products.get", "quickshops on httpx2", "raw httpx2", 1.10)
GROWTH = Target("memory growth", "growth", None, 256, strict=True)


def bench(*targets: Target) -> Bench:
    made = Bench(quick=True, targets=targets)
    made.record(
        {
            ("sync products.get", "quickshops on httpx2"): 110e-6,
            ("sync products.get", "raw httpx2"): 100e-6,
            ("sync products.get", "raw httpx"): 150e-6,
        }
    )
    return made


def test_one_table_holds_every_case_module_targets() -> None:
    table = harness.targets(CASES)
    assert table == tuple(row for case in CASES for row in case.TARGETS)
    assert len(set(table)) == len(table)
    Bench(quick=True, targets=table)  # no two rows for one figure
    assert set(per_call.TARGETS) <= set(table)
    assert Target(
        "products.list of 1,000, every field read", "quickshops on httpx2", "raw httpx2", 2.0
    ) in set(catalogue.TARGETS)
    assert memory.TARGETS == (GROWTH,)


def test_two_targets_for_one_figure_are_refused() -> None:
    with pytest.raises(ValueError, match="two targets"):
        Bench(quick=True, targets=(PER_CALL, PER_CALL._replace(limit=2.0)))


def test_a_ratio_within_its_limit_is_met(capsys: pytest.CaptureFixture[str]) -> None:
    run = bench(PER_CALL)
    run.report("sync products.get", "quickshops on httpx2", ("raw httpx2", "raw httpx"))
    assert run.finish(1.0) == 0
    out = capsys.readouterr().out
    assert "raw httpx2 100.0 us x1.10, raw httpx 150.0 us x0.73" in out
    assert "/ raw httpx2 1.10 (<= 1.10), / raw httpx 0.73" in out
    assert out.endswith("targets: 1 of 1 met\n")


def test_a_ratio_over_its_limit_is_missed(capsys: pytest.CaptureFixture[str]) -> None:
    run = bench(PER_CALL._replace(limit=1.05))
    run.report("sync products.get", "quickshops on httpx2", ("raw httpx2",), summary=False)
    assert run.finish(1.0) == 1
    assert "/ raw httpx2 1.10 (<= 1.05, MISSED)" in capsys.readouterr().out


def test_a_ratio_without_a_target_is_shown_only(capsys: pytest.CaptureFixture[str]) -> None:
    run = bench()
    run.report("sync products.get", "raw httpx", ("raw httpx2",), name="raw", summary=False)
    assert run.finish(1.0) == 0
    out = capsys.readouterr().out
    assert "ratios: \n" in out
    assert "raw httpx2 100.0 us x1.50" in out


def test_a_target_not_measured_is_missed(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench(PER_CALL, GROWTH).finish(1.0) == 1
    out = capsys.readouterr().out
    assert (
        "sync products.get, quickshops on httpx2 / raw httpx2 not measured (<= 1.10, MISSED)" in out
    )
    assert "memory growth, growth not measured (< 256, MISSED)" in out
    assert out.endswith("targets: 0 of 2 met\n")


@pytest.mark.parametrize(("kib", "status"), [(0.1, 0), (256, 1)])
def test_a_figure_held_below_a_limit(
    kib: float, status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Bench(quick=True, targets=(GROWTH,))
    run.record({("memory growth", "growth"): kib})
    run.absolute("memory growth", "growth", "KiB", name="memory growth, 4,000 calls")
    assert run.finish(1.0) == status
    out = capsys.readouterr().out
    assert "target < 256 KiB" in out
    assert ("MISSED" in out) is bool(status)


def test_a_figure_without_a_target() -> None:
    run = Bench(quick=True)
    run.record({("memory growth", "growth"): 1.0})
    run.absolute("memory growth", "growth", "KiB")
    assert run.rows == [("memory growth", "1.0 KiB", "")]
    assert run.summary == ["memory growth 1.0 KiB"]


def test_interleave_drops_the_warmup_and_keeps_medians() -> None:
    values = iter([100.0, 3.0, 1.0, 2.0])
    assert harness.interleave({"a": lambda: next(values)}, repeats=3, warmup=1) == {"a": 2.0}
    assert harness.fmt(2.5e-6) == "2.5 us"
    assert harness.fmt(2.5e-3) == "2.50 ms"


def test_every_field_read_reads_every_field_of_the_models() -> None:
    def fields(model: Any) -> set[str]:
        return {field.name for field in attrs.fields(model)} - {"request_id"}

    assert set(payloads.PRODUCT_ATTRIBUTES) == fields(quickshops.Product)
    assert set(payloads.STORE_ATTRIBUTES) == fields(quickshops.Store)
    assert set(payloads.THEME_ATTRIBUTES) == fields(quickshops.StoreTheme)
    assert catalogue.case(catalogue.OPS[1].name, 1000) == "products.list of 1,000, every field read"
