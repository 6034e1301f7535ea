"""Charges: what Kiss Cam spends, paid from the first source that can (an allowance, the trial, then credits)."""
