"""Offline verification of a round export (``minsheng-round-export/2``); no database, no network.

The export lists the ballot contents and the receipts apart, never paired (a receipt proves that a
ballot was counted, not what it said: platform/docs/threat-model.md). The checks, in order, stop at
the first mismatch:

1. the audit chain holds (every digest and link), and ends with the round's ``round.closed`` event;
2. the receipts are exactly those the ``round.closed`` event recorded, one per phone ballot;
3. the sorted hashes of the ballots are exactly those the ``round.closed`` event recorded;
4. each ballot's validity is recomputed by the ballot format, and the valid and invalid counts agree;
5. the tally is recomputed through the ballot format and equals the one in the chain;
6. the stored result agrees with the chain and the ballots (figures, votes, a format's own figures
   such as ranking points, chosen, receipts, head).

Built-in ballot formats come from ``minsheng.plugins``; a plugin's format from the installed plugin.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from minsheng.audit.services import verify_events
from minsheng.congress.voting.rules import ballot_hash
from minsheng.plugins.registries import BallotFormat

ROUND_EXPORT_FORMAT = "minsheng-round-export/2"
CHOICES = ("yes", "no", "abstain")
FIGURES = ("status", "entitled", "present", "ballots_issued", "ballots_returned", "valid", "invalid")


class Mismatch(Exception):
    """The first thing in the export that does not hold."""


@dataclass
class RoundVerifyResult:
    passed: list[str] = field(default_factory=list)
    failure: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def summary(self) -> str:
        lines = [f"ok: {line}" for line in self.passed]
        lines.append(f"MISMATCH: {self.failure}" if self.failure else "OK: the round export verifies")
        return "\n".join(lines)


def installed_ballot_formats(settings: Mapping[str, Any] | None = None) -> dict[str, BallotFormat]:
    """Every ballot format the installed plugins offer (built-in ones included), by code.

    Each plugin is asked with a neutral platform-level view holding its default settings, as the
    verifier does for digest algorithms, overridden by ``settings`` (plugin -> settings): those the
    round was counted under, as its ``round.closed`` event records them (e.g. 多选作废 turned off).
    """
    from dataclasses import replace
    from types import MappingProxyType

    from minsheng.plugins.manager import get_plugin_manager, neutral_view

    manager = get_plugin_manager()
    view = neutral_view(manager)
    if settings:
        merged = {
            plugin: MappingProxyType({**view.plugin_settings.get(plugin, {}), **(settings.get(plugin) or {})})
            for plugin in view.enabled_plugins
        }
        view = replace(view, plugin_settings=MappingProxyType(merged))
    return manager.hooks_for(view).ballot_formats()


def _closed_event(chain: list[dict[str, Any]], round_id: str) -> dict[str, Any]:
    if not chain:
        raise Mismatch("the export holds no audit chain")
    last = chain[-1]
    if last.get("action") != "round.closed" or last.get("subject") != round_id:
        raise Mismatch(f"the chain does not end with the round.closed event of round {round_id}")
    return last


def phone_ballots(round_info: Mapping[str, Any], result: Mapping[str, Any]) -> int:
    """How many ballots of the round were cast on phones, each with its receipt (a paper ballot has none)."""
    method = round_info.get("method")
    if method == "paper":
        return 0
    if method == "mixed":
        return int(((result.get("by_method") or {}).get("electronic") or {}).get("ballots_returned") or 0)
    return int(round_info.get("returned") or 0)


def _check_receipts(
    receipts: list[str], recorded: list[str], round_info: Mapping[str, Any], result: Mapping[str, Any]
) -> None:
    if any(isinstance(item, dict) for item in receipts):
        raise Mismatch("the receipts are paired with something: a receipt must stand alone")
    if receipts != sorted(recorded):
        raise Mismatch("the export's receipts are not those the round.closed event records")
    if len(set(receipts)) != len(receipts):
        raise Mismatch("a receipt is listed twice")
    expected = phone_ballots(round_info, result)
    if len(receipts) != expected:
        raise Mismatch(f"{len(receipts)} receipts but {expected} ballots were cast on phones")


def _check_hashes(ballots: list[dict[str, Any]], recorded: list[str]) -> None:
    hashes = sorted(ballot_hash(uuid.UUID(str(b["id"])), b["content"]) for b in ballots)
    if len(hashes) != len(recorded):
        raise Mismatch(f"{len(hashes)} ballots in the export but the round.closed event records {len(recorded)}")
    for mine, theirs in zip(hashes, sorted(recorded), strict=True):
        if mine != theirs:
            raise Mismatch(f"ballot hash {mine} is not the one the chain records ({theirs})")


def _check_validity(
    ballots: list[dict[str, Any]], fmt: BallotFormat, candidates: list[str], seats: int, payload: Mapping[str, Any]
) -> list[Any]:
    valid = []
    for ballot in ballots:
        recomputed = fmt.validate(ballot["content"], candidates, seats) is None
        if recomputed != bool(ballot["valid"]):
            state = "valid" if recomputed else "invalid"
            raise Mismatch(f"ballot {ballot['id']} is marked valid={ballot['valid']} but the format finds it {state}")
        if recomputed:
            valid.append(ballot["content"])
    invalid = len(ballots) - len(valid)
    if (len(valid), invalid) != (payload.get("valid"), payload.get("invalid")):
        raise Mismatch(
            f"{len(valid)} valid and {invalid} invalid ballots recomputed;"
            f" the chain records {payload.get('valid')} and {payload.get('invalid')}"
        )
    return valid


def _check_result(
    result: Mapping[str, Any],
    payload: Mapping[str, Any],
    round_info: Mapping[str, Any],
    head: str,
) -> None:
    for key in FIGURES:
        if result.get(key) != payload.get(key):
            raise Mismatch(f"result {key} is {result.get(key)!r} but the chain records {payload.get(key)!r}")
    for key, name in (("entitled", "entitled"), ("present", "present"), ("issued", "ballots_issued")):
        if round_info.get(key) != result.get(name):
            raise Mismatch(f"round {key} is {round_info.get(key)!r} but the result says {result.get(name)!r}")
    if round_info.get("returned") != result.get("ballots_returned"):
        raise Mismatch("round returned does not match the result's ballots_returned")
    tally = payload.get("tally") or {}
    chosen = {candidate: rank for candidate, rank in payload.get("chosen") or []}
    listed = result.get("candidates") or []
    if sorted(row.get("project_id") for row in listed) != sorted(round_info.get("candidates") or []):
        raise Mismatch("the result does not list exactly the round's candidates")
    for row in listed:
        candidate = row["project_id"]
        for choice in CHOICES:
            expected = tally.get(candidate, {}).get(choice, 0)
            if row.get(choice) != expected:
                raise Mismatch(f"result gives {candidate} {row.get(choice)} {choice}; the tally has {expected}")
        expected_figures = {k: v for k, v in tally.get(candidate, {}).items() if k not in CHOICES}
        # A result stored before ``figures`` existed has no such key: its tally was checked above.
        if "figures" in row and dict(row["figures"] or {}) != expected_figures:
            raise Mismatch(f"result gives {candidate} figures {row.get('figures')}; the tally has {expected_figures}")
        if bool(row.get("chosen")) != (candidate in chosen) or row.get("rank") != chosen.get(candidate):
            raise Mismatch(f"result says {candidate} chosen={row.get('chosen')} rank={row.get('rank')}; chain differs")
    if sorted(result.get("receipts") or []) != sorted(payload.get("receipts") or []):
        raise Mismatch("the result's receipts are not those the round.closed event records")
    if result.get("chain_head") != head:
        raise Mismatch(f"the result's chain head {result.get('chain_head')} is not the round.closed digest {head}")
    if list(result.get("tied") or []) != list(payload.get("tied") or []):
        raise Mismatch("the result's tied candidates differ from the chain's")


def verify_round_export(
    document: Mapping[str, Any],
    *,
    formats: Mapping[str, BallotFormat] | None = None,
    algorithms: Mapping[str, Callable[[bytes], str]] | None = None,
) -> RoundVerifyResult:
    """Verify a round export offline; the result lists what matched and the first mismatch."""
    report = RoundVerifyResult()
    try:
        if document.get("format") != ROUND_EXPORT_FORMAT:
            raise Mismatch(f"not a {ROUND_EXPORT_FORMAT} document")
        round_info = document.get("round") or {}
        ballots = list(document.get("ballots") or [])
        result = document.get("result") or {}
        chain = list(document.get("chain") or [])

        broken = verify_events(chain, dict(algorithms) if algorithms is not None else _algorithms())
        if broken is not None:
            raise Mismatch(f"audit chain broken at event {broken.seq}: {broken.reason}")
        closed = _closed_event(chain, str(round_info.get("id")))
        payload = closed.get("payload") or {}
        report.passed.append(f"audit chain: {len(chain)} events, ending with round.closed {closed['digest']}")

        if any("receipt" in ballot for ballot in ballots):
            raise Mismatch("a ballot carries a receipt: the export must not pair receipts with contents")
        receipts = [str(code) for code in document.get("receipts") or []]
        _check_receipts(receipts, list(payload.get("receipts") or []), round_info, result)
        report.passed.append(f"receipts: {len(receipts)}, apart from the contents, exactly those the chain records")

        _check_hashes(ballots, list(payload.get("ballot_hashes") or []))
        report.passed.append("ballot hashes: exactly those recorded in round.closed")

        known = formats if formats is not None else installed_ballot_formats(payload.get("settings"))
        code = str(round_info.get("ballot_format"))
        if code not in known:
            raise Mismatch(f"ballot format {code} is not installed here: install the plugin that offers it")
        fmt = known[code]
        candidates = [str(c) for c in round_info.get("candidates") or []]
        valid = _check_validity(ballots, fmt, candidates, int(round_info.get("seats") or 0), payload)
        report.passed.append(f"validity: {len(valid)} valid, {len(ballots) - len(valid)} invalid")

        if payload.get("status") == "void":
            recomputed = {c: dict.fromkeys(CHOICES, 0) for c in candidates}
        else:
            recomputed = {c: {k: int(v) for k, v in t.items()} for c, t in fmt.tally(valid, candidates).items()}
        if recomputed != payload.get("tally"):
            raise Mismatch(f"recomputed tally {recomputed} differs from the chain's {payload.get('tally')}")
        report.passed.append(f"tally: recomputed through {code}, equal to the chain's")

        _check_result(result, payload, round_info, closed["digest"])
        report.passed.append(f"result: {result.get('status')}, agrees with the chain and the ballots")
    except Mismatch as mismatch:
        report.failure = str(mismatch)
    except (KeyError, TypeError, ValueError) as error:
        report.failure = f"malformed export: {error!r}"
    return report


def _algorithms() -> dict[str, Callable[[bytes], str]]:
    from minsheng.plugins.manager import digest_algorithms

    return digest_algorithms()
