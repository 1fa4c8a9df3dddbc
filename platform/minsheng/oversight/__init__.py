"""Oversight across levels: roll-up figures of a tenant's subtree, dashboards and their Excel export."""
