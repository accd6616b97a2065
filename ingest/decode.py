"""Bytes to text, strictly: a file either decodes cleanly or is rejected, never decoded lossily."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from dossier.core.errors import RejectedInput

# Checked longest first: the UTF-32-LE BOM begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of suspicious characters (C0/C1 controls other than line/tab breaks, U+FFFD, private use)
# above which a "successful" decode is really binary data read through some single-byte code page.
_MAX_JUNK_RATIO = 0.02
_JUNK_CHAR = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff]")


def decode_bytes(data: bytes, path: Path | str) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise RejectedInput when the bytes are not clean text.

    Order: a BOM decides (UTF-8, UTF-16, UTF-32); else strict UTF-8; else charset_normalizer's best
    guess. NUL bytes without a BOM are UTF-16 when they sit at every other byte (text mostly in
    one script, as a Windows export without its BOM), binary data otherwise.
    """
    encoding = decode_head(data, path)
    if encoding is not None:
        text = _strict_decode(data, encoding, path)
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = guess_encoding(data, path)
            text = _strict_decode(data, encoding, path)
    reject_junk(text, path)
    return text.lstrip("\ufeff"), encoding


def decode_head(head: bytes, path: Path | str) -> str | None:
    """The encoding the first bytes of a file settle (a BOM's, or UTF-16 without one), None when they
    leave it open; RejectedInput when NUL bytes show binary data."""
    encoding = _encoding_from_bom(head) or _utf16_without_bom(head)
    if encoding is None and b"\x00" in head:
        raise RejectedInput(path, "looks like binary data, not text")
    return encoding


def guess_encoding(sample: bytes, path: Path | str) -> str:
    """charset_normalizer's best guess for bytes that are not UTF-8."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or best.encoding is None:
        raise RejectedInput(path, "cannot be decoded as text")
    return best.encoding


def reject_junk(text: str, path: Path | str) -> None:
    if _looks_like_junk(text):
        raise RejectedInput(path, "looks like binary data, not text")


def _encoding_from_bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 whose text is mostly in one 256-character block: one byte of each pair is almost always
    NUL (the high byte), the other almost never."""
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data:
        return None
    pairs = len(data) // 2
    even, odd = data[0::2].count(0) / pairs, data[1::2].count(0) / pairs
    if odd > 0.5 and even < 0.01:
        return "utf-16-le"
    if even > 0.5 and odd < 0.01:
        return "utf-16-be"
    return None


def _strict_decode(data: bytes, encoding: str, path: Path | str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise RejectedInput(path, "cannot be decoded as text") from None
    except UnicodeDecodeError as exc:
        raise RejectedInput(path, f"cannot be decoded as text (invalid {encoding} at byte {exc.start})") from None


def _looks_like_junk(text: str) -> bool:
    if not text:
        return False
    return len(_JUNK_CHAR.findall(text)) / len(text) > _MAX_JUNK_RATIO
