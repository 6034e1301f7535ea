"""A YooMoney Quickpay emulator: the payment form's page and the signed HTTP notification it sends."""
