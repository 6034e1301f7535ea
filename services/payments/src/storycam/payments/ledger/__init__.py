"""The credit ledger: credits for AI videos, granted by purchases, held by a job, then settled or released.

Kiss Cam spends through charges (``storycam.payments.charges``), which hold credits here when no allowance pays.
Erasure on ``/delete_me`` deletes the user's entries except grants a purchase paid for, which are unlinked (the
append-only trigger's one exception, migration 0011; docs/credits.md). Not here yet: taking credits back on a
refund (the purchases side).
"""
