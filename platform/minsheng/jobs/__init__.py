"""Background jobs: the outbox, its relay to arq, the arq worker, and the embedded inline runner."""
