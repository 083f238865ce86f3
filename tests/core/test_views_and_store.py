"""Wall views, saved views and settings (viewer.core.views, settings, store): paging and
layout changes, corrupt files kept aside, atomic writes, neighbour pages for pre-roll."""

import json
import os

import pytest

from viewer.core.settings import Settings, load_settings, parse_screens, save_settings
from viewer.core.store import atomic_write_json, load_json
from viewer.core.views import ViewStore, WallView, district_page, neighbour_pages, with_camera, with_layout

CAMS = [f"c{i}" for i in range(20)]


def test_district_page_and_layout_change_keep_first_camera_visible():
    view = district_page(CAMS, "d1", "2x2", 3)
    assert view.cameras == ("c12", "c13", "c14", "c15") and view.district == "d1"
    bigger = with_layout(view, "3x3", CAMS)
    assert "c12" in bigger.cameras and bigger.page_index == 1
    assert len(bigger.cameras) == 9


def test_manual_camera_turns_view_custom_without_reflow():
    view = district_page(CAMS, "d1", "2x2", 0)
    custom = with_camera(view, 2, "c19")
    assert custom.cameras == ("c0", "c1", "c19", "c3") and custom.district is None
    emptied = with_camera(custom, 0, None)
    assert emptied.cameras == (None, "c1", "c19", "c3")


def test_custom_view_layout_change_pads_and_truncates():
    custom = WallView("2x2", ("a", "b", None, "d"))
    assert with_layout(custom, "1x1", None).cameras == ("a",)
    assert with_layout(custom, "1+5", None).cameras == ("a", "b", None, "d", None, None)


def test_view_store_round_trip_and_last_session(tmp_path):
    path = tmp_path / "views.json"
    store = ViewStore(path)
    store.save("Pasar", WallView("1+5", ("a", None, "b")))
    store.set_last_session(district_page(CAMS, "d1", "3x3", 1), "0")
    again = ViewStore(path)
    assert again.names() == ["Pasar"]
    assert again.get("Pasar").cameras == ("a", None, "b") and again.get("Pasar").layout_spec == "1+5"
    assert again.last_session("0").district == "d1" and again.last_session("0").page_index == 1
    assert json.loads(path.read_text())["schema_version"] == 1


def test_corrupt_views_file_is_kept_aside_and_store_starts_empty(tmp_path):
    path = tmp_path / "views.json"
    path.write_text('{"views": {"x": ', encoding="utf-8")
    store = ViewStore(path)
    assert store.names() == []
    assert (tmp_path / "views.json.corrupt-1").read_text().startswith('{"views"')
    store.save("ok", WallView())
    assert ViewStore(path).names() == ["ok"]


def test_unreadable_view_entries_are_skipped(tmp_path):
    path = tmp_path / "views.json"
    atomic_write_json(path, {"views": {"good": {"layout": "2x2", "cameras": ["a"]}, "bad": {"layout": "9x9"}}})
    assert ViewStore(path).names() == ["good"]


def test_atomic_write_leaves_no_temp_files_and_replaces(tmp_path):
    path = tmp_path / "s.json"
    for i in range(5):
        atomic_write_json(path, {"i": i})
    assert load_json(path, None) == {"i": 4}
    assert os.listdir(tmp_path) == ["s.json"]


def test_settings_defaults_types_and_unknown_keys_survive(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"network_caching_ms": "fast", "kiosk": True, "future_key": [1, 2]}))
    settings, raw = load_settings(path)
    assert settings.network_caching_ms == Settings().network_caching_ms  # wrong type -> default
    assert settings.kiosk is True
    save_settings(path, settings, raw)
    data = json.loads(path.read_text())
    assert data["future_key"] == [1, 2] and data["schema_version"] == 1


def test_screens_setting_round_trips_as_a_list_and_bad_lists_fall_back(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"screens": [0, 2]}))
    settings, raw = load_settings(path)
    assert settings.screens == (0, 2)
    save_settings(path, settings, raw)
    assert json.loads(path.read_text())["screens"] == [0, 2]
    for bad in ("0,1", [0, "1"], [True], {"a": 1}):
        path.write_text(json.dumps({"screens": bad}))
        assert load_settings(path)[0].screens == ()


def test_parse_screens():
    assert parse_screens("0,1") == (0, 1)
    assert parse_screens(" 2 , 0 ") == (2, 0)
    for bad in ("", "a", "0,0", "-1", "1,,x"):
        with pytest.raises(ValueError):
            parse_screens(bad)


def test_neighbour_pages_next_then_previous_within_the_tile_budget():
    ids = [f"c{i}" for i in range(10)]  # 2x2: pages of 4, 4, 2
    view = district_page(ids, "d", "2x2", 1)
    pages = neighbour_pages(ids, view, 9)
    assert [(p.page_index, p.padded()) for p in pages] == [(2, ("c8", "c9", None, None)), (0, ("c0", "c1", "c2", "c3"))]
    assert [p.page_index for p in neighbour_pages(ids, view, 4)] == [2]  # only the next fits
    assert neighbour_pages(ids, view, 0) == []  # off
    assert [p.page_index for p in neighbour_pages(ids, district_page(ids, "d", "2x2", 2), 9)] == [0, 1]  # wraps


def test_neighbour_pages_none_for_one_page_or_a_hand_picked_view():
    three, five, forty = ["a", "b", "c"], ["a", "b", "c", "d", "e"], [f"c{i}" for i in range(40)]
    assert neighbour_pages(three, district_page(three, "d", "2x2", 0), 9) == []
    two = district_page(five, "d", "2x2", 0)
    assert len(neighbour_pages(five, two, 9)) == 1  # next == previous: once
    assert neighbour_pages(five, with_camera(two, 0, "x"), 9) == []
    assert neighbour_pages(forty, district_page(forty, "d", "4x4", 0), 9) == []  # 16 tiles exceed the budget
