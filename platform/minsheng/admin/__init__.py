"""The platform operator's console: tenant tree, onboarding, manifests, users, roles and invitations."""
