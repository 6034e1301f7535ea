"""A mark that a Telegram id has had its free AI trial, kept past ``/delete_me``.

Without it, erasing oneself and coming back was a new free AI video each time, paid by the operator to xAI. The
mark is a keyed digest (HMAC-SHA-256) of the id, nothing else: it cannot be read back into an id without the key,
and it links to no other record. It is derived from each of ``PAYMENTS_ENCRYPTION_KEYS`` (made with the first,
found with any), so a key rotation keeps old marks valid for as long as the old key is listed; a mark made under a
key since dropped no longer matches, and that id may have one more trial.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from storycam.kit.db import Executor

_DOMAIN = b"storycam.payments.trial-mark\x00"  # a digest key of its own, never the sealing key itself


def mark_keys(encryption_keys: Sequence[str]) -> tuple[bytes, ...]:
    return tuple(hashlib.sha256(_DOMAIN + key.encode()).digest() for key in encryption_keys)


def _marks(keys: Sequence[bytes], user_id: int) -> list[bytes]:
    return [hmac.new(key, str(user_id).encode(), hashlib.sha256).digest() for key in keys]


async def marked(db: Executor, keys: Sequence[bytes], user_id: int) -> bool:
    if not keys:
        return False
    found: bool = await db.fetchval(
        "SELECT EXISTS (SELECT 1 FROM trial_marks WHERE mark = ANY($1::bytea[]))", _marks(keys, user_id)
    )
    return found


async def mark(db: Executor, keys: Sequence[bytes], user_id: int) -> None:
    if keys:
        await db.execute(
            "INSERT INTO trial_marks (mark) VALUES ($1) ON CONFLICT (mark) DO NOTHING", _marks(keys[:1], user_id)[0]
        )
