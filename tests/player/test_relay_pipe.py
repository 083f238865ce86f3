"""The relay's pipe to libVLC (POSIX) on its own: a reader that does not read never blocks the
writer (what does not fit waits as ``pending`` and goes first next time, in order); the end
reaches the reader after what was written; descriptors are closed exactly once, by whoever
owns them; a RelayOutput falls back to its buffer where the pipe is not used (Windows)."""

from __future__ import annotations

import os
import threading

import pytest

from viewer.core.reasons import Reason
from viewer.player.relay_pipe import PIPE_HANDOFF, PipeWriter

pytestmark = pytest.mark.skipif(not PIPE_HANDOFF, reason="the pipe hand-off is POSIX only")


def drain(pipe: PipeWriter) -> bytes:
    data = bytearray()
    while chunk := pipe.read(1 << 20, timeout_s=0.5):
        data += chunk
    return bytes(data)


def test_a_reader_that_does_not_read_never_blocks_the_writer_and_nothing_is_reordered():
    pipe = PipeWriter()
    chunks = [bytes([i]) * 300_000 for i in range(8)]  # 2.4 MB: more than the pipe holds
    done = threading.Event()

    def write_all() -> None:
        for chunk in chunks:
            pipe.write(chunk)
        done.set()

    threading.Thread(target=write_all, daemon=True).start()
    assert done.wait(5.0), "a write blocked on a full pipe"
    assert pipe.pending_bytes > 0
    received = bytearray()
    while len(received) < len(b"".join(chunks)):
        received += pipe.read(1 << 20, timeout_s=1.0)
        pipe.write(b"")  # the next write moves what is pending along
    assert bytes(received) == b"".join(chunks)
    pipe.close()


def test_the_end_reaches_the_reader_after_the_bytes_and_a_dropped_backlog_is_gone():
    pipe = PipeWriter()
    pipe.write(b"kept")
    pipe.close(read_end=False)  # the session ended: the reader drains, then sees the end
    pipe.write(b"after the end")  # ignored, no error
    assert drain(pipe) == b"kept"
    pipe.close()
    assert pipe.read(10, timeout_s=0.1) == b""  # both ends closed: no error either

    behind = PipeWriter()
    behind.write(b"x" * 3_000_000)
    assert behind.pending_bytes > 0
    behind.drop_pending()
    assert behind.pending_bytes == 0
    behind.close()


def test_a_taken_read_end_belongs_to_the_taker():
    pipe = PipeWriter()
    fd = pipe.take_read_fd()
    assert fd >= 0 and pipe.take_read_fd() == -1
    pipe.write(b"abc")
    pipe.close()  # closes the write end only: the taker still owns (and drains) the read end
    assert os.read(fd, 10) == b"abc" and os.read(fd, 10) == b""
    os.close(fd)


def test_without_the_pipe_the_output_buffers_for_a_python_reader(monkeypatch):
    from viewer.player import relay_output

    monkeypatch.setattr(relay_output, "PIPE_HANDOFF", False)  # as on Windows
    output = relay_output.RelayOutput(None)
    assert output.pipe is None
    output._append(b"ts bytes")
    assert output.read(100, timeout_s=1.0) == b"ts bytes"
    output.finish(Reason.ENDED, "the camera ended the stream")
    assert output.read(100, timeout_s=1.0) == b""
