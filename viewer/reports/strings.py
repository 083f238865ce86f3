"""The evaluation report's words in Bahasa Indonesia and English (English is the key).

The report is also written by the command line, without Qt, so it keeps its own small table
instead of Qt's translations; its vocabulary follows resources/i18n/README.md (outage:
gangguan, recorder: perekam, district: kecamatan). :func:`report_language` picks the
language like the app does (``--lang``, else the locale). Pure Python.
"""

from __future__ import annotations

import locale
import os

from viewer.core.reasons import REASON_TEXT, Reason
from viewer.reports.capacity_strings import CAPACITY_ID, CAPACITY_METHOD_EN, CAPACITY_METHOD_ID

ENGLISH, INDONESIAN = "en", "id"

_ID: dict[str, str] = {
    "Network evaluation": "Evaluasi jaringan",
    "Period": "Periode",
    "counted until": "dihitung sampai",
    "Generated": "Dibuat",
    "Scope": "Cakupan",
    "whole network": "seluruh jaringan",
    "Summary": "Ringkasan",
    "Cameras": "Kamera",
    "Availability": "Ketersediaan",
    "Watched": "Terpantau",
    "Outages": "Gangguan",
    "still open": "masih berlangsung",
    "Mean time to restore": "Rata-rata waktu pemulihan",
    "Median time to restore": "Median waktu pemulihan",
    "Longest outage": "Gangguan terlama",
    "Acknowledged": "Ditanggapi",
    "Mean time to acknowledge": "Rata-rata waktu tanggap",
    "Median time to acknowledge": "Median waktu tanggap",
    "Recorder incidents": "Insiden perekam",
    "Never seen online": "Tidak pernah aktif",
    "Not watched": "Tidak terpantau",
    "Districts": "Kecamatan",
    "District": "Kecamatan",
    "Recorders": "Perekam",
    "Recorder": "Perekam",
    "Down": "Mati",
    "Unknown": "Tidak diketahui",
    "MTTR mean": "MTTR rata-rata",
    "MTTR median": "MTTR median",
    "Ack. mean": "Tanggap rata-rata",
    "Ack. median": "Tanggap median",
    "Started": "Mulai",
    "Half restored": "Separuh pulih",
    "All restored": "Semua pulih",
    "Duration": "Durasi",
    "Reason": "Penyebab",
    "ongoing": "berlangsung",
    "none": "tidak ada",
    "Daily availability": "Ketersediaan harian",
    "Daily availability per district": "Ketersediaan harian per kecamatan",
    "Down time by reason": "Waktu mati menurut penyebab",
    "Worst cameras": "Kamera terburuk",
    "Camera": "Kamera",
    "Name": "Nama",
    "Acknowledgement and restore times per district":
        "Waktu tanggap dan waktu pemulihan per kecamatan",
    "How the figures are computed": "Cara menghitung angka",
    "day": "hari",
    "hours": "jam",
    "No recorder incidents in this period.": "Tidak ada insiden perekam pada periode ini.",
    "No camera was down in this period.": "Tidak ada kamera yang mati pada periode ini.",
    "Nothing was watched on this day.": "Tidak ada pemantauan pada hari ini.",
    "Cameras never seen online": "Kamera yang tidak pernah aktif",
    "Signature": "Tanda tangan",
    "{n} more in the CSV tables.": "{n} lagi di tabel CSV.",
    "Head of the technical team": "Kepala tim teknis",
}

#: Reason descriptions (viewer.core.reasons.REASON_TEXT) as the app's catalogue translates them.
_REASONS_ID: dict[str, str] = {
    "online": "aktif",
    "connection refused": "koneksi ditolak",
    "unreachable": "tidak terjangkau",
    "no answer (timeout)": "tidak menjawab (waktu habis)",
    "authentication failed": "autentikasi gagal",
    "stream not found": "stream tidak ditemukan",
    "no video track": "tidak ada trek video",
    "protocol error": "kesalahan protokol",
    "stream ended": "stream terputus",
    "stalled / frozen": "macet / beku",
    "playback error": "gagal memutar",
    "not supported by this libVLC": "tidak didukung libVLC ini",
    "picture frozen": "gambar beku",
    "blank picture": "gambar kosong",
    "degraded (low frame rate)": "menurun (laju gambar rendah)",
}
_ID.update(_REASONS_ID)

