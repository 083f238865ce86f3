<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="id_ID" sourcelanguage="en">
<context>
    <name>About</name>
    <message>
        <source>Qt unavailable</source>
        <translation>Qt tidak tersedia</translation>
    </message>
    <message>
        <source>videowall is free software (GPL-3.0-or-later).
It uses libVLC (LGPL-2.1-or-later, videolan.org) and Qt for Python (LGPL-3.0, qt.io); their licence texts ship in the installer&apos;s licenses folder.</source>
        <translation>videowall adalah perangkat lunak bebas (GPL-3.0-or-later).
Aplikasi ini memakai libVLC (LGPL-2.1-or-later, videolan.org) dan Qt for Python (LGPL-3.0, qt.io); teks lisensinya disertakan di folder licenses pada installer.</translation>
    </message>
</context>
<context>
    <name>AckEditor</name>
    <message>
        <source>note or ticket number (optional)</source>
        <translation>catatan atau nomor tiket (opsional)</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Konfirmasi</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Batal</translation>
    </message>
    <message>
        <source>Reported to the technical team: {camera}</source>
        <translation>Dilaporkan ke tim teknis: {camera}</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>About videowall</source>
        <translation>Tentang videowall</translation>
    </message>
    <message>
        <source>{path}: no such file</source>
        <translation>{path}: file tidak ditemukan</translation>
    </message>
    <message>
        <source>Catalog: {n} broken entries skipped (see the log): {first}</source>
        <translation>Katalog: {n} entri rusak dilewati (lihat log): {first}</translation>
    </message>
</context>
<context>
    <name>CapacityPanel</name>
    <message>
        <source>Upgrade first</source>
        <translation>Prioritas peningkatan</translation>
    </message>
    <message>
        <source>Districts</source>
        <translation>Kecamatan</translation>
    </message>
    <message>
        <source>Recorders</source>
        <translation>Perekam</translation>
    </message>
    <message>
        <source>No capacity figures recorded yet: this journal has no stream minutes in this period (bitrates, frame rates and first-packet times are recorded by the wall&apos;s tiles and the quality samples).</source>
        <translation>Belum ada angka kapasitas yang tercatat: jurnal ini belum memiliki menit stream pada periode ini (bitrate, laju gambar dan waktu paket pertama dicatat oleh petak dinding video dan sampel kualitas).</translation>
    </message>
    <message>
        <source>Degraded time: {degraded}</source>
        <translation>Waktu menurun: {degraded}</translation>
    </message>
    <message>
        <source>If every camera were watched: main streams {main} Mbit/s ({main_unknown} not measured), sub-streams {sub} Mbit/s ({sub_unknown} not measured) · delivered ÷ nominal frame rate: median {median}, worst {worst} · first-packet time p50 {p50}, p95 {p95} (from {opens} stream openings: wall {wall}, quality samples {sample}) · degraded {degraded} · {like_main} sub-streams sending main-stream bitrates</source>
        <translation>Bila semua kamera ditonton: stream utama {main} Mbit/s ({main_unknown} belum diukur), sub-stream {sub} Mbit/s ({sub_unknown} belum diukur) · laju gambar terkirim ÷ nominal: median {median}, terburuk {worst} · waktu paket pertama p50 {p50}, p95 {p95} (dari {opens} pembukaan stream: dinding {wall}, sampel kualitas {sample}) · menurun {degraded} · {like_main} sub-stream dengan bitrate stream utama</translation>
    </message>
    <message>
        <source>District</source>
        <translation>Kecamatan</translation>
    </message>
    <message>
        <source>Recorder</source>
        <translation>Perekam</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Jenis</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>Peringkat</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nama</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Skor</translation>
    </message>
    <message>
        <source>fps points</source>
        <translation>Poin fps</translation>
    </message>
    <message>
        <source>Latency points</source>
        <translation>Poin latensi</translation>
    </message>
    <message>
        <source>Degraded points</source>
        <translation>Poin menurun</translation>
    </message>
    <message>
        <source>Sub-stream points</source>
        <translation>Poin sub-stream</translation>
    </message>
    <message>
        <source>fps median</source>
        <translation>fps median</translation>
    </message>
    <message>
        <source>First packet p95</source>
        <translation>Paket pertama p95</translation>
    </message>
    <message>
        <source>Degraded %</source>
        <translation>Menurun %</translation>
    </message>
    <message>
        <source>Sub like main</source>
        <translation>Sub seperti utama</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>Main Mbit/s</source>
        <translation>Utama Mbit/s</translation>
    </message>
    <message>
        <source>Main not measured</source>
        <translation>Utama belum diukur</translation>
    </message>
    <message>
        <source>Sub Mbit/s</source>
        <translation>Sub Mbit/s</translation>
    </message>
    <message>
        <source>Sub not measured</source>
        <translation>Sub belum diukur</translation>
    </message>
    <message>
        <source>fps worst</source>
        <translation>fps terburuk</translation>
    </message>
    <message>
        <source>First packet p50</source>
        <translation>Paket pertama p50</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Menurun</translation>
    </message>
    <message>
        <source>Never measured: {cameras}</source>
        <translation>Belum pernah diukur: {cameras}</translation>
    </message>
