"""Read parts of untrusted ZIP+XML packages (DOCX, HWPX) without bombs or entity tricks."""

import io
import zipfile
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .base import (
    Limits,
    broken,
    nested_archive,
    overlapping_entries,
    packed_too_tight,
    too_large,
    too_many_entries,
    unsupported,
)

# Text-bearing XML compresses about 10:1; a member packed much tighter than this is a bomb.
MAX_RATIO = 200
# Small members may compress tighter than MAX_RATIO without being a threat.
_RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024
# Local file headers of ZIP (HWPX, DOCX, JAR …), gzip, 7z, RAR: an archive inside an archive.
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")


# Parts a reader parses as text; an archive found there is a nested archive.
_TEXT_PARTS = (".xml", ".hpf", ".rels", "mimetype")
# Size of a local file header before its name (APPNOTE 4.3.7).
_LOCAL_HEADER = 30


def _overlapping(members: list[zipfile.ZipInfo]) -> bool:
    """Tell whether two members share compressed bytes: a bomb that reuses one payload."""
    ordered = sorted(members, key=lambda info: info.header_offset)
    for current, following in zip(ordered, ordered[1:], strict=False):
        # The extra field is left out, so this is the earliest the member's data can end.
        end = current.header_offset + _LOCAL_HEADER + _name_length(current) + current.compress_size
        if following.header_offset < end:
            return True
    return False


def _name_length(info: zipfile.ZipInfo) -> int:
    """Return the byte length of a member's stored name (UTF-8 when flagged, else CP437)."""
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    try:
        return len(info.orig_filename.encode(encoding))
    except UnicodeEncodeError:
        return len(info.orig_filename)  # every character took at least one byte


class SafeZip:
    """A ZIP archive whose declared and actual unpacked sizes are both capped."""

    def __init__(self, data: bytes, limits: Limits | None = None):
        limits = limits or Limits()
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError) as exc:
            raise broken("ZIP") from exc
        members = self._zip.infolist()
        # Named in the order a reader would want to hear it: many entries and nesting are
        # what such a file is; its declared size is only what follows from them.
        if len(members) > limits.max_entries:
            raise too_many_entries(len(members), limits.max_entries)
        if _overlapping(members):
            raise overlapping_entries()
        if nested := next((info.filename for info in members if self._is_archive(info)), None):
            raise nested_archive(nested)
        declared = sum(info.file_size for info in members)
        if declared > limits.max_unpacked_bytes:
            raise too_large(limits.max_unpacked_bytes)
        self._budget = self._limit = limits.max_unpacked_bytes

    def _is_archive(self, info: zipfile.ZipInfo) -> bool:
        """Tell whether a text part starts like an archive of its own (peeks at 4 bytes).

        Embedded objects (a chart's .xlsx in a DOCX) may be archives; text parts never are.
        """
        if info.file_size < 4 or not info.filename.lower().endswith(_TEXT_PARTS):
            return False
        try:
            with self._zip.open(info) as member:
                return member.read(4).startswith(_ARCHIVE_MAGIC)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            # Unreadable members are reported by read() when (and if) they are needed.
            return False

    def names(self) -> list[str]:
        """Return member names in archive order."""
        return self._zip.namelist()

    def read(self, name: str) -> bytes:
        """Return one member's bytes, refusing it once it outgrows its limits."""
        try:
            info = self._zip.getinfo(name)
        except KeyError as exc:
            raise broken(f"{name} 없음") from exc
        # Headers can lie about sizes, so count what actually comes out of the inflater.
        limit = min(self._budget, max(info.compress_size * MAX_RATIO, _RATIO_FLOOR))
        chunks = []
        size = 0
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(_CHUNK):
                    size += len(chunk)
                    if size > self._budget:
                        raise too_large(self._limit)
                    if size > limit:
                        raise packed_too_tight(name)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise broken(name) from exc
        except (NotImplementedError, RuntimeError) as exc:
            # zipfile raises these for unknown compression methods and encrypted members.
            raise unsupported(f"ZIP 압축 방식: {name}") from exc
        self._budget -= size
        return b"".join(chunks)


def parse_xml(data: bytes, name: str) -> Element:
    """Parse one XML part, refusing DTDs and entities (billion laughs, external files)."""
    try:
        return fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as exc:
        raise broken(f"XML: {name}") from exc


def local_name(element: Element) -> str:
    """Return an element's tag without its namespace, as vendors vary the namespace URI."""
    return element.tag.rpartition("}")[2]
