"""Bytes to text: UTF-8 first, chardet only for the rest.

UTF-8 is tried strictly because nearly every modern scrape is UTF-8 and the check is exact and fast;
chardet (imported lazily, it costs start-up time) is asked only when that fails. Its answer is mapped
to the superset codec (GB2312/GBK → GB18030, Big5 → Big5-HKSCS, Latin-1 → cp1252), which decodes
every byte its subset does. A file that still does not decode cleanly is decoded with replacement
characters and marked lossy, so no fix ever writes it back and loses the undecodable bytes.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple


class BinaryInputError(ValueError):
    """The bytes are not text in any encoding we handle."""


class Decoded(NamedTuple):
    text: str
    encoding: str
    confidence: float
    bom: bool
    lossless: bool


_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "cp950": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "utf-8",
    "euc-cn": "gb18030",
}

_SNIFF = 8192


def _looks_binary(data: bytes) -> bool:
    head = data[:_SNIFF]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    # Many C0 controls other than tab/newline/formfeed/escape: an image, archive or compiled file.
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return len(head) > 0 and controls / len(head) > 0.1


def decode_bytes(data: bytes) -> Decoded:
    """Decode file bytes; raise :class:`BinaryInputError` for non-text input."""
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[3:] if bom else data
    try:
        return Decoded(body.decode("utf-8"), "utf-8", 1.0, bom, True)
    except UnicodeDecodeError:
        pass
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16", 1.0, False, True)
        except UnicodeDecodeError as exc:
            raise BinaryInputError(f"UTF-16 byte-order mark but undecodable bytes ({exc.reason})") from exc
    if _looks_binary(data):
        raise BinaryInputError("binary file (NUL or control bytes), not text")
    import chardet

    guess = chardet.detect(data)
    name = (guess.get("encoding") or "").lower()
    confidence = float(guess.get("confidence") or 0.0)
    if not name:
        raise BinaryInputError("no text encoding fits these bytes")
    encoding = _SUPERSETS.get(name, name)
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "cp1252"
    if encoding == "utf-8":
        # chardet says UTF-8 but strict decoding failed: damaged UTF-8.
        return Decoded(data.decode("utf-8", errors="replace"), "utf-8", confidence, bom, False)
    try:
        return Decoded(data.decode(encoding), encoding, confidence, False, True)
    except UnicodeDecodeError:
        return Decoded(data.decode(encoding, errors="replace"), encoding, confidence, False, False)


def encode_text(text: str, encoding: str, bom: bool) -> bytes:
    """Encode for writing back: keep the file's encoding and BOM unless a fix changed them."""
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom and encoding == "utf-8" else data
