"""Tenancy: the tenant tree, the current tenant, and isolation in the ORM and in PostgreSQL."""
