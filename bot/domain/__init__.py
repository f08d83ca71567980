"""The programme's own vocabulary: people, roles, content, deliveries. No Telegram, no SQL."""
