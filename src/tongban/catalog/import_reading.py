"""Reading the catalogue file (读取导入文件): its lines, its size, and the records kept between the passes.

The check pass reads the stream line by line (binary or text, a UTF-8 byte-order mark dropped,
the length guard of `import_guards` applied), skips blank and `//` comment lines, and for a line
that fails validation guesses its type and code for the list of skipped lines. The items it
validated go, as canonical records, into a temporary file (`Records`) that the write pass reads
back without parsing the file a second time.
"""

from __future__ import annotations

import json
import pickle
import struct
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from tongban.catalog import import_guards

BOM = b"\xef\xbb\xbf"
_SIZE = struct.Struct("<I")


def lines(stream: IO[Any]) -> Iterator[tuple[int, bytes, int, int]]:
    """(line number, raw bytes, bytes read so far, size) of a binary or text stream; see read_lines."""
    for number, raw, done, size in import_guards.read_lines(stream):
        if number == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
            size -= len(BOM)
        yield number, raw, done, size


def size(stream: IO[Any]) -> int | None:
    """Bytes left in a seekable stream (for the progress bar); None when it cannot tell."""
    try:
        if not stream.seekable():
            return None
        here = stream.tell()
        end = stream.seek(0, 2)
        stream.seek(here)
        return end - here
    except (AttributeError, OSError, ValueError):
        return None


class Records:
    """The valid items of the check pass, as canonical records, in a temporary file: the write
    pass reads them back without parsing and validating the file a second time."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.count = 0

    def add(self, line: int, record: dict[str, Any]) -> None:
        data = pickle.dumps((line, record), protocol=pickle.HIGHEST_PROTOCOL)
        self.file.write(_SIZE.pack(len(data)))
        self.file.write(data)
        self.count += 1

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        self.file.seek(0)
        read = self.file.read
        for _ in range(self.count):
            (size,) = _SIZE.unpack(read(_SIZE.size))
            yield pickle.loads(read(size))  # noqa: S301 - our own file, written just before

    def close(self) -> None:
        self.file.close()


def is_content(raw: bytes) -> bool:
    stripped = raw.strip()
    return bool(stripped) and not stripped.startswith(b"//")


def guess(raw: bytes) -> tuple[str, str]:
    """Type and code of a line that failed validation, for the list of skipped lines."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("type") or ""), str(data.get("code") or "")
