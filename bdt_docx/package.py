"""Reading Office packages (the zip behind .xlsx and .docx) without trusting them.

Workbooks and templates come from outside, so every read here is bounded: a part may not
inflate beyond :data:`MAX_PART_BYTES` nor the package beyond :data:`MAX_PACKAGE_BYTES`,
counted on the bytes actually inflated (a zip's stated sizes can lie), and XML is parsed
with entities, DTD loading and network access off and without ``recover``, so that a broken
part is an error instead of silently lost content.

Everything that reads the zip goes through :class:`Package`, the one place where what
``zipfile``, ``zlib``, ``bz2`` and ``lzma`` raise on a damaged file (a corrupt deflate
stream, a name that is not UTF-8 under the UTF-8 flag, an unknown zip version, a central
directory pointing past the end…) becomes a :class:`PackageError`.
"""

from __future__ import annotations

import lzma
import os
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import BinaryIO, NamedTuple, TypeVar

import deflate
from lxml import etree

from bdt_docx.errors import os_reason
from bdt_docx.namespaces import PACKAGE_RELATIONSHIPS

__all__ = [
    "MAX_PACKAGE_BYTES",
    "MAX_PART_BYTES",
    "SAVE_AS_DOCX",
    "WRITER_DOCUMENT",
    "Package",
    "PackageError",
    "Relationship",
    "is_writer_document",
    "other_format",
    "parse_xml",
    "part_path",
    "refuse_doctype",
    "relationships_part",
]

#: Largest inflated size of one part (the XML of a huge sheet stays well below it).
MAX_PART_BYTES = 256 * 1024 * 1024
#: Largest inflated size of all the parts read from one package.
MAX_PACKAGE_BYTES = 512 * 1024 * 1024
_CHUNK = 1024 * 1024
#: Parts up to this size are inflated in one call when their zip entry agrees with itself;
#: anything unusual goes through ``zipfile``, which says what is wrong.
_SMALL_PART = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature; name and extra field lengths
#: A zip's end of central directory record, as zipfile reads it.
_END_RECORD = struct.Struct("<4s4H2LH")
#: Of a central directory entry, what :func:`_plain_entries` needs: signature, version
#: needed to extract, flags, method, CRC, sizes packed and unpacked, lengths of the name, the
#: extra field and the comment, offset of the local header.
_CENTRAL_ENTRY = struct.Struct("<4s2xBxHH4xLLLHHH8xL")
#: A size or offset that says the real one is in a zip64 extra field.
_ZIP64 = 0xFFFFFFFF
#: A small part as the zip stores it: CRC, inflated size, compression method, stored bytes.
_Stored = tuple[int, int, int, bytes]
#: The values made from parts (:meth:`Package.made_from`), by maker, part name, CRC and
#: size, with the part as stored: a batch's workbooks are mostly copies of one, whose
#: workbook and relationship parts are the same bytes, and whose tables are in a few shapes.
#: Bounded: parts stored in at most ``_KEPT_BYTES``, at most ``_KEPT_PARTS`` of them.
_MADE: dict[tuple[str, str, int, int], tuple[_Stored, object]] = {}
_KEPT_BYTES = 64 * 1024
_KEPT_PARTS = 64
_T = TypeVar("_T")
#: How far into an XML part a document type declaration is looked for.
_PROLOG_BYTES = 64 * 1024
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_RELATIONSHIP = f"{{{PACKAGE_RELATIONSHIPS}}}Relationship"
#: What reading a damaged zip raises besides :class:`zipfile.BadZipFile`: the inflaters'
#: errors (deflate, bzip2 gives OSError, lzma), a short or overrun stream (EOFError,
#: OSError from a seek before the start), an unknown zip version or method
#: (NotImplementedError), a name that is not UTF-8 under the UTF-8 flag, a header too short.
_DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    NotImplementedError,
    UnicodeDecodeError,
    ValueError,
    struct.error,
)

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    recover=False,
    collect_ids=False,  # (no part is looked up by xml:id)
)


