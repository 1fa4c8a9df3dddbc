"""Screening against the negative list (负面清单) of what may never be a livelihood project.

platform/docs/domain.md, "Screening": e.g. office buildings, office equipment. Matching is a plain substring test,
case-insensitive for Latin text, on the project's name, title and content: the list is short and
written by staff, and a false refusal is shown with its term so staff can overrule it knowingly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from minsheng.plugins.verdicts import Reason, Refusal

DEFAULT_NEGATIVE_LIST = ("办公楼", "办公设备", "楼堂馆所")
SCREENED_FIELDS = ("name", "title", "content")


def screen_against_negative_list(project: Mapping[str, object], terms: Iterable[str]) -> list[Refusal]:
    """Return one refusal per negative-list term found in the project's text fields."""
    texts = {
        name: value.casefold() for name in SCREENED_FIELDS if isinstance(value := project.get(name), str) and value
    }
    refusals: list[Refusal] = []
    for term in terms:
        needle = term.strip().casefold()
        if not needle:
            continue
        field = next((name for name, text in texts.items() if needle in text), None)
        if field is not None:
            refusals.append(
                Refusal(
                    rule="negative_list",
                    reason=Reason(
                        "the project's {field} contains {term}, which is on the negative list",
                        {"field": field, "term": term},
                    ),
                )
            )
    return refusals
