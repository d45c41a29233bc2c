"""The characters that make a line worth a closer look for mojibake (NL101) — shared with the
invisible-character check (NL103), whose one scan of a text finds both kinds at once.

Data tables only, built once: the single-byte code pages UTF-8 gets misread as, the characters of
their continuation bytes, the characters a UTF-8 run read as GBK starts with. Both detectors import
this module; neither imports the other for it (no import cycle).
"""

from __future__ import annotations

import contextlib
import functools
import re

_GBK_PUA = "\ue000-\ue765"  # GBK's user-defined areas as GB18030 decodes them

# Python codec names of ftfy's CHARMAP_ENCODINGS, in ftfy's order; "sloppy": a byte the code page leaves
# undefined reads as the C1 control of the same number (what browsers and ftfy do).
_CODE_PAGES = ("latin-1", "cp1252", "cp1251", "cp1250", "cp1253", "cp1254", "cp1257", "iso8859-2",
               "mac-roman", "cp437")
# Everyday punctuation that continuation bytes also read as (cp1252 0x80-0x97): too common in clean text
# to make a line worth a look. Mojibake with only these also holds a lead byte's letter, which counts.
_PLAIN_PUNCTUATION = "–—‘’“”…•€"


@functools.cache
def _page(codec: str) -> str:
    """Bytes 0x80-0xFF as ``codec`` reads them, sloppily (undefined bytes stay C1 controls)."""
    out = []
    for byte in range(0x80, 0x100):
        try:
            out.append(bytes((byte,)).decode(codec))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


@functools.cache
def _continuation_chars() -> str:
    """Characters of continuation bytes (0x80-0xBF) outside Latin-1 and everyday punctuation: one of
    them, or a Latin-1 character, is in every UTF-8 sequence a code page misreads (Windows-874 has its
    own lead ``เ``)."""
    chars = {c for codec in _CODE_PAGES for c in _page(codec)[:0x40]} - set(_PLAIN_PUNCTUATION)
    return "".join(sorted(c for c in chars if c > "\xff"))


@functools.cache
def _markers() -> str:
    """Characters a UTF-8 run read as GBK starts with: GBK lead E0–F4, trail 80–BF."""
    chars = []
    for lead in range(0xE0, 0xF5):
        for trail in range(0x80, 0xC0):
            with contextlib.suppress(UnicodeDecodeError):
                chars.append(bytes((lead, trail)).decode("gbk"))
    return "".join(sorted(set(chars)))


@functools.cache
def trigger_class() -> str:
    """The characters of every line worth a closer look (the inside of a regex class)."""
    return f"\x80-\xff{re.escape(_continuation_chars())}{_GBK_PUA}{re.escape(_markers())}锟烫屯เ"
