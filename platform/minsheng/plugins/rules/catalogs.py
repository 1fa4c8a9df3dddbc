"""The built-in registries: project categories and supervision methods (platform/docs/domain.md, stages 1 and 5)."""

from __future__ import annotations

from minsheng.plugins.registries import Category, FieldDefinition, SupervisionMethod

# Codes are stored with every project and never change; names are the terms staff use in reports.
CATEGORIES = (
    Category("education", "教育"),
    Category("health", "医疗卫生"),
    Category("elderly_care", "养老服务"),
    Category("roads_transport", "道路交通"),
    Category("employment", "就业创业"),
    Category("culture_sports", "文化体育"),
    Category("environment", "生态环境"),
    Category("utilities", "水电气"),
    Category("social_assistance", "社会救助"),
    Category("industry", "特色产业"),
    Category("other", "其他"),
)

_DATE = {"type": "string", "format": "date"}
_TEXT = {"type": "string", "minLength": 1}
_NAMES = {"type": "array", "items": _TEXT}

_WHEN = FieldDefinition("held_on", "Date held", _DATE, required=True)
_PARTICIPANTS = FieldDefinition("participants", "Participants", _NAMES, required=True)
_FINDINGS = FieldDefinition("findings", "Findings", _TEXT, required=True)
_FOLLOW_UP = FieldDefinition("follow_up", "Problems to follow up", _TEXT)

# All optional by default: which methods a region must use is its own choice (platform/docs/domain.md, stage 5).
SUPERVISION_METHODS = (
    SupervisionMethod(
        "inspection",
        "Inspection",
        (_WHEN, FieldDefinition("places", "Places visited", _NAMES, required=True), _PARTICIPANTS, _FINDINGS),
    ),
    SupervisionMethod(
        "special_deliberation",
        "Special deliberation",
        (_WHEN, _PARTICIPANTS, FieldDefinition("opinions", "Deliberation opinions", _TEXT, required=True)),
    ),
    SupervisionMethod(
        "special_inquiry",
        "Special inquiry",
        (
            _WHEN,
            _PARTICIPANTS,
            # One question, one answer, each with the fix promised, so that follow-up can check it.
            FieldDefinition(
                "questions",
                "Questions and answers",
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "asked_by": _TEXT,
                            "question": _TEXT,
                            "answered_by": _TEXT,
                            "answer": _TEXT,
                            "promised_fix": {"type": "string"},
                        },
                        "required": ["asked_by", "question", "answered_by", "answer"],
                    },
                },
                required=True,
            ),
        ),
    ),
    SupervisionMethod("follow_up_review", "Follow-up review", (_WHEN, _PARTICIPANTS, _FINDINGS, _FOLLOW_UP)),
    SupervisionMethod(
        "quarterly_meeting",
        "Quarterly progress meeting",
        (
            _WHEN,
            _PARTICIPANTS,
            FieldDefinition("percent_done", "Percent done", {"type": "integer", "minimum": 0, "maximum": 100}),
            FieldDefinition("funds_spent", "Funds spent (yuan)", {"type": "number", "minimum": 0}),
            _FOLLOW_UP,
        ),
    ),
)
