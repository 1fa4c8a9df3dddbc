"""The audit log: append-only, hash-chained per tenant (and one chain for the platform itself)."""
