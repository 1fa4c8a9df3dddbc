"""Satisfaction evaluation with 弃权 as a figure of its own (the Zhenhai rule, as Zhejiang publishes it).

The reading (platform/docs/domain.md, "Satisfaction evaluation"): the thresholds are "more than half of all
members" (全体组成人员), so the denominator is every member, whether they rated, abstained or stayed
away. An abstention is in no numerator: it never helps a project reach "satisfied" or "basically
satisfied" (it weighs against the threshold as an absence does), but it is not dissatisfaction
either, so it is reported as its own figure, next to those who did not rate at all. The decision is
the platform's ``satisfaction_rule``; this module words it with every figure.
"""

from __future__ import annotations

from collections.abc import Mapping

from minsheng.plugins import Reason, SatisfactionOutcome, satisfaction_rule


def satisfaction_with_abstentions(counts: Mapping[str, int], members: int) -> SatisfactionOutcome:
    """Decide as the platform does; the reason gives satisfied, basically, unsatisfied, abstained and
    not rated separately. Raises ``ValueError`` for counts that cannot be true, as the platform does."""
    decided = satisfaction_rule(counts, members)
    params = {
        "satisfied": counts.get("satisfied", 0),
        "basically": counts.get("basically_satisfied", 0),
        "unsatisfied": counts.get("unsatisfied", 0),
        "abstained": counts.get("abstain", 0),
        "not_rated": members - sum(counts.values()),
        "members": members,
    }
    if decided.outcome == "satisfied":
        reason = Reason(
            "{satisfied} of {members} members are satisfied, more than half ({basically} basically satisfied,"
            " {unsatisfied} unsatisfied, {abstained} abstained, {not_rated} did not rate)",
            params,
        )
    elif decided.outcome == "basically_satisfied":
        reason = Reason(
            "{satisfied} satisfied and {basically} basically satisfied of {members} members, together more than"
            " half ({unsatisfied} unsatisfied, {abstained} abstained, {not_rated} did not rate)",
            params,
        )
    else:
        reason = Reason(
            "only {satisfied} satisfied and {basically} basically satisfied of {members} members ({unsatisfied}"
            " unsatisfied, {abstained} abstained, {not_rated} did not rate): the project must be rectified and"
            " evaluated again",
            params,
        )
    return SatisfactionOutcome(decided.outcome, decided.rectification_required, reason)
