"""The emulated Telegram: bots, simulated users, their chats, and the rules Telegram keeps."""
