"""Pre-roll under Xvfb with real libVLC: the next page's players start one at a time (so 16
opens do not land in one event-loop turn), and a switch that comes before they all started
starts the rest at once and shows every picture."""

from __future__ import annotations

import itertools
import time

from tests.support.catalogs import catalog_yaml
from tests.support.screen_samples import screen_colours
from viewer.core.health_model import FeedState
from viewer.ui.wall_controller import PREROLL_STAGGER_MS

COLOURS = ("red", "green", "blue", "yellow")


def _wall(make_wall, colour_streams):
    a = [(f"a-{n}", colour_streams(n)) for n in COLOURS]
    b = [(f"b-{n}", colour_streams(n)) for n in reversed(COLOURS)]
    window = make_wall(catalog_yaml({"da": a, "db": b}))
    window.controller.show_view(window.controller.district_view("da", 0, "2x2"))
    return window


def test_prerolled_players_start_one_at_a_time(qtbot, make_wall, colour_streams):
    window = _wall(make_wall, colour_streams)
    controller = window.controller
    qtbot.waitUntil(lambda: all(f.state is FeedState.PLAYING for f in controller.active_feeds()), timeout=15_000)

    started_at: dict[int, float] = {}
    assert controller.preroll(controller.district_view("db", 0, "2x2")) == 4
    spares = controller._preroll[1]

    def record() -> bool:
        for i in spares:
            if controller.feeds[i].camera is not None:
                started_at.setdefault(i, time.monotonic())
        return len(started_at) == 4

    record()
    assert len(started_at) == 1, "only the first pre-roll player starts in the call itself"
    qtbot.waitUntil(record, timeout=5_000)
    times = sorted(started_at.values())
    gaps_ms = [1000 * (b - a) for a, b in itertools.pairwise(times)]
    assert min(gaps_ms) >= PREROLL_STAGGER_MS * 0.5, gaps_ms
    hidden = [controller.feeds[i] for i in spares]
    qtbot.waitUntil(lambda: all(f.state is FeedState.PLAYING for f in hidden), timeout=15_000)
    assert not any(controller.grid.tiles[i].isVisible() for i in spares)


def test_a_switch_before_the_preroll_finished_shows_every_camera(qtbot, make_wall, colour_streams):
    window = _wall(make_wall, colour_streams)
    controller = window.controller
    qtbot.waitUntil(lambda: all(f.state is FeedState.PLAYING for f in controller.active_feeds()), timeout=15_000)
    view = controller.district_view("db", 0, "2x2")
    controller.preroll(view)
    controller.show_view(view)  # at once: three pre-roll players had not started yet
    assert [f.camera.id for f in controller.active_feeds()] == [f"b-{n}" for n in reversed(COLOURS)]

    qtbot.waitUntil(lambda: screen_colours(window) == list(reversed(COLOURS)), timeout=15_000)


def test_a_hidden_prerolled_tile_decodes_its_first_picture_while_hidden(qtbot, make_wall, colour_streams):
    window = _wall(make_wall, colour_streams)
    controller = window.controller
    qtbot.waitUntil(lambda: all(f.state is FeedState.PLAYING for f in controller.active_feeds()), timeout=15_000)
    seen: dict[str, bool] = {}  # camera -> was its tile visible when its first picture came
    controller.preroll(controller.district_view("db", 0, "2x2"))  # events arrive only from the loop
    spares = controller._preroll[1]
    hidden = [controller.feeds[i] for i in spares]
    for feed in hidden:
        feed.first_picture.connect(lambda f, _s: seen.setdefault(f.camera.id, f.visible()))
    qtbot.waitUntil(lambda: len(seen) == 4, timeout=15_000)
    assert seen == {f"b-{n}": False for n in COLOURS}, "first pictures must come while the tiles are hidden"
    assert not any(controller.grid.tiles[i].isVisible() for i in spares)
    # libVLC really decoded and displayed pictures into the unmapped windows, not just opened them
    qtbot.waitUntil(lambda: all(f.player.stats().displayed_pictures > 0 for f in hidden), timeout=5_000)
    learned = {f.camera.id: controller.first_pictures.opens(f.camera.id) for f in hidden}
    assert all(len(times) == 1 and 0 < times[0] < 15 for times in learned.values()), learned
