"""Build small HWP, HWPX, DOCX and PDF files in memory, so every format is tested
without the shared corpus."""

import io
import struct
import zipfile
import zlib

_SECTOR = 512
_FREE, _END, _FAT_SECTOR, _NO_ENTRY = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
# Streams below this size would live in the mini stream; padding them keeps the writer small.
_MINI_CUTOFF = 4096


def hwp_record(tag: int, payload: bytes, level: int = 0) -> bytes:
    """Return one HWP record, using the 4-byte extended size for large payloads."""
    if len(payload) >= 0xFFF:
        return struct.pack("<II", tag | level << 10 | 0xFFF << 20, len(payload)) + payload
    return struct.pack("<I", tag | level << 10 | len(payload) << 20) + payload


def hwp_paragraph(text: str, level: int = 0, controls: bytes = b"") -> bytes:
    """Return PARA_HEADER and PARA_TEXT records for one paragraph."""
    body = controls + text.encode("utf-16-le") + "\r".encode("utf-16-le")
    return hwp_record(0x42, bytes(22), level) + hwp_record(0x43, body, level + 1)


def hwp_file(section: bytes, *, compressed: bool = True, flags: int = 0) -> bytes:
    """Return an HWP 5 file (OLE2) whose BodyText/Section0 holds the given records."""
    if compressed:
        packer = zlib.compressobj(wbits=-15)
        section = packer.compress(section) + packer.flush()
        flags |= 1
    header = b"HWP Document File".ljust(32, b"\0") + bytes([4, 3, 0, 5])
    header += struct.pack("<I", flags)
    return _compound_file([("FileHeader", header), ("Section0", section)])


