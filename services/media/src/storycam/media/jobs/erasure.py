"""``/delete_me`` in media: a user's finished Kiss Cam jobs go, with the photos and the clips made of them.

A job still running is left to finish (its photos are deleted as it ends); its row goes with a later erasure or
stays as the record of a charge in flight."""

from __future__ import annotations

from storycam.contracts.users import UserErasureRequested
from storycam.kit.bus import Subscription
from storycam.kit.erasure import erasure_subscription
from storycam.kit.logging import get_logger
from storycam.kit.state import ServiceState
from storycam.kit.storage import Storage
from storycam.kit.uow import UnitOfWork
from storycam.media.jobs import repository
from storycam.media.jobs.lifecycle import delete_objects

log = get_logger(__name__)


def kisscam_erasure(state: ServiceState, storage: Storage) -> Subscription[UserErasureRequested]:
    async def erase(event: UserErasureRequested, work: UnitOfWork) -> None:
        objects = await repository.erase_finished(await work.connection(), event.user_id)
        work.after_commit(lambda: delete_objects(storage, objects))
        log.info("kisscam.user_erased", objects=len(objects))

    return erasure_subscription(state, erase)
