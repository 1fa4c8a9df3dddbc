"""Supervision (监督): plans and groups, records, special inquiries, satisfaction evaluations."""
