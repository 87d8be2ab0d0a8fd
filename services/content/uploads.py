"""Uploads are judged by their bytes, not their names; images get their renditions at upload time."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

from shared.errors import InvalidInput, UnsupportedMediaType

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
_OOXML = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_OLE = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "wps": "application/vnd.ms-works",
    "et": "application/vnd.ms-excel",
}
_TEXT = {"txt": "text/plain; charset=utf-8", "csv": "text/csv; charset=utf-8"}


@dataclass(slots=True)
class CheckedUpload:
    kind: str  # image | file
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None
    renditions: dict[str, bytes] = field(default_factory=dict)


def check_upload(filename: str, data: bytes, *, max_pixels: int, widths: list[int]) -> CheckedUpload:
    """Identify the file from its content; refuse what is not what its name says, or not allowed at all."""
    if not data:
        raise InvalidInput("file", "文件为空")
    extension = PurePath(filename).suffix.lower().lstrip(".")
    guessed = filetype.guess(data)
    mime = guessed.mime if guessed else None
    if mime in _IMAGES:
        return _checked_image(data, mime, max_pixels=max_pixels, widths=widths)
    if mime == "application/pdf" and extension == "pdf":
        return CheckedUpload("file", mime, "pdf")
    if extension in _OOXML and mime == _OOXML[extension]:
        return CheckedUpload("file", mime, extension)
    if extension == "ofd" and _is_ofd(data):
        return CheckedUpload("file", "application/ofd", "ofd")
    if extension == "zip" and mime == "application/zip":
        return CheckedUpload("file", mime, "zip")
    if extension in _OLE and data.startswith(_OLE2):
        return CheckedUpload("file", _OLE[extension], extension)
    if extension in _TEXT and mime is None and _is_text(data):
        return CheckedUpload("file", _TEXT[extension], extension)
    found = mime or ("OLE2 文档" if data.startswith(_OLE2) else "无法识别的内容")
    raise UnsupportedMediaType(
        f"file: {filename!r} 的实际内容为 {found}，不允许上传；仅允许图片（jpg、png、gif、webp）、pdf、ofd、"
        "doc/docx、xls/xlsx、ppt/pptx、wps/et、zip、txt 和 csv，且文件扩展名须与内容相符"
    )


def _is_ofd(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "OFD.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _is_text(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _checked_image(data: bytes, mime: str, *, max_pixels: int, widths: list[int]) -> CheckedUpload:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > max_pixels:
                raise InvalidInput("file", f"图片为 {width}×{height} 像素，超过了 {max_pixels} 像素的上限")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            renditions = _renditions(image, widths)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidInput("file", f"无法读取图片：{exc}") from None
    return CheckedUpload("image", mime, _IMAGES[mime], width, height, renditions)


def _renditions(image: Image.Image, widths: list[int]) -> dict[str, bytes]:
    """Resized copies without EXIF (photos of staff must not leak where they were taken)."""
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "P")
    out: dict[str, bytes] = {}
    for width in sorted(set(widths)):
        copy = image
        if image.width > width:
            copy = image.resize((width, max(1, round(image.height * width / image.width))), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if has_alpha:
            copy.convert("RGBA").save(buffer, "PNG", optimize=True)
        else:
            copy.convert("RGB").save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
        out[f"w{width}"] = buffer.getvalue()
    return out


def rendition_extension(data: bytes) -> tuple[str, str]:
    return ("png", "image/png") if data.startswith(b"\x89PNG") else ("jpg", "image/jpeg")
