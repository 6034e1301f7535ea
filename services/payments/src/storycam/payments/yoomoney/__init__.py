"""YooMoney wallet payments, for operators without a YooKassa shop: Quickpay links and signed notifications."""
