"""zstd data read frame after frame, with an ``EOFError`` where the data ends inside a frame.

python-zstandard's ``stream_reader`` takes a frame cut short for a clean end of data and returns what it
could decode (for a page under 128 KiB, one block: nothing at all), and without ``read_across_frames`` it
stops after the first frame. So a ``.jsonl.zst`` cut short by a failed download lost its last records
without a word, a multi-frame file (``pzstd``, concatenated files) lost every frame after the first, and a
zstd page cut short cleaned to "". Python's gzip raises ``EOFError`` for a stream cut short; this reader does
the same, so every caller's handling of a truncated gzip (the batch reader's failure record, the dataset
loader's error, the library's warning) covers zstd too.

Input is fed :data:`FEED` bytes at a time, which bounds the output of one step: at zstd's highest ratio (an
RLE block, 4 bytes for 128 KiB) 2 KiB decode to at most 64 MiB, so a decompression bomb is cut by the
caller's limit instead of filling the memory in one call.

Zero bytes between or after frames are padding, skipped as Python's :mod:`gzip` skips them after a member
(tape and block devices, some archivers and WARC writers pad a file to a block size); read as a frame they
made a whole file "corrupt zstd data" after its last page.
"""
from __future__ import annotations

import io
from typing import BinaryIO

FEED = 2048


class ZstdFrames(io.RawIOBase):
    """A readable binary stream of every zstd frame in ``raw``, in order.

    Needs the ``zstandard`` package (``ImportError`` from the constructor otherwise). As with
    :mod:`gzip`, corrupt data raises ``OSError`` and data that ends inside a frame raises ``EOFError``, each
    once everything before the fault has been read.
    """

    def __init__(self, raw: BinaryIO):
        super().__init__()
        import zstandard

        self._decompressor = zstandard.ZstdDecompressor()
        self._corrupt = zstandard.ZstdError
        self._frame = self._decompressor.decompressobj()
        self._raw = raw
        self._left = b""  # input after the end of the last finished frame, not fed yet
        self._in_frame = False  # has the current frame been fed anything?
        self._out = memoryview(b"")
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._out and not self._done:
            self._out = memoryview(self._step())
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def _step(self) -> bytes:
        """Feed the next piece of input; what it decodes (often nothing while a block is incomplete)."""
        chunk = self._left or self._raw.read(FEED)
        self._left = b""
        if not chunk:
            self._done = True
            if self._in_frame:
                raise EOFError("zstd data cut short")
            return b""
        if not self._in_frame:
            chunk = chunk.lstrip(b"\0")  # padding between or after frames
            if not chunk:
                return b""
        chunk, self._left = chunk[:FEED], chunk[FEED:]
        try:
            out = self._frame.decompress(chunk)
        except self._corrupt as exc:
            self._done = True
            raise OSError(f"corrupt zstd data ({exc})") from None
        self._in_frame = True
        if self._frame.eof:  # the next frame starts in what this one did not use
            self._left = self._frame.unused_data + self._left
            self._frame = self._decompressor.decompressobj()
            self._in_frame = False
        return out


def unzstd(data: bytes, limit: int) -> tuple[bytes, bool]:
    """Every frame of ``data`` decoded, at most ``limit`` bytes of it, and whether ``data`` is cut short.

    A cut shows only when the output stays under ``limit`` (the rest is not read). Corrupt data raises
    ``OSError``.
    """
    reader = ZstdFrames(io.BytesIO(data))
    parts: list[bytes] = []
    total = 0
    try:
        while total < limit:
            part = reader.read(min(1 << 20, limit - total))
            if not part:
                break
            parts.append(part)
            total += len(part)
    except EOFError:
        return b"".join(parts), True
    return b"".join(parts), False