</context>
<context>
    <name>Caption</name>
    <message>
        <source>since {clock}</source>
        <translation>sejak {clock}</translation>
    </message>
    <message>
        <source>since {clock} ({minutes} min)</source>
        <translation>sejak {clock} ({minutes} mnt)</translation>
    </message>
    <message>
        <source>since {clock} ({hours} h)</source>
        <translation>sejak {clock} ({hours} jam)</translation>
    </message>
    <message>
        <source>{value} Mbit/s</source>
        <translation>{value} Mbit/s</translation>
    </message>
    <message>
        <source>{value} kbit/s</source>
        <translation>{value} kbit/s</translation>
    </message>
    <message>
        <source>{codec} {size} · {fps} of {nominal} fps · {rate}</source>
        <translation>{codec} {size} · {fps} dari {nominal} fps · {rate}</translation>
    </message>
    <message>
        <source>lost pictures {lost} · reconnects {reconnects} · first picture after {first} s</source>
        <translation>gambar hilang {lost} · sambung ulang {reconnects} · gambar pertama setelah {first} dtk</translation>
    </message>
    <message>
        <source>✓ reported by {by} {clock}</source>
        <translation>✓ dilaporkan oleh {by} {clock}</translation>
    </message>
    <message>
        <source>Reported to the technical team by {by} at {clock}</source>
        <translation>Dilaporkan ke tim teknis oleh {by} pada {clock}</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>kosong</translation>
    </message>
    <message>
        <source>drag a camera here</source>
        <translation>seret kamera ke sini</translation>
    </message>
    <message>
        <source>main stream</source>
        <translation>stream utama</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>menyambung…</translation>
    </message>
