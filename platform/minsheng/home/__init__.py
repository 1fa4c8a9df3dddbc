"""Where a signed-in user starts: the landing page, the home chooser, a tenant's home with its to-do list."""
