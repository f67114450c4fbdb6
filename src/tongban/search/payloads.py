"""Ranking payloads: what the second-pass ranking and the result list read of each candidate.

The payloads live beside the tantivy index in one append-only file per generation (`payloads.bin`), not in
tantivy's document store; each is compressed alone with a zstd dictionary learnt from the catalogue when the
generation is built (`payloads.dict`). Each tantivy document carries only a fast field `at` (offset and length of its
payload, packed in one u64). A search reads its ~60 candidates with `os.pread`: the file's pages stay in
the kernel's page cache, shared by every worker of the server, instead of being mapped into each worker
(tantivy maps its files, so a worker that has answered a few hundred distinct queries holds its whole
document store — more than half the index — in its resident memory).

Only the process that holds the tantivy writer appends, and it syncs the file before committing, so a
committed document never points past what is on disk. Payloads of deleted or replaced documents stay in
the file until the next rebuild (`tongban reindex`) writes a fresh generation.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

import zstandard as zstd

from tongban.search.documents import SearchDocument
from tongban.search.ranking import is_enforcement, name_actions
from tongban.search.text import compact, compact_uncached

logger = logging.getLogger(__name__)

PAYLOAD_FILE, DICTIONARY_FILE = "payloads.bin", "payloads.dict"
FORMAT = 5  # generations of an older format are rebuilt (their payloads were in tantivy's store)
SUMMARY_SHOWN, SUMMARY_RANKED = 160, 300
DICTIONARY_BYTES, MIN_SAMPLES, SAMPLES = 64 * 1024, 200, 8000  # the dictionary is learnt from the first SAMPLES
COMPRESSION_LEVEL = 9
_SEP, _LIST_SEP = "\x1f", "\x1e"
_LENGTH_BITS = 24  # a payload is at most 16 MiB; offsets get the other 40 bits (1 TiB)
_LENGTH_MASK = (1 << _LENGTH_BITS) - 1


def _clean(text: str) -> str:
    return text.replace(_SEP, " ").replace(_LIST_SEP, " ")


def encode_payload(
    doc: SearchDocument, *, name: str, aliases: list[str], context: str, materials: str, summary: str | None = None
) -> bytes:
    """A document's payload: display fields and the normalised texts ranking reads, separator-joined.

    Fields: key, name, shown summary, department name, region, depth, popularity, compact name (empty when
    it equals the name), compact aliases, context, compact summary, compact material names with the
    department, "1" for enforcement on the public (处罚 / 强制 / 检查) else "", the secondary action
    families in the name (see ranking.name_actions). Everything ranking compares is stored already
    normalised, so reading costs one split. UTF-16: the text is nearly all CJK (two bytes a character
    instead of three in UTF-8), and the smaller file takes less of the page cache. `summary` is the compact
    summary when the caller has it already.
    """
    if summary is None:
        summary = compact_uncached(doc.summary)[:SUMMARY_RANKED]
    with_department = " ".join(t for t in (materials, compact(doc.department_name)) if t)
    fields = [
        doc.key,
        _clean(doc.name),
        _clean(doc.summary[:SUMMARY_SHOWN]),
        _clean(doc.department_name),
        _clean(doc.region),
        str(int(doc.online_depth)),
        str(int(doc.popularity)),
        "" if name == doc.name else name,
        _LIST_SEP.join(aliases),
        context,
        summary[:SUMMARY_RANKED],
        with_department,
        "1" if is_enforcement(name, doc.item_kind) else "",
        "".join(sorted(name_actions(name))),
    ]
    return _SEP.join(fields).encode("utf-16-le")


def decode_payload(raw: bytes) -> dict[str, Any]:
    """The payload as the dict ranking reads (one-letter keys, see ranking.score_payload)."""
    parts = raw.decode("utf-16-le").split(_SEP)
    if len(parts) != 14:
        return {"k": parts[0] if parts else "", "N": "", "n": "", "a": []}
    key, name, shown, department, region, depth, pop, cname, aliases, context, ranked, materials, enf, acts = parts
    return {
        "k": key,
        "N": name,
        "S": shown,
        "d": department,
        "r": region,
        "o": int(depth),
        "p": int(pop),
        "n": cname or name,
        "a": aliases.split(_LIST_SEP) if aliases else [],
        "c": context,
        "s": ranked,
        "m": materials,
        "e": enf == "1",
        "x": acts,
    }


def pack(offset: int, length: int) -> int:
    """Offset and length of a payload as the u64 of the `at` fast field."""
    if length > _LENGTH_MASK:
        raise ValueError(f"payload of {length} bytes is too large")
    return (offset << _LENGTH_BITS) | length


def unpack(at: int) -> tuple[int, int]:
    return at >> _LENGTH_BITS, at & _LENGTH_MASK


def train_dictionary(samples: list[bytes]) -> bytes:
    """A zstd dictionary from sample payloads (b"" when there are too few to learn from).

    Payloads are short (a few hundred bytes) and alike — the same departments, materials and phrases —
    so each one compressed alone with a shared dictionary is about a quarter of its size, and reading one
    costs under a microsecond.
    """
    if len(samples) < MIN_SAMPLES:
        return b""
    try:
        return zstd.train_dictionary(DICTIONARY_BYTES, samples).as_bytes()
    except zstd.ZstdError:  # too little text to learn a dictionary of that size
        return b""


class PayloadWriter:
    """Appends compressed payloads to a generation's file; `sync()` before the tantivy commit that refers to them.

    A fresh file gets the generation's dictionary (`dictionary`, possibly empty); appending reads it back.
    """

    def __init__(self, folder: Path, *, dictionary: bytes | None = None) -> None:
        fresh = dictionary is not None
        if fresh:
            (folder / DICTIONARY_FILE).write_bytes(dictionary or b"")
        else:
            dictionary = (folder / DICTIONARY_FILE).read_bytes()
        self._compressor = zstd.ZstdCompressor(
            level=COMPRESSION_LEVEL,
            dict_data=zstd.ZstdCompressionDict(dictionary) if dictionary else None,
            write_checksum=False,
            write_dict_id=False,
        )
        self._folder = folder
        self._file = open(folder / PAYLOAD_FILE, "wb" if fresh else "ab", buffering=1 << 20)  # noqa: SIM115
        self._offset = self._file.seek(0, os.SEEK_END)

    def append(self, payload: bytes) -> int:
        """Writes one payload; returns its `at` value."""
        data = self._compressor.compress(payload)
        at = pack(self._offset, len(data))
        self._file.write(data)
        self._offset += len(data)
        return at

    def sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        fd = os.open(self._folder / DICTIONARY_FILE, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def close(self) -> None:
        self._file.close()


class PayloadReader:
    """Reads payloads by their `at` value with pread (no mapping, no shared file position).

    Thread-safe: each thread gets its own decompressor (a zstd decompressor serves one thread at a time).
    """

    def __init__(self, folder: Path) -> None:
        dictionary = (folder / DICTIONARY_FILE).read_bytes()
        self._dictionary = zstd.ZstdCompressionDict(dictionary) if dictionary else None
        self._local = threading.local()
        self._folder = folder
        self._damage_reported = False
        self._fd = os.open(folder / PAYLOAD_FILE, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))

    def _decompressor(self) -> zstd.ZstdDecompressor:
        decompressor = getattr(self._local, "decompressor", None)
        if decompressor is None:
            decompressor = self._local.decompressor = zstd.ZstdDecompressor(dict_data=self._dictionary)
        return decompressor

    def read(self, at: int) -> dict[str, Any] | None:
        """The payload at `at`; None (and an error logged) when the file is damaged there."""
        offset, length = unpack(at)
        data = os.pread(self._fd, length, offset)
        try:
            if len(data) != length:
                raise ValueError(f"{len(data)} of {length} bytes at offset {offset}")
            return decode_payload(self._decompressor().decompress(data))
        except (zstd.ZstdError, ValueError, UnicodeDecodeError) as exc:
            if not self._damage_reported:  # once per process and generation, not once per candidate
                self._damage_reported = True
                logger.error("search payload unreadable in %s (%s); run `tongban reindex`", self._folder.name, exc)
            return None

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        self.close()