</context>
<context>
    <name>EvaluationWindow</name>
    <message>
        <source>Network evaluation</source>
        <translation>Evaluasi jaringan</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>7 hari terakhir</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>30 hari terakhir</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>Bulan ini</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>Bulan lalu</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Pilih sendiri</translation>
    </message>
    <message>
        <source>All districts</source>
        <translation>Semua kecamatan</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>Evaluasi</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Periode</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Dari</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Sampai</translation>
    </message>
    <message>
        <source>District</source>
        <translation>Kecamatan</translation>
    </message>
    <message>
        <source>Districts</source>
        <translation>Kecamatan</translation>
    </message>
    <message>
        <source>Recorders</source>
        <translation>Perekam</translation>
    </message>
    <message>
        <source>Recorder incidents</source>
        <translation>Insiden perekam</translation>
    </message>
    <message>
        <source>Daily availability</source>
        <translation>Ketersediaan harian</translation>
    </message>
    <message>
        <source>Capacity</source>
        <translation>Kapasitas</translation>
    </message>
    <message>
        <source>Save HTML report…</source>
        <translation>Simpan laporan HTML…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Ekspor CSV…</translation>
    </message>
    <message>
        <source>Reading the journal and evaluating…</source>
        <translation>Membaca jurnal dan mengevaluasi…</translation>
    </message>
    <message>
        <source>Writing {path}…</source>
        <translation>Menulis {path}…</translation>
    </message>
    <message>
        <source>Saved to {path}</source>
        <translation>Tersimpan di {path}</translation>
    </message>
    <message>
        <source>Failed: {reason}</source>
        <translation>Gagal: {reason}</translation>
    </message>
    <message>
        <source>Availability {availability} over watched time · watched {covered} · {cameras} cameras · {outages} outages ({open} still open) · time to restore: mean {mttr_mean}, median {mttr_median} · {incidents} recorder incidents · {never} cameras never seen online</source>
        <translation>Ketersediaan {availability} atas waktu terpantau · terpantau {covered} · {cameras} kamera · {outages} gangguan ({open} masih berlangsung) · waktu pemulihan: rata-rata {mttr_mean}, median {mttr_median} · {incidents} insiden perekam · {never} kamera tidak pernah aktif</translation>
    </message>
    <message>
        <source>Recorder</source>
        <translation>Perekam</translation>
    </message>
    <message>
        <source>Evaluated {start} – {end}</source>
        <translation>Dievaluasi {start} – {end}</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>Availability %</source>
        <translation>Ketersediaan %</translation>
    </message>
    <message>
        <source>Watched %</source>
        <translation>Terpantau %</translation>
    </message>
    <message>
        <source>Outages</source>
        <translation>Gangguan</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Berlangsung</translation>
    </message>
    <message>
        <source>MTTR mean</source>
        <translation>MTTR rata-rata</translation>
    </message>
    <message>
        <source>MTTR median</source>
        <translation>MTTR median</translation>
    </message>
    <message>
        <source>Longest</source>
        <translation>Terlama</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Ditanggapi</translation>
    </message>
    <message>
        <source>Time to acknowledge (median)</source>
        <translation>Waktu tanggap (median)</translation>
    </message>
    <message>
        <source>Never online</source>
        <translation>Tidak pernah aktif</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Menurun</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Mulai</translation>
    </message>
    <message>
        <source>Half restored</source>
        <translation>Separuh pulih</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durasi</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Penyebab</translation>
    </message>
    <message>
        <source>Save HTML report</source>
        <translation>Simpan laporan HTML</translation>
    </message>
    <message>
        <source>HTML report (*.html)</source>
        <translation>Laporan HTML (*.html)</translation>
    </message>
    <message>
        <source>Folder for the CSV tables</source>
        <translation>Folder untuk tabel CSV</translation>
    </message>
</context>
<context>
    <name>FeedState</name>
    <message>
        <source>idle</source>
        <extracomment>Feed states as shown in the camera details (context &quot;FeedState&quot;).</extracomment>
        <translation>tidak aktif</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>menyambung</translation>
    </message>
    <message>
        <source>playing</source>
        <translation>tayang</translation>
    </message>
    <message>
        <source>stalled</source>
        <translation>macet</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>gagal</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>menunggu</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>videowall — no camera catalog</source>
        <translation>videowall — belum ada katalog kamera</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Welcome to videowall&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Selamat datang di videowall&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>The wall needs a camera catalog (a YAML file listing districts and cameras).
Open one, use the sample catalog, or run `videowall demo` to see a simulated city.</source>
        <translation>Video wall memerlukan katalog kamera (file YAML berisi daftar kecamatan dan kamera).
Buka katalog, pakai katalog contoh, atau jalankan `videowall demo` untuk melihat kota simulasi.</translation>
    </message>
    <message>
        <source>The catalog could not be used:</source>
        <translation>Katalog tidak dapat dipakai:</translation>
    </message>
    <message>
        <source>Open catalog…</source>
        <translation>Buka katalog…</translation>
    </message>
    <message>
        <source>Use the sample catalog</source>
        <translation>Pakai katalog contoh</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Keluar</translation>
    </message>
    <message>
        <source>Open camera catalog</source>
        <translation>Buka katalog kamera</translation>
    </message>
</context>
<context>
    <name>FlagPanel</name>
    <message>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>District</source>
        <translation>Kecamatan</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Penyebab</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Sejak</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durasi</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Dikonfirmasi</translation>
    </message>
    <message>
        <source>Export outages (CSV)…</source>
        <translation>Ekspor gangguan (CSV)…</translation>
    </message>
    <message>
        <source>{n} flagged feeds</source>
        <translation>{n} kamera bermasalah</translation>
    </message>
    <message>
        <source>Acknowledge / reported to the technical team…</source>
        <translation>Konfirmasi / sudah dilaporkan ke tim teknis…</translation>
    </message>
    <message>
        <source>Show on the wall</source>
        <translation>Tampilkan di dinding</translation>
    </message>
    <message>
        <source>Export failed: {error}</source>
        <translation>Ekspor gagal: {error}</translation>
    </message>
    <message>
        <source>Export outages</source>
        <translation>Ekspor gangguan</translation>
    </message>
    <message>
        <source>{n} outages exported to {path}</source>
        <translation>{n} gangguan diekspor ke {path}</translation>
    </message>
