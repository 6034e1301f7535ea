"""Route dependencies of the YooKassa emulator: the shop, and YooKassa's Basic authentication."""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Annotated

from fastapi import Depends, Request

from storycam.sandbox.yookassa.errors import YooKassaApiError
from storycam.sandbox.yookassa.shop import YooKassaShop


def shop_of(request: Request) -> YooKassaShop:
    shop: YooKassaShop = request.app.state.yookassa
    return shop


ShopDep = Annotated[YooKassaShop, Depends(shop_of)]


def authenticated_shop(request: Request, shop: ShopDep) -> YooKassaShop:
    """Basic ``shopId:secretKey``, compared in constant time; anything else is YooKassa's 401."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    try:
        shop_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        shop_id = secret = ""
    expected_id, expected_secret = shop.config.shop_id, shop.config.secret_key
    matches = secrets.compare_digest(shop_id.encode(), expected_id.encode()) & secrets.compare_digest(
        secret.encode(), expected_secret.encode()
    )
    if scheme.lower() != "basic" or not matches:
        raise YooKassaApiError(
            401, "invalid_credentials", "Login fails: check the shop id and the secret key (HTTP Basic)."
        )
    return shop


AuthenticatedShop = Annotated[YooKassaShop, Depends(authenticated_shop)]
