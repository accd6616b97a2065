"""A CSV file read as a stream: never held whole, so memory does not grow with the file.

Two passes over the bytes. The first (``survey_csv``) hashes them, which names the document before a row
is written (its id is in every passage id, and an unchanged file is then recognised without parsing it),
checks the size cap as it reads, and settles the encoding: strict UTF-8 over the whole file, else a BOM's,
else charset_normalizer's guess, as ``decode.decode_bytes`` decides for a file read whole. The second
(``CsvRows``) decodes incrementally under ``csv.reader`` and hashes again, so a file changed between the
passes is refused rather than indexed under the other version's id.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dossier.core.errors import RejectedInput
from dossier.core.quantities import human_size

from dossier.ingest.decode import decode_head, guess_encoding, reject_junk
from dossier.ingest.files import open_regular_file
from dossier.ingest.identity import id_of_hash
from dossier.ingest.limits import IngestLimits, human_cap

_BLOCK = 1 << 20
_HEAD = 1 << 16  # what the delimiter sniffer and the binary check look at
_DELIMITERS = ",;\t|"
_SNIFF_LINES = 20


@dataclass(frozen=True)
class CsvSurvey:
    """What the first pass learns: the bytes' hash and size, and how they decode."""

    content_hash: str
    size: int
    encoding: str

    @property
    def document_id(self) -> str:
        return id_of_hash(self.content_hash)


def survey_csv(path: Path, limits: IngestLimits) -> CsvSurvey:
    digest = hashlib.sha256()
    size = 0
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_failed_at: int | None = None
    with open_regular_file(path) as handle:
        head = handle.read(_HEAD)
        if not head:
            raise RejectedInput(path, "empty file")
        encoding = decode_head(head, path)  # a BOM, UTF-16 or binary data show in the first bytes
        block = head
        while block:
            size += len(block)
            if size > limits.max_csv_bytes:
                raise RejectedInput(path, f"is over the {human_cap(limits.max_csv_bytes)} cap for a CSV"
                                          f" (stopped reading at {human_size(size)})")
            digest.update(block)
            if encoding is None and utf8_failed_at is None:
                try:
                    utf8.decode(block)
                except UnicodeDecodeError as exc:
                    utf8_failed_at = size - len(block) + max(exc.start, 0)
            block = handle.read(_BLOCK)
        if encoding is None and utf8_failed_at is None:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_failed_at = size
        if encoding is None:
            encoding = "utf-8" if utf8_failed_at is None else _guess(handle, head, utf8_failed_at, path)
    reject_junk(head.decode(encoding, errors="ignore"), path)
    return CsvSurvey(digest.hexdigest(), size, encoding)


def _guess(handle: io.BufferedReader, head: bytes, failed_at: int, path: Path) -> str:
    """Not UTF-8: guess from the head and the stretch where UTF-8 failed (the first non-ASCII text is
    usually there), not from the whole file."""
    handle.seek(max(0, failed_at - _BLOCK // 2))
    return guess_encoding(head + b"\n" + handle.read(_BLOCK), path)


class CsvRows:
    """The rows of a surveyed file, as ``(line, cells)``; the first is the header. Iterated once.

    ``line`` is the file line a row starts on (quoted fields may span lines): the header is line 1, so in a
    file without multi-line cells it matches the row number a spreadsheet shows.
    """

    def __init__(self, path: Path, survey: CsvSurvey):
        self.path = path
        self.survey = survey
        self._hashed = _HashingReader(open_regular_file(path))
        self._text = io.TextIOWrapper(io.BufferedReader(self._hashed, _BLOCK), encoding=survey.encoding,
                                      newline="", errors="strict")
        try:
            head = self._text.read(_HEAD)
            self._text.seek(0)
        except UnicodeDecodeError as exc:
            self.close()
            raise RejectedInput(path, f"cannot be decoded as {survey.encoding} ({exc.reason})") from None
        self._hashed.restart()  # the head is read again with the rest
        self.delimiter = sniff_delimiter(head.lstrip("\ufeff"))

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(self._text, delimiter=self.delimiter, strict=True)
        start_line = 1
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield start_line, row
                start_line = reader.line_num + 1
        except csv.Error as exc:
            raise RejectedInput(self.path, f"row {start_line}: malformed CSV ({exc})") from None
        except UnicodeDecodeError as exc:
            raise RejectedInput(self.path, f"row {start_line}: cannot be decoded as {self.survey.encoding}"
                                           f" ({exc.reason})") from None
        finally:
            self.close()
        if self._hashed.digest.hexdigest() != self.survey.content_hash:
            raise RejectedInput(self.path, "changed while it was being read: add it again")

    def close(self) -> None:
        self._text.close()


class _HashingReader(io.RawIOBase):
    """A raw file that hashes every byte read through it."""

    def __init__(self, raw: io.BufferedReader):
        self._raw = raw
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def restart(self) -> None:
        self.digest = hashlib.sha256()

    def readinto(self, buffer: bytearray | memoryview) -> int:
        n = self._raw.readinto(buffer)
        if n:
            self.digest.update(memoryview(buffer)[:n])
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def sniff_delimiter(text: str) -> str:
    sample_lines = text.splitlines()[:_SNIFF_LINES]
    header_line = sample_lines[0] if sample_lines else ""
    try:
        sniffed = csv.Sniffer().sniff("\n".join(sample_lines), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and _column_count(header_line, sniffed) > 1:
        return sniffed
    # The sniffer gives up on some valid files (e.g. a single data row) and can be misled by
    # punctuation inside quoted text; the header is the next best witness, since column names
    # rarely contain a delimiter.
    return max(_DELIMITERS, key=lambda candidate: _column_count(header_line, candidate))


def _column_count(line: str, delimiter: str) -> int:
    return len(next(csv.reader([line], delimiter=delimiter), []))
