"""Read parts of untrusted ZIP+XML packages (DOCX, HWPX) without bombs or entity tricks."""

import io
import zipfile
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .base import MAX_UNPACKED_BYTES, broken, too_large, unsupported

# Text-bearing XML compresses about 10:1; a member packed much tighter than this is a bomb.
MAX_RATIO = 200
# Small members may compress tighter than MAX_RATIO without being a threat.
_RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024


class SafeZip:
    """A ZIP archive whose declared and actual unpacked sizes are both capped."""

    def __init__(self, data: bytes):
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError) as exc:
            raise broken("ZIP") from exc
        declared = sum(info.file_size for info in self._zip.infolist())
        if declared > MAX_UNPACKED_BYTES:
            raise too_large()
        self._budget = MAX_UNPACKED_BYTES

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
                    if size > limit:
                        raise too_large()
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
