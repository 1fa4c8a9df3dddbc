"""The request plumbing every context shares: dependencies, the tenant scope, problems, pagination,
rate limits and the page kit. Foundation: it never imports a feature."""
