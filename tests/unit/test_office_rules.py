"""The office's pure rules: the permission table by law, the settings form read from a schema, places,
one-time link tokens and sealed job arguments (no database)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from minsheng.accounts.links import activation_token, is_usable
from minsheng.accounts.models import PasswordLink
from minsheng.accounts.sealing import UnsealError, seal, unseal
from minsheng.admin.configuration_view import Level, provenance
from minsheng.admin.office.settings_form import fields_of, read_form
from minsheng.db.base import utcnow
from minsheng.errors import InvalidInput
from minsheng.permissions import Permission, RoleGrant, permissions_of, role_labels, roles_with
from minsheng.plugins.defaults import SETTINGS_SCHEMA
from minsheng.tenancy.models import TenantLevel, TenantStatus
from minsheng.tenancy.places import MAX_NAME, MAX_PLACES, normalized_places, own_places
from minsheng.tenancy.snapshot import TenantSnapshot

P = Permission


@pytest.mark.parametrize("decision", [P.ADJUSTMENTS_DECIDE, P.CANDIDATES_FIX, P.COMMITMENTS_CLOSE, P.EVALUATIONS_RUN])
def test_between_sessions_the_standing_committee_decides_in_a_county_and_the_presidium_in_a_township(
    decision: Permission,
) -> None:
    assert roles_with(decision, "county") == ["standing_committee"]
    assert roles_with(decision, "township") == ["presidium", "standing_committee"]


def test_the_office_prepares_the_government_files_and_neither_decides() -> None:
    for role in ("clerk", "tenant_admin", "government"):
        held = permissions_of([role], "township")
        assert not held & {P.ADJUSTMENTS_DECIDE, P.COMMITMENTS_CLOSE, P.CANDIDATES_FIX, P.ROUNDS_CONDUCT}, role
    assert P.COMMITMENTS_EVIDENCE in permissions_of(["government"], "county")
    assert P.USERS_MANAGE in permissions_of(["tenant_admin"], "county")
    assert P.USERS_MANAGE not in permissions_of(["clerk"], "county")


def test_the_operator_holds_its_row_only_and_a_plugin_may_only_add() -> None:
    operator = permissions_of([], "township", operator=True)
    assert operator == {P.TENANT_READ, P.USERS_MANAGE, P.SETTINGS_MANAGE, P.OVERSIGHT_READ, P.AUDIT_READ}
    grant = RoleGrant("secretary", frozenset({P.MEETINGS_RECORD}), label="Secretary of the presidium")
    assert permissions_of(["secretary"], "county", [grant]) == {P.MEETINGS_RECORD}
    assert permissions_of(["clerk"], "county", [grant]) == permissions_of(["clerk"], "county")
    assert role_labels([grant])["secretary"] == "Secretary of the presidium"
    assert role_labels()["clerk"] == "Congress office staff"


def test_the_settings_form_reads_kinds_labels_and_what_is_set_here() -> None:
    fields = {f.key: f for f in fields_of(SETTINGS_SCHEMA, {"rectification_days": 90}, {"allow_no_margin": True})}
    assert fields["rectification_days"].kind == "integer"
    assert (fields["rectification_days"].minimum, fields["rectification_days"].maximum) == (1, 730)
    assert fields["rectification_days"].label == "Days the government has to rectify"
    assert fields["allow_no_margin"].kind == "boolean" and fields["allow_no_margin"].own
    assert not fields["rectification_days"].own
    assert fields["negative_list"].kind == "lines" and fields["margin_lower_ratio"].kind == "text"


INHERIT_ALL = {f"inherit.{key}": "1" for key in SETTINGS_SCHEMA["properties"]}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("typed", "accepted"), [("1", True), ("730", True), ("0", False), ("731", False), ("x", False)]
)
def test_an_integer_setting_is_read_within_its_bounds(typed: str, accepted: bool) -> None:
    form = {**INHERIT_ALL, "value.rectification_days": typed}
    form.pop("inherit.rectification_days")
    values, problems = read_form(SETTINGS_SCHEMA, form, {})
    assert (
        (values == {"rectification_days": int(typed)})
        if accepted
        else [p.key for p in problems] == ["rectification_days"]
    )


@pytest.mark.parametrize(("typed", "accepted"), [("0.2", True), ("1", True), ("1.5", False), ("20%", False)])
def test_a_ratio_setting_follows_the_schemas_pattern(typed: str, accepted: bool) -> None:
    form = {**INHERIT_ALL, "value.margin_lower_ratio": typed}
    form.pop("inherit.margin_lower_ratio")
    values, problems = read_form(SETTINGS_SCHEMA, form, {})
    assert bool(values) is accepted and bool(problems) is not accepted


def test_inherited_fields_are_left_out_and_pages_of_their_own_keep_theirs() -> None:
    form = {**INHERIT_ALL, "value.allow_no_margin": "1"}
    form.pop("inherit.allow_no_margin")
    values, problems = read_form(SETTINGS_SCHEMA, form, {"places": ["东村"]}, {"places": "/p", "negative_list": "/n"})
    assert (values, problems) == ({"allow_no_margin": True}, [])
    unticked = {**INHERIT_ALL}
    unticked.pop("inherit.allow_no_margin")
    assert read_form(SETTINGS_SCHEMA, unticked, {})[0] == {"allow_no_margin": False}


def snapshot(settings: dict[str, object]) -> TenantSnapshot:
    return TenantSnapshot(uuid.uuid4(), "t", "某镇", TenantLevel.TOWNSHIP, TenantStatus.ACTIVE, None, None, settings)


def test_own_places_are_the_tenants_own_list_only() -> None:
    assert own_places(snapshot({})) == []
    assert own_places(snapshot({"minsheng.defaults": {"places": [" 东村 ", "", "西村"]}})) == ["东村", "西村"]
    assert own_places(snapshot({"other": {"places": ["x"]}})) == []


def test_places_are_trimmed_deduplicated_and_bounded() -> None:
    assert normalized_places(["东村", " 东村", "", "西村 "]) == ["东村", "西村"]
    assert len(normalized_places([f"村{n}" for n in range(MAX_PLACES)])) == MAX_PLACES
    with pytest.raises(InvalidInput):
        normalized_places([f"村{n}" for n in range(MAX_PLACES + 1)])
    assert normalized_places(["村" * MAX_NAME]) == ["村" * MAX_NAME]
    with pytest.raises(InvalidInput):
        normalized_places(["村" * (MAX_NAME + 1)])


def test_an_activation_token_is_the_secrets_and_the_links_alone() -> None:
    link = uuid.uuid4()
    assert activation_token("s1", link) == activation_token("s1", link)
    assert activation_token("s1", link) != activation_token("s2", link)
    assert activation_token("s1", link) != activation_token("s1", uuid.uuid4())


def test_a_link_expiring_now_is_expired_and_a_used_one_is_spent() -> None:
    now = utcnow()
    link = PasswordLink(expires_at=now + timedelta(seconds=1), used_at=None)
    assert is_usable(link, now)
    assert not is_usable(PasswordLink(expires_at=now, used_at=None), now)
    assert not is_usable(PasswordLink(expires_at=now + timedelta(hours=1), used_at=now), now)


def test_sealed_rows_open_only_with_their_secret_and_purpose() -> None:
    sealed = seal("secret", "roster-rows", "初始密码".encode())
    assert "初始密码" not in sealed and unseal("secret", "roster-rows", sealed).decode() == "初始密码"
    for secret, purpose, text in (
        ("other", "roster-rows", sealed),
        ("secret", "other", sealed),
        ("secret", "roster-rows", ("B" if sealed[0] == "A" else "A") + sealed[1:]),
    ):
        with pytest.raises(UnsealError):
            unseal(secret, purpose, text)


def test_the_console_shows_a_townships_own_places_never_its_countys() -> None:
    chain = [Level("county", None, {"minsheng.defaults": {"places": ["县城社区"]}}), Level("town", None, {})]
    effective = {"minsheng.defaults": {"places": ["县城社区"]}}
    (places,) = provenance(chain, ("minsheng.defaults",), effective).settings
    assert (places.value, places.source) == ([], None)
    chain[-1] = Level("town", None, {"minsheng.defaults": {"places": ["东村"]}})
    (places,) = provenance(chain, ("minsheng.defaults",), effective).settings
    assert (places.value, places.source) == (["东村"], "town")
