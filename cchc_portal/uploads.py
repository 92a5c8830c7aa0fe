"""Checks every upload passes before anything is stored: size, type by content (never by the
name the browser sends) and, for zip-based files (xlsx, docx), the expansion ratio (zip bombs).

Two kinds of upload: documents (evidence, remediation attachments: PDF, images, Word, Excel) and
tables (imports: CSV or XLSX). Errors are ValidationErrors whose message names the form field.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext_lazy as _

# An xlsx/docx is a zip: refuse archives that expand far beyond their size (zip bombs).
ZIP_MAX_EXPANSION = 100
ZIP_MAX_UNCOMPRESSED = 2 * 1024**3
ZIP_EXPANSION_FLOOR = 50 * 1024**2  # small files may expand this much whatever their ratio

ZIP = "application/zip"
OLE2 = "application/x-ole-storage"  # .doc / .xls of Office 97–2003
# Decided by the first bytes, never by the name the browser sends.
DOCUMENT_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", ZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE2),
]

TOO_LARGE = _("%(field)s: tệp “%(name)s” lớn hơn giới hạn %(mb)s MB.")
NOT_A_TABLE = _(
    "%(field)s: tệp “%(name)s” không phải là tệp CSV (UTF-8) hay Excel (.xlsx) theo nội dung "
    "tệp (không xét phần đuôi tên tệp)."
)
OLD_EXCEL = _(
    "%(field)s: tệp “%(name)s” là Excel 97–2003 (.xls); hãy lưu lại thành .xlsx hoặc CSV rồi "
    "tải lên."
)
ZIP_BOMB = _(
    "%(field)s: tệp “%(name)s” giải nén quá lớn so với kích thước tệp (nghi là tệp độc hại); "
    "đã từ chối."
)
NOT_A_ZIP = _("%(field)s: tệp “%(name)s” không phải là tệp Office/Excel hợp lệ.")


def sniff(head: bytes) -> str | None:
    """The content type the first bytes of a file announce, None when not a known document."""
    for signature, content_type in DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def zip_too_large(fileobj: IO[bytes], size: int) -> bool | None:
    """True when a zip would expand beyond the limits, None when it is not a readable zip."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    finally:
        fileobj.seek(0)
    limit = min(ZIP_MAX_UNCOMPRESSED, max(max(size, 1) * ZIP_MAX_EXPANSION, ZIP_EXPANSION_FLOOR))
    return total > limit


def _fmt(field: Any, upload: Any, **extra: Any) -> dict:
    return {"field": field, "name": getattr(upload, "name", "") or "", **extra}


def check_size(upload: Any, *, field: Any, max_bytes: int) -> None:
    if upload.size > max_bytes:
        raise ValidationError(
            TOO_LARGE % _fmt(field, upload, mb=max_bytes // (1024 * 1024)), code="too_large"
        )


def check_zip(upload: Any, *, field: Any) -> None:
    verdict = zip_too_large(upload, upload.size)
    if verdict is None:
        raise ValidationError(NOT_A_ZIP % _fmt(field, upload), code="bad_zip")
    if verdict:
        raise ValidationError(ZIP_BOMB % _fmt(field, upload), code="zip_bomb")


def document_type(upload: Any, *, field: Any) -> str | None:
    """The content type of an uploaded document (None: not an accepted type); zip-based ones
    are checked for bombs."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if content_type == ZIP:
        check_zip(upload, field=field)
    return content_type


def check_table(upload: Any, *, field: Any) -> None:
    """An import file: CSV in UTF-8 or XLSX, judged by its content, within the size limit."""
    check_size(upload, field=field, max_bytes=settings.UPLOAD_MAX_BYTES)
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = sniff(head)
    if kind == ZIP:
        check_zip(upload, field=field)
        return
    if kind == OLE2:
        raise ValidationError(OLD_EXCEL % _fmt(field, upload), code="old_excel")
    if kind is not None or not _looks_like_csv(head):
        raise ValidationError(NOT_A_TABLE % _fmt(field, upload), code="not_a_table")


def _looks_like_csv(head: bytes) -> bool:
    """UTF-8 text without NUL bytes that is not markup (an HTML page saved as .xlsx/.csv)."""
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return False
        text = head[: exc.start].decode("utf-8")
    return not text.lstrip("\ufeff \t\r\n").startswith("<")


class PrivateFileSystemStorage(FileSystemStorage):
    """The default storage: files 0600 in folders 0700 (settings.FILE_UPLOAD_PERMISSIONS and
    FILE_UPLOAD_DIRECTORY_PERMISSIONS), and a name never starting with a dot, so an evidence
    file called ".pdf" or "..htaccess" is not stored as a hidden file."""

    def get_valid_name(self, name: str) -> str:
        return safe_file_name(super().get_valid_name(name))


def safe_file_name(name: str) -> str:
    """`name` without leading dots (and "file" when nothing else is left)."""
    stripped = name.lstrip(".")
    return stripped or "file"


def private_folder(path: Path) -> Path:
    """Create `path` (and its parents under MEDIA_ROOT) readable by the portal's user only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a file the portal makes itself (an export, a frozen report) as 0600 in a 0700
    folder, the way uploads are stored."""
    private_folder(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
    path.chmod(0o600)
