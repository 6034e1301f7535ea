"""What is for sale, at what price, and what each product grants: read from configuration, never from code."""
