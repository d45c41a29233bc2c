"""The ``non-utf8`` kind: a file that is not UTF-8.

The decoding itself happens once, when the file is read (:mod:`newslint.decoding`: strict UTF-8, then
every plausible codec judged by what its reading says), so this check only reports what was found. The
fix writes the file back as UTF-8 (a ``Hit`` with no edits and ``encoding="utf-8"``); the text does not
change, only its bytes. It is offered only when the decoding is certain and lossless
(``doc.lossless``): one codec, and only one, reads the bytes as plausible text, on enough text.

Otherwise there is no fix, and the message says why:

- damaged UTF-8, or bytes no codec decodes: they became U+FFFD on reading, and writing the text back in
  any encoding would lose them for good;
- an uncertain codec (two codecs give plausible but different texts — GB18030 or Big5, cp1252 or cp1250
  — or none does, or there is too little text to tell): the finding names the candidates. Converting
  with the wrong one would rewrite the whole file as garbage (``丹属法罗群岛`` as ``気奉隈袋蛤戯``).

JSONL records are never reported here: the encoding belongs to the file, and a per-record finding
would repeat it for every record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from newslint.decoding import Decoded, assess
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
        verdict = None if is_utf8 or lost else _reassess(doc)
        if verdict is not None and not verdict.certain:
            others = [c for c in verdict.candidates if c != doc.encoding]
            names = " or ".join([doc.encoding, *others]) if others else doc.encoding
            message = (
                f"File is not UTF-8 and its codec is uncertain ({names}?): {verdict.reason}. Converting with "
                "the wrong codec would garble the whole file, so there is no automatic fix (and no other fix "
                "rewrites it): check which codec reads right and convert by hand, e.g. "
                f"`iconv -f {doc.encoding} -t UTF-8`"
            )
        else:
            what = "damaged UTF-8" if is_utf8 else f"{doc.encoding} (confidence {args['confidence']})"
            message = (
                f"File is {what} and {lost} undecodable byte sequence{'s' if lost != 1 else ''} became U+FFFD: "
                "transcoding to UTF-8 would lose those bytes, so there is no automatic fix"
            )
        yield Hit(0, end, args, applicability=Applicability.NONE, message=message)


def _reassess(doc: Document) -> Decoded | None:
    """The decoding verdict for a document read without replacement (its bytes are its text, encoded)."""
    try:
        data = doc.text.encode(doc.encoding)
    except (UnicodeError, LookupError):
        return None
    return assess(data, doc.encoding, doc.encoding_confidence)
