"""Adaptive pre-roll lead: per-camera p90 of recent times to first picture, a cautious
default without history, the page's slowest camera plus stagger and margin, capped
within the dwell, and the "dwell too short" verdict. Pure logic, no clock, no Qt."""

from __future__ import annotations

import math

import pytest

from viewer.core.preroll_lead import FirstPictureHistory, LeadConfig, quantile

CFG = LeadConfig(default_first_picture_s=5.0, margin_s=0.5, min_lead_s=2.0, max_dwell_fraction=0.9,
                 history_opens=10, min_opens=3, quantile=0.9)


def test_quantile_is_nearest_rank():
    assert quantile([3.0, 1.0, 2.0], 0.9) == 3.0
    assert quantile(list(range(1, 11)), 0.9) == 9
    assert quantile([4.2], 0.9) == 4.2
    assert quantile(list(range(1, 11)), 0.5) == 5


def test_a_camera_without_history_gets_the_cautious_default():
    history = FirstPictureHistory(CFG)
    assert history.estimate("cam") == (5.0, False)
    lead = history.page_lead(["cam"], dwell_s=20.0)
    assert lead.lead_s == pytest.approx(5.5)
    assert lead.slowest_camera == "cam" and not lead.learned and not lead.dwell_too_short


def test_the_estimate_is_the_p90_of_the_recent_opens_only():
    history = FirstPictureHistory(CFG)
    for seconds in (0.3,) * 9 + (3.9,):  # one slow open in ten: p90 ignores it
        history.record("cam", seconds)
    assert history.estimate("cam") == (0.3, True)
    history.record("cam", 3.8)  # now two slow of the last ten (the first 0.3 fell out)
    assert history.estimate("cam") == (3.8, True)
    assert len(history.opens("cam")) == 10


def test_few_opens_never_lower_the_default_but_a_slow_one_raises_it():
    history = FirstPictureHistory(CFG)
    history.record("cam", 0.2)
    history.record("cam", 0.3)
    assert history.estimate("cam") == (5.0, False)  # two quick joins prove little
    history.record("other", 6.5)
    assert history.estimate("other") == (6.5, True)  # one slow open counts at once
    history.record("cam", 0.4)
    assert history.estimate("cam") == (0.4, True)  # enough opens: their p90


def test_a_camera_without_history_expects_what_the_other_cameras_take_when_that_is_longer():
    history = FirstPictureHistory(CFG)
    for seconds in (5.5, 6.0, 6.2, 6.1, 5.9, 6.0, 5.8, 6.3, 5.7, 6.0):  # a loaded wall: 16 opens at once
        history.record(f"cam{seconds}", seconds)
    assert history.estimate("new") == (6.2, False)
    assert history.page_lead(["new"], dwell_s=20.0).lead_s == pytest.approx(6.7)
    fast = FirstPictureHistory(CFG)
    fast.record("quick", 0.3)
    assert fast.estimate("new") == (5.0, False)  # quick cameras never lower the cautious default


def test_bad_measurements_are_ignored():
    history = FirstPictureHistory(CFG)
    for bad in (-1.0, math.nan, math.inf):
        history.record("cam", bad)
    assert history.opens("cam") == ()


def test_the_slowest_camera_with_its_stagger_decides_the_page():
    history = FirstPictureHistory(CFG)
    for _ in range(5):
        history.record("fast", 0.4)
        history.record("slow", 3.5)
    # "slow" starts third: 2 * 0.1 s after the first
    lead = history.page_lead(["fast", None, "fast", "slow"], dwell_s=20.0, stagger_s=0.1)
    assert lead.slowest_camera == "slow" and lead.learned
    assert lead.needed_s == pytest.approx(3.5 + 0.2 + 0.5)
    assert lead.lead_s == pytest.approx(lead.needed_s)


def test_fast_pages_still_get_the_minimum_lead():
    history = FirstPictureHistory(CFG)
    for _ in range(3):
        history.record("fast", 0.2)
    lead = history.page_lead(["fast"], dwell_s=20.0)
    assert lead.lead_s == 2.0 and not lead.dwell_too_short


def test_a_dwell_too_short_for_the_cameras_caps_the_lead_and_says_so():
    history = FirstPictureHistory(CFG)
    for _ in range(3):
        history.record("slow", 7.0)
    lead = history.page_lead(["slow"], dwell_s=6.0)
    assert lead.lead_s == pytest.approx(5.4)  # 0.9 of the dwell
    assert lead.needed_s == pytest.approx(7.5)
    assert lead.dwell_too_short and lead.slowest_camera == "slow"


def test_an_empty_page_needs_nothing():
    lead = FirstPictureHistory(CFG).page_lead([None, None], dwell_s=10.0)
    assert lead.slowest_camera is None and lead.needed_s == 0.0 and not lead.dwell_too_short


def test_config_rejects_nonsense():
    with pytest.raises(ValueError):
        LeadConfig(history_opens=0)
    with pytest.raises(ValueError):
        LeadConfig(quantile=0)
    with pytest.raises(ValueError):
        LeadConfig(margin_s=-1)
