"""The office runs itself: its administrator keeps its users, invitations, places, negative list and
plugin settings, without the platform operator (``platform/docs/roles.md``)."""
