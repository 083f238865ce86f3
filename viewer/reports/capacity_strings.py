"""The capacity section's words in Bahasa Indonesia (English is the key), and its "how
computed" sentences in both languages; merged into :mod:`viewer.reports.strings`. Vocabulary
as resources/i18n/README.md (recorder: perekam, district: kecamatan). Pure Python."""

from __future__ import annotations

CAPACITY_ID: dict[str, str] = {
    "Capacity": "Kapasitas",
    "No capacity figures recorded yet": "Belum ada angka kapasitas yang tercatat",
    "Main streams, total": "Total stream utama",
    "Sub-streams, total": "Total sub-stream",
    "not measured": "belum diukur",
    "fps delivered ÷ nominal, median": "fps terkirim ÷ nominal, median",
    "fps delivered ÷ nominal, worst": "fps terkirim ÷ nominal, terburuk",
    "First-packet time p50": "Waktu paket pertama p50",
    "First-packet time p95": "Waktu paket pertama p95",
    "Degraded": "Menurun",
    "Degraded time": "Waktu menurun",
    "Sub-streams sending main-stream bitrates": "Sub-stream dengan bitrate stream utama",
    "Upgrade first: recorders": "Prioritas peningkatan: perekam",
    "Upgrade first: districts": "Prioritas peningkatan: kecamatan",
    "Rank": "Peringkat",
    "Score": "Skor",
    "fps points": "poin fps",
    "latency points": "poin latensi",
    "degraded points": "poin menurun",
    "sub-stream points": "poin sub-stream",
    "Capacity per district": "Kapasitas per kecamatan",
    "Capacity per recorder": "Kapasitas per perekam",
    "Main Mbit/s": "Utama Mbit/s",
    "Sub Mbit/s": "Sub Mbit/s",
    "fps median": "fps median",
    "fps worst": "fps terburuk",
    "Sub like main": "Sub seperti utama",
    "Bitrate per district": "Bitrate per kecamatan",
    "Frame rate delivered": "Laju gambar yang terkirim",
    "First-packet time per recorder": "Waktu paket pertama per perekam",
    "sub-streams": "sub-stream",
    "main streams": "stream utama",
    "Mbit/s if every camera were watched": "Mbit/s bila semua kamera ditonton",
    "delivered ÷ nominal frame rate (%)": "laju gambar terkirim ÷ nominal (%)",
    "camera streams": "stream kamera",
    "episodes": "kejadian",
    "first-packet time (s)": "waktu paket pertama (detik)",
    "Streams never measured": "Stream yang belum pernah diukur",
    "main": "utama",
    "sub": "sub-stream",
    "{n} more in the CSV tables.": "{n} lagi di tabel CSV.",
}

#: The "how computed" sentences: English ...
CAPACITY_METHOD_EN: dict[str, str] = {
    "method.cap.bitrate": (
        "Bitrate of a camera stream: the bytes it delivered in the period ÷ the seconds it was measured (wall"
        " tiles and quality samples together). Total bitrate if every camera were watched: the sum of the"
        " main-stream bitrates, and apart the sum of the sub-stream bitrates. A stream never measured is named"
        " as unknown, never counted as zero."),
    "method.cap.fps": (
        "Delivered ÷ nominal fps of a camera stream: pictures received ÷ (seconds × the frame rate the stream"
        " announces). Median and worst over the camera streams of a district or recorder; below {low} % is"
        " listed as low."),
    "method.cap.latency": (
        "First-packet time: from opening a stream to its first video packet, the slowest opening of each"
        " minute, to 10 ms; p50 and p95 by nearest rank (the value at rank ⌈p/100 × n⌉) over the period."),
    "method.cap.degraded": (
        "Degraded: pictures kept coming but far below the nominal frame rate. Degraded time is watched time,"
        " counted apart: it is not down time and does not lower availability."),
    "method.cap.sublike": (
        "A sub-stream looks like a main stream when it is {height} lines high or more, or its bitrate is at"
        " least {ratio} × the same camera's main-stream bitrate."),
    "method.cap.score": (
        "Upgrade first, score = {fps} × (100 − median fps %, at least 0) + {lat} × p95 first-packet seconds +"
        " {deg} × degraded % of watched time + {sub} × % of sub-stream cameras sending main-stream bitrates;"
        " highest first."),
    "capacity.none": (
        "This journal has no stream minutes in this period yet: bitrate, frame rate and first-packet times are"
        " recorded by the wall's tiles and the quality samples of this version."),
    "capacity.sources": "from {n} stream openings (wall {wall}, quality samples {sample})",
}

#: ... and Indonesian.
CAPACITY_METHOD_ID: dict[str, str] = {
    "method.cap.bitrate": (
        "Bitrate stream kamera: byte yang dikirim pada periode ÷ detik pengukurannya (petak dinding dan sampel"
        " kualitas bersama). Total bitrate bila semua kamera ditonton: jumlah bitrate stream utama, dan"
        " terpisah jumlah bitrate sub-stream. Stream yang belum pernah diukur disebut tidak diketahui, tidak"
        " dihitung nol."),
    "method.cap.fps": (
        "fps terkirim ÷ nominal sebuah stream kamera: gambar yang diterima ÷ (detik × laju gambar yang"
        " diumumkan stream). Median dan terburuk atas stream kamera sebuah kecamatan atau perekam; di bawah"
        " {low} % dicatat rendah."),
    "method.cap.latency": (
        "Waktu paket pertama: dari membuka stream sampai paket video pertama, pembukaan terlambat tiap menit,"
        " dibulatkan 10 ms; p50 dan p95 dengan peringkat terdekat (nilai pada peringkat ⌈p/100 × n⌉)."),
    "method.cap.degraded": (
        "Menurun: gambar tetap datang tetapi jauh di bawah laju gambar nominal. Waktu menurun adalah waktu"
        " terpantau yang dihitung terpisah: bukan waktu mati dan tidak menurunkan ketersediaan."),
    "method.cap.sublike": (
        "Sub-stream dianggap seperti stream utama bila tingginya {height} baris atau lebih, atau bitratenya"
        " sedikitnya {ratio} × bitrate stream utama kamera yang sama."),
    "method.cap.score": (
        "Prioritas peningkatan, skor = {fps} × (100 − median fps %, minimal 0) + {lat} × detik p95 paket"
        " pertama + {deg} × % waktu menurun dari waktu terpantau + {sub} × % kamera sub-stream dengan bitrate"
        " stream utama; tertinggi di atas."),
    "capacity.none": (
        "Jurnal ini belum memiliki menit stream pada periode ini: bitrate, laju gambar dan waktu paket pertama"
        " dicatat oleh petak dinding video dan sampel kualitas versi ini."),
    "capacity.sources": "dari {n} pembukaan stream (dinding {wall}, sampel kualitas {sample})",
}
