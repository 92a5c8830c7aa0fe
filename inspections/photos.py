"""Photos from the field: what the server makes of an uploaded image before storing it.

Pillow decodes the upload (refusing what is not a JPEG, PNG or WebP image, and images of more
than MAX_PIXELS), turns it upright from its EXIF orientation, shrinks it to MAX_SIDE pixels on
its long side and writes a fresh JPEG: no EXIF, so no GPS position, time or camera serial leaves
the phone through the portal. The same for a THUMB_SIDE thumbnail.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
THUMB_SIDE = 320
MAX_PIXELS = 60_000_000  # a 60 MP phone camera; beyond: a decompression bomb
MAX_PHOTO_MB = 25
FORMATS = ("JPEG", "PNG", "WEBP", "MPO")  # MPO: the JPEG some phones write

NOT_AN_IMAGE = gettext_lazy("Ảnh “{name}”: không phải tệp ảnh JPEG, PNG hay WebP.")
PHOTO_TOO_BIG = gettext_lazy("Ảnh “{name}”: lớn hơn {mb} MB.")
PHOTO_TOO_MANY_PIXELS = gettext_lazy(
    "Ảnh “{name}”: {width}×{height} điểm ảnh, vượt giới hạn {limit} triệu điểm ảnh."
)


@dataclass(frozen=True)
class Processed:
    photo: bytes
    thumbnail: bytes
    width: int
    height: int


def _jpeg(image: Image.Image, side: int, quality: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= and no icc_profile=: the new file carries none of the original's metadata.
    copy.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def process(upload: Any) -> Processed:
    """The stored photo and thumbnail of an upload, or a ValidationError naming the file."""
    name = getattr(upload, "name", "") or ""
    if (getattr(upload, "size", 0) or 0) > MAX_PHOTO_MB * 1024 * 1024:
        raise ValidationError({"photos": PHOTO_TOO_BIG.format(name=name, mb=MAX_PHOTO_MB)})
    upload.seek(0)
    try:
        image = Image.open(upload)
        if image.format not in FORMATS:
            raise ValidationError({"photos": NOT_AN_IMAGE.format(name=name)})
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ValidationError(
                {
                    "photos": PHOTO_TOO_MANY_PIXELS.format(
                        name=name, width=width, height=height, limit=MAX_PIXELS // 1_000_000
                    )
                }
            )
        image.load()
        upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError({"photos": NOT_AN_IMAGE.format(name=name)}) from None
    finally:
        upload.seek(0)
    photo = _jpeg(upright, MAX_SIDE, 85)
    with Image.open(io.BytesIO(photo)) as stored:
        size = stored.size
    return Processed(
        photo=photo, thumbnail=_jpeg(upright, THUMB_SIDE, 80), width=size[0], height=size[1]
    )
