"""Checkouts: a tap on "buy" opens a purchase and answers how to pay it (a link, or a Stars invoice)."""
