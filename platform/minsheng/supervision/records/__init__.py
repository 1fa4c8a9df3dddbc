"""Supervision records: what an inspection, a special deliberation or a follow-up review found."""
