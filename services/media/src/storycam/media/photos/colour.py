"""Colours of a decoded photo as plain sRGB, so that dropping the file's ICC profile changes no colour."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageCms

_SRGB = ImageCms.createProfile("sRGB")


def as_srgb(image: Image.Image) -> Image.Image:
    """RGB pixels in sRGB: 16-bit grey cut to 8 bits, transparency flattened onto white, a wide-gamut profile
    (an iPhone's Display P3) converted. A profile that littleCMS cannot apply leaves the pixels as they are."""
    icc = image.info.get("icc_profile")
    if image.mode.startswith("I"):
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        rgb = Image.new("RGB", rgba.size, (255, 255, 255))
        rgb.paste(rgba, mask=rgba.getchannel("A"))
    else:
        rgb = image if image.mode == "RGB" else image.convert("RGB")
    if not icc:
        return rgb
    try:
        converted = ImageCms.profileToProfile(rgb, ImageCms.ImageCmsProfile(BytesIO(icc)), _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return rgb  # e.g. a CMYK profile on pixels Pillow already made RGB
    return converted if converted is not None else rgb
