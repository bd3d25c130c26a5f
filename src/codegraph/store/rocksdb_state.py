"""Where a RocksDB store's data stands, read from its files without opening it: the database's
identity, its last sequence number and the write-ahead logs that still hold writes.

RocksDB numbers every write with sequence numbers and records the last one in its MANIFEST (the
log of its file changes, ``CURRENT`` names it) each time it changes its files. A compaction, a
flush or a reopen rewrites files and the MANIFEST but numbers nothing, so the number stays put
until the data changes. One write does not number itself: a bulk load's files land in the store
(RocksDB "ingests" them) with no number when their keys fall beside every key already there
(into an empty store, say); ``OxigraphStore`` numbers a write of its own before each bulk load.
A program that bypasses codegraph's locks and bulk-loads only such keys goes unseen (codegraph
refuses to open a store such a program holds; ``hold_store`` marks a writable server's store).

A writer that died before flushing leaves its writes in a log (``NNNNNN.log``): RocksDB replays
the logs from the MANIFEST's oldest one still needed, so the records those hold count too. Not
their size: RocksDB reuses an old log under a new number, and writes over its old records (which
name the old number, so are not replayed) without growing it until it passes their end.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

BLOCK = 32768
"""RocksDB writes its MANIFEST in blocks of this many bytes, each record in one or more pieces."""

_FULL, _FIRST, _MIDDLE, _LAST = 1, 2, 3, 4
_REUSED = 4  # a reused log's pieces are of these types plus this, and name their log after the type
_HEADER = struct.Struct("<IHB")  # checksum, length, piece type
_REUSED_HEADER = struct.Struct("<IHBI")  # checksum, length, piece type, log number

# The MANIFEST's tags (RocksDB's db/version_edit.h); a tag with bit 13 set is followed by its
# length and may be skipped, any other tag this does not know stops the reading.
_COMPARATOR, _LOG_NUMBER, _NEXT_FILE, _LAST_SEQUENCE, _COMPACT_CURSOR, _DELETED_FILE = 1, 2, 3, 4, 5, 6
_NEW_FILE, _PREV_LOG_NUMBER, _MIN_LOG_TO_KEEP = 7, 9, 10
_NEW_FILE2, _NEW_FILE3, _NEW_FILE4 = 100, 102, 103
_COLUMN_FAMILY, _ADD_COLUMN_FAMILY, _DROP_COLUMN_FAMILY, _MAX_COLUMN_FAMILY = 200, 201, 202, 203
_IN_ATOMIC_GROUP = 300
_SAFE_TO_SKIP = 1 << 13
_NUMBERS = {_LOG_NUMBER, _NEXT_FILE, _LAST_SEQUENCE, _PREV_LOG_NUMBER, _MIN_LOG_TO_KEEP, _COLUMN_FAMILY,
            _MAX_COLUMN_FAMILY, _IN_ATOMIC_GROUP}


class UnknownStoreFiles(ValueError):
    """The store's files are not what this reads (another RocksDB format, or a MANIFEST cut short mid-record)."""


def data_state(folder: Path) -> str:
    """The identity and last sequence number of the RocksDB store in ``folder`` and its logs
    that still hold writes (name and size): the same until its data changes. Raises
    ``UnknownStoreFiles`` or ``OSError`` where the files cannot be read so."""
    manifest = (folder / "CURRENT").read_text(encoding="ascii").strip()
    if not re.fullmatch(r"MANIFEST-\d+", manifest):
        raise UnknownStoreFiles(f"CURRENT names {manifest!r}")
    state = _State()
    for record in _records((folder / manifest).read_bytes()):
        state.apply(record)
    if state.last_sequence is None:
        raise UnknownStoreFiles(f"{manifest} records no sequence number")
    identity = (folder / "IDENTITY").read_text(encoding="ascii").strip() if (folder / "IDENTITY").is_file() else ""
    logs = []
    for path in folder.glob("*.log"):
        if not path.stem.isdigit() or not state.replays(int(path.stem)):
            continue
        try:
            written = _log_records(path, int(path.stem))
        except FileNotFoundError:  # removed as obsolete meanwhile
            continue
        if written:
            logs.append(f"{path.name}:{written}")
    return f"rocksdb {identity} {state.database_id} sequence {state.last_sequence} logs {' '.join(sorted(logs))}"


