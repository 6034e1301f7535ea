"""A user's account as ``/balance`` shows it: premium, renewal, credits, allowances."""
