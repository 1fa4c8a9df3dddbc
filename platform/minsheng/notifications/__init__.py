"""Notifications: messages to people through the tenant's channels, sent by outbox jobs, deduplicated."""
