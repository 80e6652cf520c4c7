"""What an upload must be before it is kept: a safe name, a known kind by its content (magic bytes, not
its name), and for office files (zip containers) no macros, no zip bomb, and XML parts that parse
without entities (XXE). Each refusal is a :class:`Refused` with a code the web layer words.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import filetype
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from engine.types import FILE_KINDS, file_extension

#: An office file may expand to at most this much, and no part more than this ratio (zip bombs).
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 5000
#: Office formats that carry macros: refused whatever their content.
MACRO_EXTENSIONS = frozenset({"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm"})
_ZIP_KINDS = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp"})
_MEDIA = {"pdf": "application/pdf", "rtf": "application/rtf", "jpg": "image/jpeg", "png": "image/png",
          "tif": "image/tiff"}


class Refused(Exception):
    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


def safe_name(raw: str) -> str:
    r"""The last part of a posted file name, without control or path characters, at most 120 characters
    ('../../etc/passwd' -> 'passwd', 'C:\x\law.pdf' -> 'law.pdf')."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").split("/")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name).strip().lstrip(".")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 119 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:120]
    return name


def check_name(raw: str) -> str:
    r"""A posted name with a path in it ('../../etc/passwd', 'C:\x\law.pdf') is refused; others are
    cleaned (:func:`safe_name`)."""
    raw = raw or ""
    if "/" in raw or "\\" in raw or raw.strip().startswith(".") or "\x00" in raw:
        raise Refused("file_name", name=safe_name(raw)[:80] or "?")
    name = safe_name(raw)
    if not name:
        raise Refused("file_name", name="?")
    if file_extension(name) in MACRO_EXTENSIONS:
        raise Refused("macros", name=name)
    return name


def kind_of(path: Path, name: str, accept: tuple[str, ...]) -> tuple[str, str]:
    """The file's kind and media type, read from its content; refused unless accepted and named alike."""
    allowed = accept or FILE_KINDS
    guess = filetype.guess(str(path))
    kind = guess.extension if guess else ""
    kind = {"jpeg": "jpg", "tiff": "tif"}.get(kind, kind)
    if kind in ("zip", "") and zipfile.is_zipfile(path):
        kind = zip_kind(path) or kind
    claimed = file_extension(name)
    if kind not in FILE_KINDS:
        raise Refused("file_content", name=name, allowed=", ".join(allowed))
    if kind not in allowed:
        raise Refused("file_type", name=name, allowed=", ".join(allowed))
    if claimed != kind:
        raise Refused("file_mismatch", name=name, kind=kind)
    if kind in _ZIP_KINDS:
        check_container(path, name)
    media = guess.mime if guess and guess.extension == kind else _MEDIA.get(kind, "application/octet-stream")
    return kind, media


def zip_kind(path: Path) -> str | None:
    """OOXML and OpenDocument files by their parts (filetype sees some of them only as zip)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist()[:MAX_PARTS])
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                for kind, media in (("odt", b"opendocument.text"), ("ods", b"opendocument.spreadsheet"),
                                    ("odp", b"opendocument.presentation")):
                    if media in mimetype:
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    for kind, part in (("docx", "word/document.xml"), ("xlsx", "xl/workbook.xml"), ("pptx", "ppt/presentation.xml")):
        if part in names:
            return kind
    return None


def check_container(path: Path, name: str) -> None:
    """An office file's zip: not a bomb, no macros, XML parts without entities or DTDs."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS:
                raise Refused("zip_bomb", name=name)
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if total > MAX_UNZIPPED or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
                    raise Refused("zip_bomb", name=name)
                lowered = info.filename.lower()
                if lowered.endswith("vbaproject.bin") or "macrosheets/" in lowered or lowered.startswith("basic/"):
                    raise Refused("macros", name=name)
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels")):
                    _parse_part(archive, info, name)
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in archive.namelist() else b""
            if b"macroEnabled" in types:
                raise Refused("macros", name=name)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        raise Refused("damaged", name=name) from None


class _Root(Exception):
    """The root element started: the prolog, where a DTD would be, is over."""


class _StopAtRoot:
    def start(self, tag: str, attrs: object) -> None:
        raise _Root

    def close(self) -> None:
        return None


def _parse_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Refuse a part with a DTD or entity declarations (XXE, billion laughs). defusedxml's parser reads
    the part as it streams and stops at the root element: declarations can only come before it."""
    parser = SafeET.DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
    try:
        with archive.open(info) as part:
            while chunk := part.read(64 * 1024):
                parser.feed(chunk)
    except _Root:
        return
    except DefusedXmlException:
        raise Refused("xml_entities", name=name, part=info.filename) from None
    except SafeET.ParseError:
        raise Refused("damaged", name=name) from None
