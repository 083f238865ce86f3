"""A sweep result, the cameras to sweep and a result's journal observation (viewer.core.sweep)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.support.sweep_data import T0, result, sweep_catalog
from viewer.core.catalog_model import insert_credentials
from viewer.core.reasons import Reason
from viewer.core.sweep import sweep_result, sweep_targets


@pytest.fixture
def catalog():
    return sweep_catalog()


# --- results and targets ---------------------------------------------------------------------


def test_targets_are_the_enabled_cameras_optionally_of_one_district(catalog):
    assert [c.id for c in sweep_targets(catalog)] == ["n1", "n2", "n3", "s1", "s2"]
    assert [c.id for c in sweep_targets(catalog, "north")] == ["n1", "n2", "n3"]
    with pytest.raises(KeyError):
        sweep_targets(catalog, "west")


def test_sweep_result_never_holds_a_password(catalog):
    camera = catalog.camera("n2")
    made = sweep_result(camera, Reason.AUTH, 5.0, T0, "RTSP 401")
    assert "Pa55word" not in repr(made)
    assert made.url_masked == "rtsp://10.0.0.2/a"
    raw = insert_credentials(camera.url, camera.username, camera.password)
    assert "Pa55word" in raw  # the helper would leak it ...
    assert "Pa55word" not in sweep_result(dataclasses.replace(camera, url=raw), Reason.OK, 1, T0).url_masked


def test_down_since_is_carried_through_a_run_of_failures():
    first = result("n1", Reason.REFUSED, T0).after(None)
    assert first.down_since == T0
    second = result("n1", Reason.TIMEOUT, T0 + 60).after(first)
    assert second.down_since == T0  # another reason, same outage
    back = result("n1", Reason.OK, T0 + 120).after(second)
    assert back.down_since is None
    again = result("n1", Reason.AUTH, T0 + 180).after(back)
    assert again.down_since == T0 + 180
