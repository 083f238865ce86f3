"""Cycles are freed on the Qt main thread only (viewer.ui.main_thread_gc).

A closed wall window is cyclic garbage (its widgets, timers and shortcuts); freed on a worker
thread it crashes the process. These tests make a cycle on a worker thread, allocate there far
past generation 0's threshold, and look at which thread its finaliser ran on."""

from __future__ import annotations

import gc
import threading

from viewer.ui.main_thread_gc import MainThreadGarbageCollector

#: Tracked allocations on the worker: ~70x generation 0's default threshold (700).
WORKER_ALLOCATIONS = 50_000


def _cycle_then_allocations_on_a_worker(freed_on: list[str], kept: list | None = None) -> None:
    """``kept``: receives the allocations (alive, they keep generation 0's count high)."""
    class Cycle:
        def __init__(self) -> None:
            self.me = self  # only the cycle collector can free it

        def __del__(self) -> None:
            freed_on.append(threading.current_thread().name)

    def work() -> None:
        Cycle()
        junk = [[] for _ in range(WORKER_ALLOCATIONS)]
        if kept is not None:
            kept.append(junk)

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join()


def test_without_it_a_worker_thread_frees_the_cycle(qapp):
    """The hazard: the interpreter's own collection runs on the allocating thread."""
    freed_on: list[str] = []
    gc.enable()
    try:
        _cycle_then_allocations_on_a_worker(freed_on)
    finally:
        gc.disable()  # the session's collector (tests/conftest.py) owns collection again
        gc.collect()
    assert freed_on == ["worker"]


def test_with_it_the_cycle_is_freed_on_the_main_thread(qtbot, qapp):
    assert qapp.findChild(MainThreadGarbageCollector) is not None  # installed for the session
    assert not gc.isenabled()
    freed_on: list[str] = []
    kept: list = []  # alive: generation 0 stays past its threshold until a collection
    _cycle_then_allocations_on_a_worker(freed_on, kept)
    assert freed_on == []  # the worker allocated plenty: nothing was collected there
    qtbot.waitUntil(lambda: freed_on != [], timeout=5_000)  # the collector's timer, main thread
    assert freed_on == [threading.main_thread().name]


def test_check_collects_only_when_a_generation_is_due(qapp):
    collector = qapp.findChild(MainThreadGarbageCollector)
    gc.collect()
    assert collector.check() == 0  # nothing allocated since: nothing due
    freed_on: list[str] = []
    kept: list = []
    _cycle_then_allocations_on_a_worker(freed_on, kept)
    assert freed_on == []
    assert collector.check() >= 1  # generation 0 was due: collected here, on the main thread
    assert freed_on == [threading.main_thread().name]
