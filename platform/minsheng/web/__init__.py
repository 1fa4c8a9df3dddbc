"""The web layer: page templates and their rendering, translations, static files and npm-built assets."""