def _compound_file(streams: list[tuple[str, bytes]]) -> bytes:
    """Return a CFB v3 file: root/FileHeader and root/BodyText/Section0, no mini stream."""
    padded = [data.ljust(max(len(data), _MINI_CUTOFF), b"\0") for _, data in streams]
    padded = [data.ljust(-(-len(data) // _SECTOR) * _SECTOR, b"\0") for data in padded]
    fat = [_FAT_SECTOR, _END]  # sector 0 is the FAT, sector 1 the directory
    starts = []
    for data in padded:
        starts.append(len(fat))
        count = len(data) // _SECTOR
        fat.extend(range(len(fat) + 1, len(fat) + count))
        fat.append(_END)
    assert len(fat) <= _SECTOR // 4, "one FAT sector is enough for test files"
    fat_sector = struct.pack(f"<{_SECTOR // 4}I", *fat, *[_FREE] * (_SECTOR // 4 - len(fat)))
    (file_header, _), (section, _) = streams
    # Siblings form a binary tree ordered by name length: BodyText < FileHeader.
    directory = (
        _entry("Root Entry", 5, child=1, start=_END, size=0)
        + _entry(file_header, 2, left=2, start=starts[0], size=len(padded[0]))
        + _entry("BodyText", 1, child=3, start=0, size=0)
        + _entry(section, 2, start=starts[1], size=len(padded[1]))
    )
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        bytes(16),
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        1,
        1,
        0,
        _MINI_CUTOFF,
        _END,
        0,
        _END,
        0,
    ) + struct.pack("<109I", 0, *[_FREE] * 108)
    return header + fat_sector + directory + b"".join(padded)


def _entry(name, kind, *, left=_NO_ENTRY, right=_NO_ENTRY, child=_NO_ENTRY, start, size):
    """Return one 128-byte directory entry."""
    encoded = name.encode("utf-16-le") + b"\0\0"
    return struct.pack(
        "<64sHBBIII16sIQQIII",
        encoded,
        len(encoded),
        kind,
        1,
        left,
        right,
        child,
        bytes(16),
        0,
        0,
        0,
        start,
        size,
        0,
    )


def zip_file(members: dict[str, bytes]) -> bytes:
    """Return a deflated ZIP with the given members, in the given order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


HWPX_NS = (
    'xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
    'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph"'
)


def hwpx_section(*paragraphs: str) -> bytes:
    """Return a section XML whose paragraphs hold the given (already marked-up) runs."""
    body = "".join(f"<hp:p><hp:run>{p}</hp:run></hp:p>" for p in paragraphs)
    return f'<?xml version="1.0" encoding="UTF-8"?><hs:sec {HWPX_NS}>{body}</hs:sec>'.encode()


def hwpx_file(sections: dict[str, bytes], spine: list[str]) -> bytes:
    """Return an HWPX package whose content.hpf spine lists section ids in `spine`."""
    items = "".join(f'<opf:item id="{s}" href="Contents/{s}.xml"/>' for s in sections)
    refs = "".join(f'<opf:itemref idref="{s}"/>' for s in spine)
    hpf = (
        '<opf:package xmlns:opf="http://www.idpf.org/2007/opf/">'
        f"<opf:manifest>{items}</opf:manifest><opf:spine>{refs}</opf:spine></opf:package>"
    ).encode()
    members = {"mimetype": b"application/hwp+zip", "Contents/content.hpf": hpf}
    members.update({f"Contents/{name}.xml": xml for name, xml in sections.items()})
    return zip_file(members)


def docx_file(body_xml: str) -> bytes:
    """Return a DOCX whose body is the given WordprocessingML fragment."""
    document = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body_xml}</w:body></w:document>"
    ).encode()
    return zip_file({"[Content_Types].xml": b"<Types/>", "word/document.xml": document})


def pdf_file(text: str | None) -> bytes:
    """Return a one-page PDF showing ASCII `text`, or a blank page when text is None."""
    content = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _pdf_of(objects)


# --- hostile files (issue 13): small on the wire, huge or endless once read ---------------


def hwpx_of_sections(count: int, text_per_section: str) -> bytes:
    """Return an HWPX of ``count`` distinct sections, each one paragraph of the given text."""
    section = hwpx_section(f"<hp:t>{text_per_section}</hp:t>")
    names = [f"section{n}" for n in range(count)]
    return hwpx_file(dict.fromkeys(names, section), spine=names)


def hwpx_repeating_one_section(times: int) -> bytes:
    """Return an HWPX whose spine names one small section ``times`` times (25 KB for 5,000)."""
    section = hwpx_section(*["<hp:t>○의장 홍길동  같은 구역을 또 읽습니다.</hp:t>"] * 200)
    return hwpx_file({"section0": section}, spine=["section0"] * times)


def hwpx_with_entries(count: int) -> bytes:
    """Return an HWPX padded with ``count`` empty members besides its one section."""
    members = {"mimetype": b"application/hwp+zip"}
    members.update({f"Contents/section{n}.xml": b"" for n in range(count)})
    members["Contents/section0.xml"] = hwpx_section("<hp:t>본문</hp:t>")
    return zip_file(members)


def hwpx_nesting_an_archive() -> bytes:
    """Return an HWPX whose section part is itself a ZIP (a nested archive, ~1 KB)."""
    inner = zip_file({"Contents/section0.xml": bytes(10 * 1024 * 1024)})
    return zip_file({"mimetype": b"application/hwp+zip", "Contents/section0.xml": inner})


def zip_with_overlapping_entries() -> bytes:
    """Return a ZIP whose second member points at the first member's bytes."""
    data = bytearray(zip_file({"mimetype": b"application/hwp+zip", "b": b"x" * 100}))
    # The second central-directory record's local header offset (at +42) is set to 0.
    record = data.rfind(b"PK\x01\x02")
    data[record + 42 : record + 46] = struct.pack("<I", 0)
    return bytes(data)


def korean_pdf(pages: list[list[tuple[float, float, str]]], size: float = 10) -> bytes:
    """Return a PDF whose pages show Korean lines at (x, y), in the order given.

    The font is Adobe's standard Korean CID font, not embedded, with the predefined
    UniKS-UCS2-H CMap: every viewer maps the codes to Unicode without a font file.
    """
    font = 3 + 2 * len(pages)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (3 + 2 * n) for n in range(len(pages))), len(pages)),
    ]
    for n, lines in enumerate(pages):
        shown = b"".join(
            b"BT /F1 %.1f Tf %.1f %.1f Td <%s> Tj ET\n"
            % (size, x, y, text.encode("utf-16-be").hex().encode())
            for x, y, text in lines
        )
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * n, font)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(shown), shown))
    objects.append(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /HYSMyeongJo-Medium /Encoding /UniKS-UCS2-H "
        b"/DescendantFonts [%d 0 R] >>" % (font + 1)
    )
    objects.append(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HYSMyeongJo-Medium "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Korea1) /Supplement 1 >> "
        b"/FontDescriptor %d 0 R /DW 1000 /W [1 [333]] >>" % (font + 2)
    )
    objects.append(
        b"<< /Type /FontDescriptor /FontName /HYSMyeongJo-Medium /Flags 6 "
        b"/FontBBox [0 -148 1001 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 91 >>"
    )
    return _pdf_of(objects)


def _pdf_of(objects: list[bytes]) -> bytes:
    """Return a PDF of the numbered ``objects`` (the catalog first), with its xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
