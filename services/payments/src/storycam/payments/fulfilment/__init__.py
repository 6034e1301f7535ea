"""What a paid purchase gives (premium time, credits), and what a refund takes back; told on payments.events."""
