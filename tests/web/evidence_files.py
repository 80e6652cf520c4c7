"""Files for the evidence and round-trip tests: small valid ones and hostile ones, built in memory."""

from __future__ import annotations

import io
import zipfile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


def docx(text: str = "Anti-Corruption Act, 2003") -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """An office file with some parts replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def zip_bomb(data: bytes) -> bytes:
    """A .docx with a part of 20 MB of zeros (a few KB compressed)."""
    return rezip(data, add={"word/media/padding.xml": b"\x00" * (20 * 1024 * 1024)})


XXE_TYPES = (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
             b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&x;</Types>')


def xxe(data: bytes) -> bytes:
    return rezip(data, replace={"[Content_Types].xml": XXE_TYPES})


def macro(data: bytes) -> bytes:
    return rezip(data, add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 100})
