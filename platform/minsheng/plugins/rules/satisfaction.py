"""The satisfaction rule (满意度测评) published by Zhenhai, the default.

platform/docs/domain.md, "Satisfaction evaluation": "satisfied" when 满意 votes are more than half of all members;
else "basically satisfied" when 满意 + 基本满意 are more than half; else "unsatisfied", and the
government must rectify (整改) and be evaluated again. Half is of all members, not of those voting.
"""

from __future__ import annotations

from collections.abc import Mapping

from minsheng.plugins.verdicts import Reason, SatisfactionOutcome

RATINGS = ("satisfied", "basically_satisfied", "unsatisfied", "abstain")


def satisfaction_rule(counts: Mapping[str, int], members: int) -> SatisfactionOutcome:
    """Decide a project's evaluation from ``counts`` by rating and the number of ``members``.

    Raises ``ValueError`` for counts that cannot be true (unknown rating, negative, more votes than
    members): those are faults of the caller, and no outcome would be honest.
    """
    unknown = set(counts) - set(RATINGS)
    if unknown:
        raise ValueError(f"unknown ratings: {sorted(unknown)}")
    if members < 1:
        raise ValueError(f"an evaluation needs members, not {members}")
    if any(count < 0 for count in counts.values()) or sum(counts.values()) > members:
        raise ValueError(f"counts {dict(counts)} do not fit {members} members")

    satisfied = counts.get("satisfied", 0)
    basically = counts.get("basically_satisfied", 0)
    params = {"satisfied": satisfied, "basically": basically, "members": members}
    # Integer comparison: "more than half" of 29 members is 15, never 14.5.
    if 2 * satisfied > members:
        return SatisfactionOutcome(
            "satisfied",
            rectification_required=False,
            reason=Reason("{satisfied} of {members} members are satisfied, more than half", params),
        )
    if 2 * (satisfied + basically) > members:
        return SatisfactionOutcome(
            "basically_satisfied",
            rectification_required=False,
            reason=Reason(
                "{satisfied} satisfied and {basically} basically satisfied of {members} members,"
                " together more than half",
                params,
            ),
        )
    return SatisfactionOutcome(
        "unsatisfied",
        rectification_required=True,
        reason=Reason(
            "only {satisfied} satisfied and {basically} basically satisfied of {members} members:"
            " the project must be rectified and evaluated again",
            params,
        ),
    )
