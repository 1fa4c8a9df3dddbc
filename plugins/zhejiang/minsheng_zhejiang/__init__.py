"""The Zhejiang practice, for tenants that enable ``zhejiang``.

- Ballot format ``priority_ranking`` (轻重缓急): see :mod:`minsheng_zhejiang.ranking`.
- Outcome: the platform's rule decides who is chosen; for a priority-ranking round the chosen are
  ranked by priority points, then approvals. Rounds of other formats are left to the defaults.
- Satisfaction: the Zhenhai rule with abstentions (弃权) as a figure of their own.
- Supervision: a special inquiry (专题询问) is required for every project.
- Documents: templates in ``templates/zhejiang/``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from minsheng.plugins import (
    SUPERVISION_METHODS,
    BallotFormat,
    DocumentTemplate,
    Outcome,
    SatisfactionOutcome,
    SupervisionMethod,
    Tally,
    TenantView,
    hookimpl,
)
from minsheng_zhejiang.ranking import FORMAT_CODE, PRIORITY_RANKING, has_points, priority_outcome
from minsheng_zhejiang.satisfaction import satisfaction_with_abstentions

PLUGIN_NAME = "zhejiang"

#: A documents context loads the templates with ``jinja2.PackageLoader(TEMPLATE_PACKAGE, TEMPLATE_FOLDER)``.
TEMPLATE_PACKAGE = "minsheng_zhejiang"
TEMPLATE_FOLDER = "templates"

DOCUMENT_TEMPLATES = (
    DocumentTemplate("voting_method", "zhejiang/voting_method.md.j2", "票决办法（排序票决）"),
    DocumentTemplate("ballot_paper", "zhejiang/ballot_paper.md.j2", "民生实事项目排序表决票"),
    DocumentTemplate("result_announcement", "zhejiang/result_announcement.md.j2", "主席团公告"),
    DocumentTemplate("inquiry_record", "zhejiang/inquiry_record.md.j2", "专题询问记录"),
    DocumentTemplate("satisfaction_report", "zhejiang/satisfaction_report.md.j2", "满意度测评报告"),
)


def special_inquiry_required() -> SupervisionMethod:
    """The platform's special inquiry (its question-and-answer fields), required for every project."""
    inquiry = next(method for method in SUPERVISION_METHODS if method.code == "special_inquiry")
    return dataclasses.replace(inquiry, label="Special inquiry (专题询问)", required=True)


@hookimpl
def minsheng_ballot_formats(tenant: TenantView) -> Sequence[BallotFormat]:
    """The priority-ranking format, beside the platform's two."""
    return (PRIORITY_RANKING,)


@hookimpl
def minsheng_outcome_rule(
    tenant: TenantView, tally: Tally, seats: int, entitled: int, ballot_format: str | None
) -> Outcome | None:
    """Priority-ranking rounds: chosen ranked by points; other formats: ``None`` (the defaults answer).

    The round's format decides; a caller that does not name it (``None``) is answered by whether the
    tally carries points, which only the priority-ranking counter gives.
    """
    ranking = ballot_format == FORMAT_CODE if ballot_format is not None else has_points(tally)
    if not ranking:
        return None
    return priority_outcome(tally, seats, entitled)


@hookimpl
def minsheng_satisfaction_rule(tenant: TenantView, counts: Mapping[str, int], members: int) -> SatisfactionOutcome:
    """The Zhenhai rule, with abstentions reported as their own figure."""
    return satisfaction_with_abstentions(counts, members)


@hookimpl
def minsheng_supervision_methods(tenant: TenantView) -> Sequence[SupervisionMethod]:
    """Special inquiry, required; it replaces the defaults' optional entry."""
    return (special_inquiry_required(),)


@hookimpl
def minsheng_document_templates(tenant: TenantView) -> Sequence[DocumentTemplate]:
    """Voting method, ranking ballot paper, announcement, inquiry record, satisfaction report."""
    return DOCUMENT_TEMPLATES
