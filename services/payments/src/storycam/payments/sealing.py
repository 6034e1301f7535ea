"""Personal fields kept at rest (a receipt contact, a YooMoney sender), sealed with Fernet.

``PAYMENTS_ENCRYPTION_KEYS`` lists Fernet keys, comma-separated: the first seals, every one opens (MultiFernet),
so a key is rotated by putting a new one first, re-sealing (``storycam-payments reseal``), then dropping the old.
Nothing of a card is ever kept: YooKassa's page takes the card, and we see only the payment's outcome.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from storycam.kit.logging import get_logger
from storycam.payments.settings import PaymentsSettings

log = get_logger(__name__)


class Sealer:
    def __init__(self, keys: tuple[str, ...]) -> None:
        if not keys:
            raise ValueError("a sealer needs at least one key")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    @classmethod
    def from_settings(cls, settings: PaymentsSettings) -> Sealer:
        return cls(settings.encryption_keys)

    def seal(self, fields: dict[str, Any]) -> bytes:
        return self._fernet.encrypt(json.dumps(fields, separators=(",", ":"), sort_keys=True).encode())

    def open(self, token: bytes) -> dict[str, Any] | None:
        """The fields, or None when no key of ours opens the token (a key dropped too early: logged)."""
        try:
            value = json.loads(self._fernet.decrypt(token))
        except InvalidToken:
            log.warning("sealing.cannot_open")
            return None
        return value if isinstance(value, dict) else None

    def reseal(self, token: bytes) -> bytes:
        """The same fields under the first key (rotation)."""
        return self._fernet.rotate(token)