class _State:
    """What the MANIFEST's records add up to, as far as the data's version goes."""

    def __init__(self) -> None:
        self.last_sequence: int | None = None
        self.database_id = ""
        self.family_logs: dict[int, int] = {0: 0}  # per column family: its oldest log with writes not yet in its files
        self.min_log_to_keep = 0
        self.prev_log = 0

    def replays(self, log: int) -> bool:
        """Would RocksDB replay the log numbered ``log`` on opening the store?"""
        return log == self.prev_log or log >= max(min(self.family_logs.values(), default=0), self.min_log_to_keep)

    def apply(self, record: bytes) -> None:
        family = 0
        pos = 0
        while pos < len(record):
            tag, pos = _varint(record, pos)
            if tag in _NUMBERS:
                value, pos = _varint(record, pos)
                if tag == _COLUMN_FAMILY:
                    family = value
                elif tag == _LAST_SEQUENCE:
                    self.last_sequence = value
                elif tag == _LOG_NUMBER:
                    self.family_logs[family] = value
                elif tag == _MIN_LOG_TO_KEEP:
                    self.min_log_to_keep = value
                elif tag == _PREV_LOG_NUMBER:
                    self.prev_log = value
            elif tag == _ADD_COLUMN_FAMILY:
                _name, pos = _sized(record, pos)
                self.family_logs.setdefault(family, 0)  # every log until it records its own
            elif tag == _DROP_COLUMN_FAMILY:
                self.family_logs.pop(family, None)
            elif tag == _COMPARATOR:
                _name, pos = _sized(record, pos)
            elif tag == _DELETED_FILE:
                pos = _varint(record, _varint(record, pos)[1])[1]  # level, file number
            elif tag == _COMPACT_CURSOR:
                pos = _sized(record, _varint(record, pos)[1])[1]  # level, key
            elif tag in (_NEW_FILE, _NEW_FILE2, _NEW_FILE3, _NEW_FILE4):
                pos = _skip_new_file(record, pos, tag)
            elif tag & _SAFE_TO_SKIP:
                field, pos = _sized(record, pos)
                if tag == _SAFE_TO_SKIP + 1:  # the database's id
                    self.database_id = field.decode("ascii", "replace")
            else:
                raise UnknownStoreFiles(f"MANIFEST tag {tag}")


def _skip_new_file(record: bytes, pos: int, tag: int) -> int:
    for _ in range(3 if tag == _NEW_FILE3 else 2):  # level, file number (and path)
        pos = _varint(record, pos)[1]
    pos = _varint(record, pos)[1]  # size
    pos = _sized(record, _sized(record, pos)[1])[1]  # smallest and largest key
    if tag == _NEW_FILE:
        return pos
    pos = _varint(record, _varint(record, pos)[1])[1]  # smallest and largest sequence number
    if tag == _NEW_FILE4:
        while True:
            field, pos = _varint(record, pos)
            if field == 1:  # the end of the file's fields
                return pos
            pos = _sized(record, pos)[1]
    return pos


def _records(data: bytes) -> list[bytes]:
    """The whole records of a RocksDB log file; a last record cut short (a writer stopped while
    writing it, so RocksDB ignores it too) is left out."""
    records: list[bytes] = []
    pieces: list[bytes] | None = None
    pos = 0
    while pos + _HEADER.size <= len(data):
        left = BLOCK - pos % BLOCK
        if left < _HEADER.size:  # a block's tail too short for a header: padding
            pos += left
            continue
        _checksum, length, kind = _HEADER.unpack_from(data, pos)
        if kind == 0 and length == 0:  # space RocksDB set aside and has not written yet
            break
        end = pos + _HEADER.size + length
        if end > len(data):
            break
        if end > pos + left:
            raise UnknownStoreFiles("a MANIFEST record crosses a block")
        piece = data[pos + _HEADER.size:end]
        pos = end
        if kind == _FULL and pieces is None:
            records.append(piece)
        elif kind == _FIRST and pieces is None:
            pieces = [piece]
        elif kind in (_MIDDLE, _LAST) and pieces is not None:
            pieces.append(piece)
            if kind == _LAST:
                records.append(b"".join(pieces))
                pieces = None
        else:
            raise UnknownStoreFiles(f"MANIFEST record piece of type {kind} out of place")
    return records


def _log_records(path: Path, number: int) -> str:
    """Where the records of the log ``path`` (numbered ``number``) end, and the checksum of the
    last: empty when it holds none (new, or reused and not yet written to)."""
    end, checksum = 0, 0
    size = path.stat().st_size
    with path.open("rb") as handle:
        while True:
            left = BLOCK - end % BLOCK
            handle.seek(end)
            if left < _REUSED_HEADER.size and not any(handle.read(left)):  # a block's zero padding (or the end)
                end += left
                continue
            handle.seek(end)
            header = handle.read(_REUSED_HEADER.size)
            if len(header) < _HEADER.size:
                break
            checksum_now, length, kind = _HEADER.unpack_from(header)
            if _FULL <= kind <= _LAST:
                header_size = _HEADER.size
            elif _REUSED + _FULL <= kind <= _REUSED + _LAST and len(header) == _REUSED_HEADER.size \
                    and _REUSED_HEADER.unpack(header)[3] == number & 0xFFFFFFFF:
                header_size = _REUSED_HEADER.size
            else:  # not written yet, or an older log's record: RocksDB stops replaying here too
                break
            if header_size + length > left or end + header_size + length > size:  # cut short
                break
            end, checksum = end + header_size + length, checksum_now
    return f"{end}:{checksum:08x}" if end else ""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise UnknownStoreFiles("a MANIFEST number runs past its record")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _sized(data: bytes, pos: int) -> tuple[bytes, int]:
    size, pos = _varint(data, pos)
    if pos + size > len(data):
        raise UnknownStoreFiles("a MANIFEST field runs past its record")
    return data[pos:pos + size], pos + size
