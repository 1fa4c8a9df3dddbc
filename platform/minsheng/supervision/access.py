"""Who does what in supervision (platform/docs/domain.md, "Who uses it"): the presidium and the congress office run
it, deputies rate and ask, the government answers and closes commitments with evidence."""

from __future__ import annotations

from minsheng.accounts.models import Role

RUNNERS = (Role.TENANT_ADMIN.value, Role.PRESIDIUM.value)
READERS = (*RUNNERS, Role.DEPUTY.value, Role.GOVERNMENT.value)
RECORDERS = (*RUNNERS, Role.DEPUTY.value)
ANSWERERS = (*RUNNERS, Role.GOVERNMENT.value)
CLOSERS = (Role.GOVERNMENT.value, Role.TENANT_ADMIN.value)
