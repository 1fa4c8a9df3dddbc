"""The quorum rule (法定人数): at least two thirds of the deputies must be present.

platform/docs/domain.md, "Quorum": 三分之二以上代表出席, and in Chinese law 以上 includes the number itself, so the
required number is ceil(2/3 × entitled), computed in integers: 30 entitled need 20, 31 need 21.
"""

from __future__ import annotations

from minsheng.plugins.verdicts import QuorumVerdict, Reason


def required_for_quorum(entitled: int) -> int:
    """Return the fewest deputies that make two thirds of ``entitled`` (rounded up)."""
    return -(-2 * entitled // 3)


def quorum_rule(entitled: int, present: int) -> QuorumVerdict:
    """Decide whether ``present`` of ``entitled`` deputies may hold the vote."""
    required = required_for_quorum(entitled)
    params = {"entitled": entitled, "present": present, "required": required}
    if entitled < 1:
        return QuorumVerdict(False, required, Reason("no deputies are entitled to attend", params))
    if not 0 <= present <= entitled:
        # Check-in figures that do not add up must stop the vote rather than be trusted.
        return QuorumVerdict(
            False, required, Reason("{present} present does not fit {entitled} entitled deputies", params)
        )
    if present < required:
        return QuorumVerdict(
            False,
            required,
            Reason("{present} of {entitled} deputies present, fewer than the {required} required", params),
        )
    return QuorumVerdict(True, required)