class PackageError(Exception):
    """The file is not a readable Office package; ``reason`` is a Vietnamese sentence.

    Internal: each reading stage turns it into its own :class:`~bdt_docx.BdtDocxError`.
    """

    def __init__(self, reason: str, part: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.part = part


def parse_xml(data: bytes, part: str | None = None) -> etree._Element:
    """Parse XML strictly and safely (no entities, no DTD, no network, no recovery)."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.LxmlError as exc:
        reason = getattr(exc, "msg", None) or str(exc)
        raise PackageError(f"phần {part or 'XML'} bị hỏng ({reason})", part) from exc
    if root is None:  # pragma: no cover - lxml returns None only with recover=True
        raise PackageError(f"phần {part or 'XML'} trống", part)
    return root


def _too_large(part: str) -> PackageError:
    return PackageError(f"phần {part} giải nén ra quá lớn (có thể là tệp độc hại)", part)


#: Why a LibreOffice Writer document (.odt) given for a Word one cannot be used, and what to do.
WRITER_DOCUMENT = (
    "tệp là văn bản .odt của LibreOffice Writer, không phải văn bản Word .docx: hãy mở nó "
    "trong Writer, File → Save As, chọn Word 2007-365 (.docx)"
)
_ODT = b"application/vnd.oasis.opendocument.text"


def is_writer_document(package: Package) -> bool:
    """Whether ``package`` is a LibreOffice Writer document (.odt), by its ``mimetype``."""
    return "mimetype" in package.names and package.read("mimetype").strip() == _ODT


#: What to do with a document saved in another format than .docx (:func:`other_format`).
SAVE_AS_DOCX = (
    "hãy mở nó trong Word hoặc LibreOffice Writer rồi Lưu thành (Save As) kiểu Word "
    "Document (.docx)"
)
#: How the other formats a Word document may be saved in start, and what a clerk calls them.
_OTHER_FORMATS = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Word 97-2003 (.doc)"),
    (b"{\\rtf", "RTF (.rtf)"),
)


def other_format(path: Path) -> str | None:
    """What a file that is no zip package was saved as, when it is a word processor's other
    format (Word 97-2003, RTF, a flat LibreOffice document); None otherwise."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return None
    for magic, kind in _OTHER_FORMATS:
        if head.startswith(magic):
            return kind
    if b'office:mimetype="application/vnd.oasis.opendocument.text"' in head:
        return "LibreOffice Writer dạng XML phẳng (.fodt)"
    return None


def part_path(base: str, target: str) -> str:
    """Resolve a relationship ``target`` against the folder of part ``base``.

    ``part_path("word/document.xml", "../customXml/item1.xml")`` → ``customXml/item1.xml``;
    an absolute target (``/xl/workbook.xml``) is taken from the package root, and the
    package relationships (``base=""``) resolve from the root too. ``..`` never climbs above
    the root.
    """
    if target.startswith("/"):
        return target.lstrip("/")
    joined = posixpath.normpath(posixpath.join("/", posixpath.dirname(base), target))
    return joined.lstrip("/")


@lru_cache(maxsize=1024)
def relationships_part(part: str) -> str:
    """The part holding ``part``'s relationships (``""``: the package's, ``_rels/.rels``)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


class Relationship(NamedTuple):
    """A relationship of a part to another part of the same package."""

    #: The relationship type URI (``…/relationships/officeDocument``).
    type: str
    #: The target part, resolved from the package root (``word/document.xml``).
    target: str


def refuse_doctype(data: bytes, part: str) -> None:
    """Refuse XML with a document type declaration (``<!DOCTYPE``).

    Office never writes one; a part that has one is trying entity tricks (billion laughs,
    an external entity reading a local file). With entities left unresolved it would parse,
    but the entities' text would silently vanish from the report, so it is refused instead.
    """
    head = data[:_PROLOG_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    first = _FIRST_ELEMENT.search(head)
    if b"<!DOCTYPE" in head[: first.start() if first else len(head)]:
        raise PackageError(
            f"phần {part} có khai báo <!DOCTYPE> (thực thể XML), điều tệp Office thật không "
            "bao giờ có; tệp có thể độc hại",
            part,
        )


class _Entry(NamedTuple):
    """What :meth:`Package.read` needs of a zip entry (named as in :class:`zipfile.ZipInfo`)."""

    orig_filename: str
    flag_bits: int
    compress_type: int
    CRC: int
    compress_size: int
    file_size: int
    header_offset: int


def _plain_entries(data: bytes) -> dict[str, _Entry] | None:
    """The entries of the zip ``data``, by name, read from its central directory where the
    zip is laid out plainly, as Office and the zip libraries write it: one disk, no comment,
    no zip64, no extra fields, nothing before or after; ``None`` otherwise, and
    :mod:`zipfile` reads it (and says what is wrong with it). Names are made as
    :class:`zipfile.ZipInfo` makes them."""
    end = len(data) - _END_RECORD.size
    if end < 0:
        return None
    signature, disk, first_disk, here, count, size, start, comment = _END_RECORD.unpack_from(
        data, end
    )
    if signature != b"PK\x05\x06" or disk or first_disk or here != count or comment:
        return None
    if start + size != end:
        return None
    entries = {}
    position = start
    for _ in range(count):
        if position + _CENTRAL_ENTRY.size > end:
            return None
        (
            signature,
            version,
            flags,
            method,
            crc,
            packed,
            unpacked,
            name_size,
            extra_size,
            comment_size,
            header,
        ) = _CENTRAL_ENTRY.unpack_from(data, position)
        if (
            signature != b"PK\x01\x02"
            or version > zipfile.MAX_EXTRACT_VERSION
            or extra_size
            or _ZIP64 in (packed, unpacked, header)
        ):
            return None
        position += _CENTRAL_ENTRY.size
        try:
            raw = data[position : position + name_size]
            # (ASCII reads alike in both, and decodes quicker)
            name = raw.decode("ascii" if raw.isascii() else "utf-8" if flags & 0x800 else "cp437")
        except UnicodeDecodeError:
            return None
        filename = name.split("\0", 1)[0]
        if os.sep != "/":
            filename = filename.replace(os.sep, "/")
        entries[filename] = _Entry(name, flags, method, crc, packed, unpacked, header)
        position += name_size + comment_size
    return entries if position == end else None


class Package:
    """A zip package opened for bounded reading.

    ``Package(path)`` (or ``Package(bytes)``, for a package held in memory) raises
    :class:`PackageError` when the file is not a zip. Use it as a context manager;
    :meth:`read` inflates one part, counting what it inflates.
    """

    def __init__(self, source: str | Path | bytes) -> None:
        in_memory = isinstance(source, bytes)
        self.path = Path("<bytes>") if in_memory else Path(source)
        self._inflated = 0
        try:
            self._file: BinaryIO = BytesIO(source) if in_memory else self.path.open("rb")
        except OSError as exc:
            raise PackageError(f"không đọc được tệp ({os_reason(exc)})") from exc
        self._zip_file: zipfile.ZipFile | None = None
        entries = _plain_entries(source) if in_memory else None
        if entries is None:
            try:
                entries = {info.filename: info for info in self._zip.infolist()}
            except PackageError:
                self._file.close()
                raise
        self._entries: dict[str, _Entry | zipfile.ZipInfo] = entries
        self.names = set(entries)
        self._names_by_case: dict[str, str] | None = None

    @property
    def _zip(self) -> zipfile.ZipFile:
        """The package read by :mod:`zipfile` (made when first needed, for a package held
        in memory whose entries were read without it)."""
        if self._zip_file is None:
            with self._guard("tệp không phải tệp Office (.xlsx, .docx) hợp lệ"):
                self._zip_file = zipfile.ZipFile(self._file)
        return self._zip_file

    @staticmethod
    @contextmanager
    def _guard(reason: str, part: str | None = None) -> Iterator[None]:
        """Turn what a damaged zip raises into :class:`PackageError` (``reason``)."""
        try:
            yield
        except _DAMAGED as exc:
            raise PackageError(reason, part) from exc

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying zip file."""
        if self._zip_file is not None:
            self._zip_file.close()
        self._file.close()

    def infolist(self) -> list[zipfile.ZipInfo]:
        """The members of the zip, in stored order."""
        return self._zip.infolist()

    def part_name(self, name: str) -> str:
        """The package's own spelling of part ``name``: part names ignore case, as Office
        reads them (a relationship to ``xl/SharedStrings.xml``); ``name`` when none matches."""
        if name in self.names:
            return name
        if self._names_by_case is None:
            self._names_by_case = {known.lower(): known for known in self.names}
        return self._names_by_case.get(name.lower(), name)

    def read(self, name: str) -> bytes:
        """Inflate part ``name``; a part or a package inflating too much is refused."""
        if name not in self.names:
            raise PackageError(f"thiếu phần {name}", name)
        data = self._read_small(self._stored(name), name)
        if data is None:
            data = self._read_stream(name)
        if name.lower().endswith(_XML_SUFFIXES):
            refuse_doctype(data, name)
        return data

    def _stored(self, name: str) -> _Stored | None:
        """Part ``name`` as stored, or ``None`` when it is large, encrypted, compressed
        otherwise than by deflate, or when its local header disagrees with its entry."""
        info = self._entries[name]
        if (
            info.flag_bits & 0x1
            or max(info.file_size, info.compress_size) > _SMALL_PART
            or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        ):
            return None
        try:
            self._file.seek(info.header_offset)
            signature, name_size, extra_size = _LOCAL_HEADER.unpack(
                self._file.read(_LOCAL_HEADER.size)
            )
            written = info.orig_filename
            # (an ASCII name, as part names are, encodes alike in both, and quicker as ASCII)
            utf8 = info.flag_bits & 0x800
            encoding = "ascii" if written.isascii() else "utf-8" if utf8 else "cp437"
            if signature != b"PK\x03\x04" or self._file.read(name_size) != written.encode(encoding):
                return None
            self._file.seek(extra_size, 1)
            data = self._file.read(info.compress_size)
        except (OSError, ValueError, struct.error, UnicodeEncodeError):  # a seek before the start
            return None
        return info.CRC, info.file_size, info.compress_type, data

    def _read_small(self, stored: _Stored | None, name: str) -> bytes | None:
        """Part ``name`` (``stored``) inflated in one call (counted as :meth:`_read_stream`
        counts), or ``None`` when it is not stored so, or its sizes or CRC disagree."""
        if stored is None:
            return None
        crc, size, method, data = stored
        if method == zipfile.ZIP_DEFLATED:
            if not size:  # (libdeflate does not look at a stream inflating to nothing)
                return None
            try:  # (libdeflate: twice zlib's speed)
                data = bytes(deflate.deflate_decompress(data, size))
            except deflate.DeflateError:  # a damaged stream, or one inflating to another size
                return None
        if len(data) != size or deflate.crc32(data) != crc:
            return None
        self._count(size, name)
        return data

    def _count(self, size: int, name: str) -> None:
        self._inflated += size
        if size > MAX_PART_BYTES or self._inflated > MAX_PACKAGE_BYTES:
            raise _too_large(name)

    def _read_stream(self, name: str) -> bytes:
        """Part ``name`` inflated through ``zipfile`` a chunk at a time, refused once it or
        the package inflates too much."""
        chunks, size = [], 0
        try:
            with (
                self._guard(f"phần {name} bị hỏng hoặc không giải nén được", name),
                self._zip.open(name) as stream,
            ):
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    self._inflated += len(chunk)
                    if size > MAX_PART_BYTES or self._inflated > MAX_PACKAGE_BYTES:
                        raise _too_large(name)
                    chunks.append(chunk)
        except RuntimeError as exc:  # zipfile refuses an encrypted member this way
            state = "được mã hóa" if self._entries[name].flag_bits & 0x1 else "bị hỏng"
            raise PackageError(f"phần {name} {state}", name) from exc
        return b"".join(chunks)

    def read_xml(self, name: str) -> etree._Element:
        """Inflate and parse part ``name`` (see :func:`parse_xml`)."""
        return parse_xml(self.read(name), name)

    def made_from(self, name: str, kind: str, make: Callable[[etree._Element], _T]) -> _T:
        """``make(self.read_xml(name))``, or what it gave for an earlier package whose part
        ``name`` is stored with the very same bytes, CRC and size (then the part is not
        inflated again, only counted). ``kind`` names the maker; ``make`` must depend on the
        part alone and give a value that nobody changes."""
        stored = self._stored(name) if name in self.names else None
        if stored is None:
            return make(self.read_xml(name))
        key = (kind, name, stored[0], stored[1])
        kept = _MADE.get(key)
        if kept is not None and kept[0] == stored:
            self._count(stored[1], name)
            return kept[1]  # type: ignore[return-value]
        value = make(self.read_xml(name))
        if len(stored[3]) <= _KEPT_BYTES:
            if len(_MADE) >= _KEPT_PARTS:
                _MADE.clear()
            _MADE[key] = (stored, value)
        return value

    def relationships(self, part: str) -> dict[str, Relationship]:
        """The internal relationships of ``part`` (``""``: the package's), by id.

        Empty when the part has none; external targets (web links) are left out, and
        anything in the ``.rels`` part that is not a relationship (an XML comment) is skipped.
        Targets are given as the package spells them (:meth:`part_name`).
        """
        name = relationships_part(part)
        if name not in self.names:
            return {}
        found = self.made_from(
            name,
            "relationships",
            lambda root: [
                (rel.get("Id", ""), rel.get("Type", ""), part_path(part, rel.get("Target", "")))
                for rel in root.iter(_RELATIONSHIP)
                if rel.get("TargetMode") != "External"
            ],
        )
        return {key: Relationship(kind, self.part_name(target)) for key, kind, target in found}
