"""The HTTP server: the app-core plugin wiring routes, dependencies, errors, logging and metrics."""
