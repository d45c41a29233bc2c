"""The ``non-utf8`` kind: a file that is not UTF-8.

The decoding itself happens once, when the file is read (:mod:`newslint.decoding`: strict UTF-8,
then chardet mapped to a superset codec), so this check only reports what was found: the codec
and chardet's confidence. The fix writes the file back as UTF-8 (a ``Hit`` with no edits and
``encoding="utf-8"``); the text does not change, only its bytes.

A file whose bytes did not all decode (``doc.lossless`` is false, including damaged UTF-8) is
reported without a fix: the undecodable bytes were replaced by U+FFFD on reading, and writing the
text back in any encoding would lose them for good. JSONL records are never reported here: the
encoding belongs to the file, and a per-record finding would repeat it for every record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from newslint.document import Document
from newslint.model import Applicability, Hit
from newslint.registry import Detector, Param

_UTF8 = {"utf-8", "utf8", "utf_8"}


class NonUtf8Detector(Detector):
    kind: ClassVar[str] = "non-utf8"
    params: ClassVar[dict[str, Param]] = {}

    def detect(self, doc: Document) -> Iterator[Hit]:
        if doc.record is not None:
            return
        is_utf8 = doc.encoding.lower() in _UTF8
        if is_utf8 and doc.lossless:
            return
        first_line = doc.text.find("\n")
        end = len(doc.text) if first_line == -1 else first_line
        end = len(doc.text[:end].rstrip("\r")) or min(1, len(doc.text))
        args: dict[str, object] = {
            "encoding": doc.encoding,
            "confidence": f"{doc.encoding_confidence:.0%}",
        }
        if doc.lossless:
            yield Hit(0, end, args, edits=(), encoding="utf-8")
            return
        lost = doc.text.count("\ufffd")
        what = "damaged UTF-8" if is_utf8 else f"{doc.encoding} (confidence {args['confidence']})"
        message = (
            f"File is {what} and {lost} undecodable byte sequence{'s' if lost != 1 else ''} became U+FFFD: "
            "transcoding to UTF-8 would lose those bytes, so there is no automatic fix"
        )
        yield Hit(0, end, args, applicability=Applicability.NONE, message=message)