</context>
<context>
    <name>Navigator</name>
    <message>
        <source>Search cameras (id, name, group)…</source>
        <translation>Cari kamera (id, nama, grup)…</translation>
    </message>
</context>
<context>
    <name>QPlatformTheme</name>
    <message>
        <source>OK</source>
        <extracomment>``resources/i18n/videowall_&lt;lang&gt;.qm``; Qt&apos;s own catalogues are ``&lt;name&gt;_&lt;lang&gt;.qm``. Spellings of each language accepted from settings and locales (&quot;in&quot; is Java&apos;s old code for Indonesian). Qt&apos;s standard dialog buttons, translated in our own catalogue too: PySide6 ships no qtbase_id.qm, and QMessageBox / QInputDialog take these texts from &quot;QPlatformTheme&quot;.</extracomment>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Batal</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Tutup</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Simpan</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Buka</translation>
    </message>
    <message>
        <source>&amp;Yes</source>
        <translation>&amp;Ya</translation>
    </message>
    <message>
        <source>&amp;No</source>
        <translation>&amp;Tidak</translation>
    </message>
</context>
<context>
    <name>Reason</name>
    <message>
        <source>online</source>
        <extracomment>Every value of :data:`viewer.core.reasons.REASON_TEXT` (translation context &quot;Reason&quot;).</extracomment>
        <translation>aktif</translation>
    </message>
    <message>
        <source>connection refused</source>
        <translation>koneksi ditolak</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>tidak terjangkau</translation>
    </message>
    <message>
        <source>no answer (timeout)</source>
        <translation>tidak menjawab (waktu habis)</translation>
    </message>
    <message>
        <source>authentication failed</source>
        <translation>autentikasi gagal</translation>
    </message>
    <message>
        <source>stream not found</source>
        <translation>stream tidak ditemukan</translation>
    </message>
    <message>
        <source>no video track</source>
        <translation>tidak ada trek video</translation>
    </message>
    <message>
        <source>protocol error</source>
        <translation>kesalahan protokol</translation>
    </message>
    <message>
        <source>stream ended</source>
        <translation>stream terputus</translation>
    </message>
    <message>
        <source>stalled / frozen</source>
        <translation>macet / beku</translation>
    </message>
    <message>
        <source>playback error</source>
        <translation>gagal memutar</translation>
    </message>
    <message>
        <source>not supported by this libVLC</source>
        <translation>tidak didukung libVLC ini</translation>
    </message>
    <message>
        <source>picture frozen</source>
        <translation>gambar beku</translation>
    </message>
    <message>
        <source>blank picture</source>
        <translation>gambar kosong</translation>
    </message>
    <message>
        <source>degraded (low frame rate)</source>
        <translation>menurun (frame rate rendah)</translation>
    </message>
</context>
<context>
    <name>StatusBoard</name>
    <message>
        <source>ok</source>
        <extracomment>Background and text colour per health. Short reason words for the boxes (translated in the &quot;StatusBoard&quot; context).</extracomment>
        <translation>aktif</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>ditolak</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>tak terjangkau</translation>
    </message>
    <message>
        <source>timeout</source>
        <translation>waktu habis</translation>
    </message>
    <message>
        <source>auth</source>
        <translation>autentikasi</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>tidak ditemukan</translation>
    </message>
    <message>
        <source>no video</source>
        <translation>tanpa video</translation>
    </message>
    <message>
        <source>protocol</source>
        <translation>protokol</translation>
    </message>
    <message>
        <source>ended</source>
        <translation>putus</translation>
    </message>
    <message>
        <source>stalled</source>
        <translation>macet</translation>
    </message>
    <message>
        <source>error</source>
        <translation>kesalahan</translation>
    </message>
    <message>
        <source>unsupported</source>
        <translation>tak didukung</translation>
    </message>
    <message>
        <source>frozen</source>
        <translation>beku</translation>
    </message>
    <message>
        <source>blank</source>
        <translation>kosong</translation>
    </message>
    <message>
        <source>degraded</source>
        <translation>menurun</translation>
    </message>
    <message>
        <source>No districts</source>
        <translation>Tidak ada kecamatan</translation>
    </message>
    <message>
        <source>Status board</source>
        <translation>Papan status</translation>
    </message>
    <message>
        <source>– / {total} online</source>
        <translation>– / {total} aktif</translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation>belum diperiksa</translation>
    </message>
    <message>
        <source>no cameras</source>
        <translation>tidak ada kamera</translation>
    </message>
    <message>
        <source>{online} / {total} online</source>
        <translation>{online} / {total} aktif</translation>
    </message>
    <message>
        <source>{n} not checked yet</source>
        <translation>{n} belum diperiksa</translation>
    </message>
    <message>
        <source>all online</source>
        <translation>semua aktif</translation>
    </message>
    <message>
        <source>not checked yet: {n}</source>
        <translation>belum diperiksa: {n}</translation>
    </message>