#: The "how computed" note: English texts ...
_METHOD_EN: dict[str, str] = {
    "method.covered": (
        "Watched time: the time a camera was being watched by a wall tile, the background sweep or the monitor."
        " Time nobody watched is unknown: it is never counted as available."),
    "method.availability": (
        "Availability = time up ÷ watched time. Watched % = watched time ÷ (cameras × period)."),
    "method.outage": (
        "An outage belongs to the period when it overlaps it; its duration runs from its start (also before the"
        " period) to its end, or to the end of the period while it is still open. Reports of one fault by several"
        " sources (wall and sweep) count as one outage."),
    "method.restore": (
        "Time to restore: the duration of the outages that ended in the period (mean and median). Time to"
        " acknowledge: from the start of an outage to its first acknowledgement by an operator."),
    "method.incident": (
        "Recorder incident: at least {n} cameras of one recorder down for a network reason (refused,"
        " unreachable, timeout) within {window} s of each other; cameras of that recorder that fail while it"
        " lasts join it; it ends when half of them show pictures again."),
    "method.days": "Days run from local midnight to midnight ({tz}).",
    "method.coverage_since": "Coverage has been recorded since {when}; earlier time is unknown.",
    "method.ignored": "{n} outages of cameras no longer in the catalog (or disabled) were left out.",
}

#: ... and Indonesian ones.
_METHOD_ID: dict[str, str] = {
    "method.covered": (
        "Waktu terpantau: waktu sebuah kamera dipantau oleh petak dinding video, pemindaian latar belakang atau"
        " monitor. Waktu yang tidak dipantau tidak diketahui: tidak pernah dihitung sebagai tersedia."),
    "method.availability": (
        "Ketersediaan = waktu aktif ÷ waktu terpantau. Terpantau % = waktu terpantau ÷ (kamera × periode)."),
    "method.outage": (
        "Sebuah gangguan masuk periode bila beririsan dengannya; durasinya dihitung dari awal gangguan (juga"
        " sebelum periode) sampai selesai, atau sampai akhir periode bila masih berlangsung. Laporan satu"
        " kerusakan dari beberapa sumber (dinding dan pemindaian) dihitung satu gangguan."),
    "method.restore": (
        "Waktu pemulihan: durasi gangguan yang selesai dalam periode (rata-rata dan median). Waktu tanggap:"
        " dari awal gangguan sampai operator pertama kali menanggapinya."),
    "method.incident": (
        "Insiden perekam: sedikitnya {n} kamera dari satu perekam mati karena jaringan (ditolak, tidak"
        " terjangkau, batas waktu) dalam {window} detik satu sama lain; kamera perekam itu yang mati selama"
        " insiden ikut di dalamnya; insiden selesai saat separuhnya kembali menampilkan gambar."),
    "method.days": "Hari dihitung dari tengah malam ke tengah malam waktu setempat ({tz}).",
    "method.coverage_since": "Pemantauan dicatat sejak {when}; waktu sebelumnya tidak diketahui.",
    "method.ignored": "{n} gangguan dari kamera yang tidak lagi ada di katalog (atau dinonaktifkan) tidak dihitung.",
}


_ID.update(CAPACITY_ID)
_METHOD_EN.update(CAPACITY_METHOD_EN)
_METHOD_ID.update(CAPACITY_METHOD_ID)


def report_language(requested: str | None = None) -> str:
    """``"id"`` or ``"en"``: the requested one, else from LC_ALL/LC_MESSAGES/LANG or the locale."""
    if requested in (ENGLISH, INDONESIAN):
        return requested
    for name in (os.environ.get("LC_ALL"), os.environ.get("LC_MESSAGES"), os.environ.get("LANG"),
                 locale.getlocale()[0]):
        if name:
            return INDONESIAN if name.lower().startswith(("id", "in_")) else ENGLISH
    return ENGLISH


class Words:
    """``words("Availability")`` in the report's language (English texts are the keys;
    ``method.*`` keys name the sentences of the "how computed" note)."""

    def __init__(self, language: str) -> None:
        self.language = language if language in (ENGLISH, INDONESIAN) else ENGLISH

    def reason(self, value: str) -> str:
        """A reason's stored spelling (``"not_found"``) as words (``"stream not found"``)."""
        try:
            text = REASON_TEXT[Reason(value)]
        except ValueError:
            text = value
        return self(text)

    def __call__(self, text: str) -> str:
        if self.language == INDONESIAN:
            return _METHOD_ID.get(text) or _ID.get(text, text)
        return _METHOD_EN.get(text, text)


def missing_translations() -> list[str]:
    """Keys with an English text but no Indonesian one (a test keeps this empty)."""
    missing = set(_METHOD_EN) - set(_METHOD_ID)
    return sorted(missing | {text for text in REASON_TEXT.values() if text not in _ID})
