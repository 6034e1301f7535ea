"""Photo intake: every bad file the issue lists is refused with the reason a user can act on, before decoding
where the header tells enough; good photos come out upright, RGB, small and without metadata."""

from __future__ import annotations

import warnings
from io import BytesIO

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile

from storycam.media.photos import (
    DEFAULT_LIMITS,
    AcceptedPhoto,
    PhotoFormat,
    PhotoLimits,
    PhotoRejected,
    PhotoRejection,
    accept_photo,
)
from tests.media import bad_files


def refusal(data: bytes, limits: PhotoLimits = DEFAULT_LIMITS) -> PhotoRejection:
    with pytest.raises(PhotoRejected) as refused:
        accept_photo(data, limits)
    return refused.value.reason


def _decode(self: ImageFile.ImageFile) -> None:
    raise AssertionError("pixels were decoded")


def refusal_from_header(
    data: bytes, monkeypatch: pytest.MonkeyPatch, limits: PhotoLimits = DEFAULT_LIMITS
) -> PhotoRejection:
    """The refusal, failing the test if any pixel is decoded on the way: a header must be enough."""
    with monkeypatch.context() as patched:
        patched.setattr(ImageFile.ImageFile, "load", _decode)
        return refusal(data, limits)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return bad_files.png_bomb()


