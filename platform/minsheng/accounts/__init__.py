"""Accounts: users, memberships with roles per tenant, login, tokens and sessions."""
