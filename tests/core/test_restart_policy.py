"""The supervisor's pure decisions: restart backoff, and hang detection from heartbeats."""

from viewer.cli.run import wall_arguments
from viewer.core.restart_policy import HangWatch, RestartPolicy


def test_backoff_doubles_to_the_cap_and_resets_after_a_healthy_run():
    policy = RestartPolicy(base_s=1, cap_s=8, healthy_run_s=600)
    assert policy.delay_after(0, 5) is None  # the operator closed the wall
    assert [policy.delay_after(-9, 5) for _ in range(5)] == [1, 2, 4, 8, 8]
    assert policy.delay_after(1, 601) == 1  # ran well for 10 minutes: a fresh failure


def _looks(watch: HangWatch, mark: object, start_s: float, end_s: float) -> bool:
    """Observe once a second from start_s to end_s (as the supervisor does); the last answer."""
    hung = False
    t = start_s
    while t <= end_s:
        hung = watch.observe(mark, t)
        t += 1
    return hung


def test_a_beating_wall_is_alive_and_a_silent_one_hangs_after_the_timeout():
    watch = HangWatch(timeout_s=60, now_s=1000)
    assert not _looks(watch, None, 1001, 1030)  # still loading: the start counts as a beat
    assert not watch.observe(1, 1031)
    assert not _looks(watch, 2, 1032, 1092)  # 60 s silent: not yet
    assert watch.observe(2, 1092.5)
    assert watch.silent_s(1092.5) == 60.5
    assert not watch.observe(3, 1093)  # a late beat: alive again


def test_a_never_beating_wall_hangs_after_the_timeout_and_zero_disables():
    assert _looks(HangWatch(60, 0), None, 1, 61)
    assert not _looks(HangWatch(0, 0), None, 1, 200)


def test_a_gap_in_the_supervisors_own_looks_is_not_the_walls_silence():
    """The machine slept for an hour: the wall gets a fresh timeout instead of a kill."""
    watch = HangWatch(timeout_s=60, now_s=0)
    assert not _looks(watch, 1, 1, 30)
    assert not watch.observe(1, 3630)  # the first look after waking up
    assert not _looks(watch, 1, 3631, 3689)
    assert watch.observe(1, 3691)  # still silent a full timeout after waking: hung


def test_the_supervisors_own_options_are_not_passed_to_the_wall():
    argv = ["--supervise", "--kiosk", "--hang-timeout-s", "30", "--screens", "0,1", "--hang-timeout-s=5"]
    assert wall_arguments(argv) == ["--kiosk", "--screens", "0,1"]


def test_a_requested_restart_comes_at_once_without_backoff():
    from viewer.core.restart_policy import EXIT_RESTART_REQUESTED, RestartPolicy

    policy = RestartPolicy(base_s=1.0, cap_s=60.0)
    assert policy.delay_after(1, ran_s=5.0) == 1.0
    assert policy.delay_after(1, ran_s=5.0) == 2.0
    assert policy.delay_after(EXIT_RESTART_REQUESTED, ran_s=5.0) == 1.0  # asked for: no backoff ...
    assert policy.delay_after(1, ran_s=5.0) == 4.0  # ... and the failure count is untouched


def test_restart_is_requested_only_supervised_past_the_limit_and_when_quiet():
    from viewer.core.restart_policy import should_request_restart

    assert should_request_restart(3, 3, supervised=True, idle_s=31.0, quiet_s=30.0)
    assert not should_request_restart(2, 3, supervised=True, idle_s=31.0, quiet_s=30.0)
    assert not should_request_restart(3, 3, supervised=False, idle_s=31.0, quiet_s=30.0)  # nobody would restart it
    assert not should_request_restart(3, 3, supervised=True, idle_s=5.0, quiet_s=30.0)  # an operator is at work
