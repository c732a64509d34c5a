"""Reading articles and extracting statements. Nothing in here knows about Telegram."""
