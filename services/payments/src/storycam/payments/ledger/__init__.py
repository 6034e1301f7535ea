"""The credit ledger: credits for AI videos, granted by purchases, held by a job, then settled or released.

Not here yet (issue 10): the daily free allowance of classic Kiss Cam clips, the one-time free AI trial for a new
user, the premium subscription's monthly AI allowance, taking credits back on a refund, and erasure on
``/delete_me`` (the entries are append-only by trigger; erasure will need to unlink ``user_id`` deliberately).
"""
