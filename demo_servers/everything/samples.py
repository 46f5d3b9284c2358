"""Tiny media files built in code, so the server ships no binary blobs.

`pixel_png` is a valid 1x1 PNG and `silence_wav` a valid 16-bit mono WAV; both are small
enough to inline as base64 in tool results, prompts and resources.
"""

from __future__ import annotations

import base64
import io
import struct
import wave
import zlib

__all__ = ["PNG_BASE64", "WAV_BASE64", "pixel_png", "silence_wav"]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def pixel_png(rgb: tuple[int, int, int] = (255, 0, 0)) -> bytes:
    """A 1x1 RGB PNG of one colour (red by default)."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # width, height, depth 8, truecolour
    scanline = b"\x00" + bytes(rgb)  # filter byte "none", then one pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(scanline))
        + _png_chunk(b"IEND", b"")
    )


def silence_wav(frames: int = 8, rate: int = 8000) -> bytes:
    """A mono 16-bit WAV holding `frames` samples of silence."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * frames)
    return buffer.getvalue()


PNG_BASE64 = base64.b64encode(pixel_png()).decode("ascii")
WAV_BASE64 = base64.b64encode(silence_wav()).decode("ascii")
