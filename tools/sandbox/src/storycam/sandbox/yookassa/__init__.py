"""A YooKassa emulator: the REST API the payments service calls, a checkout page, and notifications."""
