"""Child process: keystroke → filtered district tree on a large catalog (offscreen Qt).

Also times loading (checking) the catalog itself. One JSON line out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtWidgets import QApplication

GROUPS = ("ATCS", "CCTV RT", "Pasar", "Pompa Air", "Kota Lama")
WORDS = ("Simpang", "Jalan", "Pasar", "Taman", "Tugu", "Kali", "Jembatan", "Terminal", "Stasiun", "Bundaran")


def write_catalog(folder: Path, cameras: int, districts: int = 16) -> Path:
    root = folder / "catalog.yaml"
    lines = ["version: 1", "include: [districts/*.yaml]", "districts:"]
    lines += [f"  - {{id: d{d:02d}, name: District {d:02d}}}" for d in range(districts)]
    root.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "districts").mkdir()
    n = 0
    for d in range(districts):
        out = ["cameras:"]
        for i in range(cameras // districts + (1 if d < cameras % districts else 0)):
            n += 1
            out.append(
                f"  - {{id: cam-{n:05d}, name: {WORDS[n % len(WORDS)]} {n}, district: d{d:02d}, "
                f"url: 'rtsp://10.{d}.{i // 250}.{i % 250}:554/ch1', group: {GROUPS[n % len(GROUPS)]}}}"
            )
        (folder / "districts" / f"d{d:02d}.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cameras", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from viewer.core.catalog import load_catalog

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        path = write_catalog(Path(tmp), args.cameras)
        loads = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            catalog = load_catalog(path)
            loads.append(time.perf_counter() - start)
    from viewer.ui.navigator import Navigator

    nav = Navigator(catalog)
    nav.resize(300, 900)
    nav.show()
    app.processEvents()
    keystrokes = []
    for _ in range(args.repeat):
        for text in ("s", "si", "sim", "simp", "simpa", "simpan", "simpang", "simpang 1", "simpang 12", ""):
            start = time.perf_counter()
            nav.search.setText(text)  # textChanged -> filter, as a keystroke does
            app.processEvents()  # the tree relayouts and repaints
            keystrokes.append(time.perf_counter() - start)
    keystrokes.sort()
    print(json.dumps({
        "cameras": len(catalog.cameras),
        "load_s": statistics.median(loads),
        "keystroke_median_ms": 1000 * statistics.median(keystrokes),
        "keystroke_p95_ms": 1000 * keystrokes[int(len(keystrokes) * 0.95)],
        "keystroke_max_ms": 1000 * keystrokes[-1],
    }), flush=True)


if __name__ == "__main__":
    main()
