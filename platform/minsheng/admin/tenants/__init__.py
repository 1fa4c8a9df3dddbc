"""Tenant lifecycle for the platform operator: the tree, suspend and resume, export, delete and import, manifests."""