class TestIssueBadInputs:
    def test_a_text_file_named_jpg_is_not_an_image(self) -> None:
        assert refusal(bad_files.text_named_jpg()) is PhotoRejection.NOT_AN_IMAGE

    def test_a_truncated_jpeg_is_corrupt(self) -> None:
        assert refusal(bad_files.truncated_jpeg()) is PhotoRejection.CORRUPT

    def test_a_20000_px_png_bomb_is_refused_from_its_header(self, bomb: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
        assert len(bomb) < 1_000_000  # a small file: the danger is in what it would decode to
        assert refusal_from_header(bomb, monkeypatch) is PhotoRejection.TOO_MANY_PIXELS

    def test_the_bomb_is_a_real_png(self, bomb: bytes) -> None:
        # Pillow's own guard refuses it on opening: proof the file really declares 20,000 x 20,000 pixels.
        with pytest.raises(Image.DecompressionBombError, match="400000000 pixels"):
            Image.open(BytesIO(bomb))

    def test_an_animated_gif_is_animated(self, monkeypatch: pytest.MonkeyPatch) -> None:
        assert refusal_from_header(bad_files.animated("GIF"), monkeypatch) is PhotoRejection.ANIMATED

    def test_a_still_gif_is_unsupported(self) -> None:
        assert refusal(bad_files.encoded(bad_files.frames(1)[0], "GIF")) is PhotoRejection.UNSUPPORTED_FORMAT

    def test_a_30_mb_file_is_too_large_without_being_opened(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def never(*args: object, **kwargs: object) -> None:
            raise AssertionError("a file over the byte limit was opened")

        monkeypatch.setattr(Image, "open", never)
        assert refusal(bad_files.thirty_megabytes()) is PhotoRejection.TOO_LARGE


class TestOtherBadInputs:
    @pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
    def test_animated_webp_and_png_are_animated(self, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
        assert refusal_from_header(bad_files.animated(fmt), monkeypatch) is PhotoRejection.ANIMATED

    def test_a_bomb_between_pillows_warning_and_error_is_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # 10,000² = 100 MP: over Pillow's warning threshold (89 MP) but under its error (179 MP). Pillow only
        # warns there, so it must be refused even with our own limit set above it and warnings ignored (as a
        # production process does, where pytest's "warnings are errors" is not in force).
        bomb = bad_files.png_bomb(10_000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reason = refusal_from_header(bomb, monkeypatch, PhotoLimits(max_pixels=10**9))
        assert reason is PhotoRejection.TOO_MANY_PIXELS

    def test_more_pixels_than_our_limit_are_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        limits = PhotoLimits(max_pixels=500 * 500)
        assert refusal_from_header(bad_files.real_jpeg(), monkeypatch, limits) is PhotoRejection.TOO_MANY_PIXELS

    def test_a_truncated_png_is_corrupt(self) -> None:
        image = Image.open(BytesIO(bad_files.real_jpeg())).convert("RGB")
        png = bad_files.encoded(image, "PNG")
        assert refusal(png[: len(png) // 2]) is PhotoRejection.CORRUPT

    def test_a_damaged_jpeg_header_is_corrupt(self) -> None:
        assert refusal(b"\xff\xd8\xff" + b"\x00" * 200) is PhotoRejection.CORRUPT

    @pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
    def test_other_picture_formats_are_unsupported(self, fmt: str) -> None:
        assert refusal(bad_files.encoded(bad_files.frames(1)[0], fmt)) is PhotoRejection.UNSUPPORTED_FORMAT

    def test_an_empty_file_is_not_an_image(self) -> None:
        assert refusal(b"") is PhotoRejection.NOT_AN_IMAGE

    def test_a_tiny_picture_is_too_small(self) -> None:
        assert refusal(bad_files.encoded(Image.new("RGB", (100, 300)), "PNG")) is PhotoRejection.TOO_SMALL


class TestAcceptedPhotos:
    @pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
    def test_each_format_becomes_an_rgb_working_photo(self, fmt: str) -> None:
        original = Image.open(BytesIO(bad_files.real_jpeg())).convert("RGB")
        photo = accept_photo(bad_files.encoded(original, fmt))
        assert photo.source_format is PhotoFormat(fmt)
        assert photo.image.mode == "RGB"
        assert photo.size == original.size == photo.source_size

    def test_a_large_photo_is_brought_down_to_the_working_size(self) -> None:
        big = Image.open(BytesIO(bad_files.real_jpeg())).convert("RGB").resize((4000, 3000))
        photo = accept_photo(bad_files.encoded(big, "JPEG", quality=85))
        assert photo.size == (1600, 1200)
        assert photo.source_size == (4000, 3000)

    def test_exif_orientation_is_applied(self) -> None:
        # Stored sideways as a phone does (left half red, right half blue), with orientation 6: "turn me 90°
        # clockwise to show". Shown upright, the red half is on top.
        stored = Image.new("RGB", (300, 200), "blue")
        stored.paste("red", (0, 0, 150, 200))
        exif = Image.Exif()
        exif[ExifTags.Base.Orientation] = 6
        photo = accept_photo(bad_files.encoded(stored, "JPEG", exif=exif))
        assert photo.size == (200, 300)
        assert _is(photo, (100, 50), "red")
        assert _is(photo, (100, 250), "blue")

    def test_metadata_is_stripped(self) -> None:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "PhoneMaker"
        exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
        source = Image.open(BytesIO(bad_files.real_jpeg())).convert("RGB")
        photo = accept_photo(bad_files.encoded(source, "JPEG", exif=exif, comment=b"at home"))
        assert photo.image.info == {}
        stored = Image.open(BytesIO(photo.to_jpeg()))
        assert dict(stored.getexif()) == {}
        assert "comment" not in stored.info
        assert b"PhoneMaker" not in photo.to_jpeg()

    def test_a_colour_profile_is_applied_then_dropped(self) -> None:
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        source = Image.open(BytesIO(bad_files.real_jpeg())).convert("RGB")
        photo = accept_photo(bad_files.encoded(source, "JPEG", icc_profile=srgb))
        assert photo.image.info == {}
        assert "icc_profile" not in Image.open(BytesIO(photo.to_jpeg())).info

    def test_a_16_bit_grey_png_becomes_rgb(self) -> None:
        grey = Image.new("I;16", (200, 200), 40_000)
        photo = accept_photo(bad_files.encoded(grey, "PNG"))
        assert photo.image.getpixel((10, 10)) == (156, 156, 156)  # 40,000 / 256

    def test_transparency_is_flattened_onto_white(self) -> None:
        clear = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
        photo = accept_photo(bad_files.encoded(clear, "PNG"))
        assert photo.image.getpixel((100, 100)) == (255, 255, 255)


def _is(photo: AcceptedPhoto, at: tuple[int, int], colour: str) -> bool:
    expected = Image.new("RGB", (1, 1), colour).getpixel((0, 0))
    got = photo.image.getpixel(at)
    assert isinstance(got, tuple)
    assert isinstance(expected, tuple)
    return all(abs(a - b) < 40 for a, b in zip(got, expected, strict=True))
