"""Implementation (实施): work plans, progress reports, quarterly meetings, adjustments, deadlines."""
