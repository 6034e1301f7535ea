"""Photo intake: a user's file in, a clean working photo out, or a refusal with a reason.

Every check that needs no pixels comes first (size in bytes, format from the first bytes, pixel count and frames
from the header), so a hostile file is refused before anything is decoded: a 20,000 x 20,000 PNG costs us its
header, not 400 million pixels.
"""

from __future__ import annotations

import struct
import warnings
import zlib
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from storycam.media.photos.colour import as_srgb
from storycam.media.photos.formats import PhotoFormat, sniff_format
from storycam.media.photos.rejection import PhotoRejected, PhotoRejection

# What Pillow's decoders raise on a damaged or truncated file.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int = 20 * 1024 * 1024  # Telegram's Bot API downloads at most 20 MB; nothing larger is a photo to us
    # A 48 MP phone photo passes; more is a bomb or a scan. A PNG this size decodes to 160 MB at most (RGBA);
    # a JPEG decodes at a reduced scale (see ``draft`` below), far less.
    max_pixels: int = 40_000_000
    min_side: int = 128  # smaller than this, no face is big enough to find or to film
    working_side: int = 1600  # the longest side of the working photo: enough for 720p close-ups of two faces


DEFAULT_LIMITS = PhotoLimits()


@dataclass(frozen=True, eq=False)
class AcceptedPhoto:
    """A photo as the detector and the renderer see it: RGB, upright, at most ``working_side`` on its longest
    side, with no metadata at all (no EXIF, GPS, ICC profile or comments: colours were converted to sRGB)."""

    image: Image.Image
    source_format: PhotoFormat
    source_size: tuple[int, int]  # width and height of the original, upright

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size

    def to_jpeg(self, quality: int = 90) -> bytes:
        """The photo re-encoded for storage: Pillow writes no EXIF unless given one, so none is written."""
        out = BytesIO()
        self.image.save(out, "JPEG", quality=quality, optimize=True)
        return out.getvalue()


def accept_photo(data: bytes, limits: PhotoLimits = DEFAULT_LIMITS) -> AcceptedPhoto:
    """Decode and normalise a user's photo, or raise :class:`PhotoRejected` with the reason."""
    if len(data) > limits.max_bytes:
        raise PhotoRejected(PhotoRejection.TOO_LARGE, f"{len(data)} bytes, more than {limits.max_bytes}")
    photo_format = sniff_format(data[:16])
    with _opened(data, photo_format) as image:
        _check_header(image, photo_format, limits)
        if photo_format is PhotoFormat.JPEG:
            # Decode straight at the nearest 1/2, 1/4 or 1/8 scale above the working size: a 48 MP JPEG then
            # costs about a tenth of its full decode in time and memory.
            image.draft("RGB", (limits.working_side, limits.working_side))
        try:
            image.load()
        except _DECODE_ERRORS as error:
            raise PhotoRejected(PhotoRejection.CORRUPT, f"{photo_format} does not decode: {error}") from None
        upright = _upright(image)
        source_size = upright.size
        rgb = as_srgb(upright)
    rgb.thumbnail((limits.working_side, limits.working_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    # Rebuilt from the pixels alone, so nothing of the file (EXIF, XMP, comments, profiles) can follow it.
    clean = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    return AcceptedPhoto(clean, photo_format, source_size)


def _opened(data: bytes, photo_format: PhotoFormat) -> ImageFile.ImageFile:
    """Open (read the header only) with the decoder of the sniffed format and no other."""
    # Pillow refuses more than 2 x MAX_IMAGE_PIXELS when opening (DecompressionBombError) and only warns between
    # 1x and 2x; the warning is made an error here so that it refuses too. (catch_warnings is process-wide state:
    # at worst another thread's warning is raised for this moment, and no other warning comes from this module.)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(BytesIO(data), formats=[photo_format.value])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise PhotoRejected(PhotoRejection.TOO_MANY_PIXELS, str(error)) from None
        except UnidentifiedImageError:
            raise PhotoRejected(
                PhotoRejection.CORRUPT, f"starts like {photo_format} but its header is broken"
            ) from None
        except _DECODE_ERRORS as error:
            raise PhotoRejected(PhotoRejection.CORRUPT, f"{photo_format} header: {error}") from None


def _check_header(image: ImageFile.ImageFile, photo_format: PhotoFormat, limits: PhotoLimits) -> None:
    width, height = image.size
    if width * height > limits.max_pixels:
        raise PhotoRejected(PhotoRejection.TOO_MANY_PIXELS, f"{width}x{height}, more than {limits.max_pixels}")
    if getattr(image, "is_animated", False):
        raise PhotoRejected(PhotoRejection.ANIMATED, f"an animated {photo_format}")
    if photo_format is PhotoFormat.GIF:
        raise PhotoRejected(PhotoRejection.UNSUPPORTED_FORMAT, "a still GIF (256 colours: not a photo)")
    if min(width, height) < limits.min_side:
        raise PhotoRejected(PhotoRejection.TOO_SMALL, f"{width}x{height}, a side under {limits.min_side}")


def _upright(image: Image.Image) -> Image.Image:
    """The photo turned as its camera said (EXIF orientation); a photo whose EXIF is unreadable stays as stored."""
    try:
        return ImageOps.exif_transpose(image)
    except _DECODE_ERRORS:
        return image
