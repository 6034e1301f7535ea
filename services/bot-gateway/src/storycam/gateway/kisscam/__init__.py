"""Kiss Cam on the user's side: consent, photos collected per chat, jobs asked of media, progress and the clip."""