</context>
<context>
    <name>Storm</name>
    <message>
        <source>unreachable</source>
        <extracomment>What a storming recorder does, as in :meth:`viewer.core.storm.StormDetector.summary` (context &quot;Storm&quot;).</extracomment>
        <translation>tidak terjangkau</translation>
    </message>
    <message>
        <source>refusing connections</source>
        <translation>menolak koneksi</translation>
    </message>
    <message>
        <source>not answering</source>
        <translation>tidak menjawab</translation>
    </message>
    <message>
        <source>{n} camera</source>
        <translation>{n} kamera</translation>
    </message>
    <message>
        <source>{n} cameras</source>
        <translation>{n} kamera</translation>
    </message>
    <message>
        <source>{places}: recorder {host} {problem}, {cameras}</source>
        <translation>{places}: perekam {host} {problem}, {cameras}</translation>
    </message>
    <message>
        <source>{places}: {n} recorders {problem}, {cameras}</source>
        <translation>{places}: {n} perekam {problem}, {cameras}</translation>
    </message>
</context>
<context>
    <name>Tile</name>
    <message>
        <source>Acknowledge / reported to the technical team…</source>
        <extracomment>Frame colour per tile state (the caption bar uses the same).</extracomment>
        <translation>Konfirmasi / sudah dilaporkan ke tim teknis…</translation>
    </message>
    <message>
        <source>Reconnect</source>
        <translation>Sambung ulang</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>Ambil gambar</translation>
    </message>
    <message>
        <source>Copy camera id</source>
        <translation>Salin id kamera</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>Rincian…</translation>
    </message>
    <message>
        <source>Maximise / restore</source>
        <translation>Perbesar / kembalikan</translation>
    </message>
    <message>
        <source>Clear tile</source>
        <translation>Kosongkan petak</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <source>videowall — {name}</source>
        <translation>videowall — {name}</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>Flagged feeds</source>
        <translation>Kamera bermasalah</translation>
    </message>
    <message>
        <source>Districts at a glance</source>
        <translation>Ringkasan kecamatan</translation>
    </message>
    <message>
        <source>Incoming bandwidth of the streams on screen</source>
        <translation>Bandwidth masuk dari stream yang tampil di layar</translation>
    </message>
    <message>
        <source>Wall</source>
        <translation>Video wall</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>Tata letak</translation>
    </message>
    <message>
        <source>◀ Page</source>
        <translation>◀ Halaman</translation>
    </message>
    <message>
        <source>Page ▶</source>
        <translation>Halaman ▶</translation>
    </message>
    <message>
        <source>Previous tour page</source>
        <translation>Halaman tur sebelumnya</translation>
    </message>
    <message>
        <source>Pause / resume the tour (Space)</source>
        <translation>Jeda / lanjutkan tur (Spasi)</translation>
    </message>
    <message>
        <source>Next tour page</source>
        <translation>Halaman tur berikutnya</translation>
    </message>
    <message>
        <source>Reconnect all</source>
        <translation>Sambung ulang semua</translation>
    </message>
    <message>
        <source>Fullscreen</source>
        <translation>Layar penuh</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Berkas</translation>
    </message>
    <message>
        <source>New wall window</source>
        <translation>Jendela video wall baru</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Keluar</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Tampilan</translation>
    </message>
    <message>
        <source>Export outages (CSV)…</source>
        <translation>Ekspor gangguan (CSV)…</translation>
    </message>
    <message>
        <source>Network evaluation…</source>
        <translation>Evaluasi jaringan…</translation>
    </message>
    <message>
        <source>&amp;Saved views</source>
        <translation>Tampilan te&amp;rsimpan</translation>
    </message>
    <message>
        <source>&amp;Districts</source>
        <translation>&amp;Kecamatan</translation>
    </message>
    <message>
        <source>&amp;Tours</source>
        <translation>T&amp;ur</translation>
    </message>
    <message>
        <source>All districts</source>
        <translation>Semua kecamatan</translation>
    </message>
    <message>
        <source>Pause / resume</source>
        <translation>Jeda / lanjutkan</translation>
    </message>
    <message>
        <source>Stop tour</source>
        <translation>Hentikan tur</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>B&amp;antuan</translation>
    </message>
    <message>
        <source>About videowall</source>
        <translation>Tentang videowall</translation>
    </message>
    <message>
        <source>This tile is not flagged: nothing to acknowledge</source>
        <translation>Petak ini tidak bermasalah: tidak ada yang perlu dikonfirmasi</translation>
    </message>
    <message>
        <source>{camera}: no open outage to acknowledge (it has recovered)</source>
        <translation>{camera}: tidak ada gangguan terbuka untuk dikonfirmasi (sudah pulih)</translation>
    </message>
    <message>
        <source>{camera}: reported to the technical team by {by}</source>
        <translation>{camera}: dilaporkan ke tim teknis oleh {by}</translation>
    </message>
    <message>
        <source>Snapshot saved: {path}</source>
        <translation>Gambar tersimpan: {path}</translation>
    </message>
    <message>
        <source>Snapshot failed</source>
        <translation>Gagal mengambil gambar</translation>
    </message>
    <message>
        <source>Camera: {id} — {name}</source>
        <translation>Kamera: {id} — {name}</translation>
    </message>
    <message>
        <source>District: {district}</source>
        <translation>Kecamatan: {district}</translation>
    </message>
    <message>
        <source>Group: {group}</source>
        <translation>Grup: {group}</translation>
    </message>
    <message>
        <source>Stream: {url}</source>
        <translation>Stream: {url}</translation>
    </message>
    <message>
        <source>State: {state}</source>
        <translation>Status: {state}</translation>
    </message>
    <message>
        <source>Flag: {reason} {detail}</source>
        <translation>Masalah: {reason} {detail}</translation>
    </message>
    <message>
        <source>Camera details</source>
        <translation>Rincian kamera</translation>
    </message>
    <message>
        <source>Save current view…</source>
        <translation>Simpan tampilan ini…</translation>
    </message>
    <message>
        <source>Kiosk mode: {what} is not available (press {keys} to close the wall)</source>
        <translation>Mode kios: {what} tidak tersedia (tekan {keys} untuk menutup video wall)</translation>
    </message>
    <message>
        <source>Save view</source>
        <translation>Simpan tampilan</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nama:</translation>
    </message>
    <message>
        <source>{online}/{total} online</source>
        <translation>{online}/{total} aktif</translation>
    </message>
    <message>
        <source>Tour {name}: {step}/{steps} {target}</source>
        <translation>Tur {name}: {step}/{steps} {target}</translation>
    </message>
    <message>
        <source> · page {n}/{total}</source>
        <translation> · halaman {n}/{total}</translation>
    </message>
    <message>
        <source> · paused, resumes in {s} s</source>
        <translation> · dijeda, lanjut dalam {s} dtk</translation>
    </message>
    <message>
        <source> · PAUSED (Space resumes)</source>
        <translation> · DIJEDA (Spasi untuk melanjutkan)</translation>
    </message>
    <message>
        <source> · dwell too short: {camera} needs {s} s to show</source>
        <translation> · jeda terlalu singkat: {camera} perlu {s} dtk untuk tampil</translation>
    </message>
    <message>
        <source>{district} · page {n}/{total}</source>
        <translation>{district} · halaman {n}/{total}</translation>
    </message>
    <message>
        <source>custom view</source>
        <translation>tampilan khusus</translation>
    </message>
    <message>
        <source>{n} cameras · {playing} playing · {flagged} flagged</source>
        <translation>{n} kamera · {playing} tayang · {flagged} bermasalah</translation>
    </message>
    <message>
        <source> · {n} degraded</source>
        <translation> · {n} menurun</translation>
    </message>
    <message>
        <source> (+{n} more outages)</source>
        <translation> (+{n} gangguan lain)</translation>
    </message>
    <message>
        <source>Kiosk mode: press {keys} to close the wall</source>
        <translation>Mode kios: tekan {keys} untuk menutup video wall</translation>
    </message>
</context>
</TS>
