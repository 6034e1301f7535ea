"""The media service's cases of the kit's error tree. Kiss Cam's refusals carry a ``FailureReason`` code as their
``error``, so the gateway words them like a failed job."""

from __future__ import annotations

from storycam.kit.errors import Conflict, StorycamError


class RateLimited(StorycamError):
    status_code = 429
    code = "rate_limited"
    default_detail = "This user has started as many Kiss Cam jobs as an hour allows."


class Busy(StorycamError):
    status_code = 429
    code = "busy"
    default_detail = "A Kiss Cam job of this user is still running."


class ProviderUnavailable(Conflict):
    code = "provider_unavailable"
    default_detail = "That video provider is not configured on this server."


class JobIdReused(Conflict):
    code = "job_id_reused"
    default_detail = "A different job was already accepted under this job_id."


class PhotoMissing(StorycamError):
    status_code = 422
    code = "photo_missing"
    default_detail = "A photo key names nothing in storage (never stored, or already removed)."


class BadPhotoKey(StorycamError):
    status_code = 422
    code = "bad_photo_key"
    default_detail = "A photo key is not a storage key under inputs/."
