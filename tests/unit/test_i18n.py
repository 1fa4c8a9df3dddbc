"""Translations: complete zh-CN catalog, locale negotiation, formatting, and templates in both languages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from jinja2 import Environment

from minsheng import i18n
from minsheng.i18n import (
    DEFAULT_LOCALE,
    SUPPORTED_LOCALES,
    Term,
    format_datetime,
    format_number,
    msgid,
    negotiate_locale,
    placeholders,
    read_catalog,
    translate,
    translate_plural,
    translator,
)
from minsheng.i18n.catalogs import extract_messages
from minsheng.web.templating import local_redirect_target, render_to_string, status_title


def _translations(locale: str) -> dict[str, tuple[str, ...]]:
    return {
        message.id if isinstance(message.id, str) else message.id[0]: (
            (message.string,) if isinstance(message.string, str) else tuple(message.string)
        )
        for message in read_catalog(locale)
        if message.id
    }


# --- the catalogs -----------------------------------------------------------------------------------


def test_every_message_has_a_chinese_translation() -> None:
    untranslated = [key for key, strings in _translations("zh_CN").items() if not all(s.strip() for s in strings)]
    assert untranslated == []


def test_no_chinese_translation_is_fuzzy() -> None:
    # Fuzzy entries are left out when the catalog is compiled: they would show in English.
    assert [m.id for m in read_catalog("zh_CN") if m.id and m.fuzzy] == []


def test_every_catalog_holds_the_same_message_ids() -> None:
    ids = {locale: set(_translations(locale)) for locale in SUPPORTED_LOCALES}
    assert ids["en"] == ids["zh_CN"]


def test_chinese_translations_keep_the_placeholders_of_their_message_ids() -> None:
    mismatched = [
        key
        for key, strings in _translations("zh_CN").items()
        if any(placeholders(s) != placeholders(key) for s in strings)
    ]
    assert mismatched == []


@pytest.mark.parametrize(
    ("message", "chinese"),
    [
        ("Not found", "未找到"),
        ("You do not have the role needed for this action", "您没有执行此操作所需的角色"),
        ("Authentication required", "需要登录"),
        ("Wrong username or password", "用户名或密码错误"),
        ("The session has expired; please log in again", "会话已过期，请重新登录"),
        ("The form has expired; reload the page and try again", "表单已过期，请刷新页面后重试"),
        ("The password must not contain the user name", "密码不得包含用户名"),
        ("province", "省"),
        ("city", "市"),
        ("county", "县"),
        ("township", "乡镇"),
    ],
)
def test_seeded_messages_read_as_agreed(message: str, chinese: str) -> None:
    assert translate(message, "zh_CN") == chinese


# --- extraction: every marked text is in the catalogs ------------------------------------------------


@pytest.fixture(scope="module")
def extracted() -> dict[str | tuple[str, str], list[i18n.Occurrence]]:
    return extract_messages()


def test_extraction_finds_python_markers_and_template_calls(
    extracted: dict[str | tuple[str, str], list[i18n.Occurrence]],
) -> None:
    # From a msgid() marker in templating.py and from _() in a template: proof the extractors run.
    assert any(o.path.endswith("templating.py") for o in extracted["Something went wrong"])
    assert any(o.path.endswith("login.html") for o in extracted["Username"])
    assert any(o.path.endswith("base.html") for o in extracted["Signed in as {name}"])


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_no_extracted_message_is_missing_from_a_catalog(
    locale: str, extracted: dict[str | tuple[str, str], list[i18n.Occurrence]]
) -> None:
    catalog = set(_translations(locale))
    missing = {
        key: [f"{o.path}:{o.line}" for o in occurrences]
        for key, occurrences in extracted.items()
        if (key[0] if isinstance(key, tuple) else key) not in catalog
    }
    assert missing == {}, "run: python -m minsheng.i18n update, then translate the new entries"


# --- negotiation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "cookie", "expected"),
    [
        ("en", None, "en"),
        ("en-US,en;q=0.9", None, "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", None, "zh_CN"),
        ("zh-TW", None, "zh_CN"),
        ("fr-FR, en;q=0.5", None, "en"),
        ("de, fr", None, "zh_CN"),
        ("en;q=0.3, zh;q=0.8", None, "zh_CN"),
        ("en;q=0", None, "zh_CN"),
        ("en;q=banana", None, "zh_CN"),
        ("*", None, "zh_CN"),
        ("garbage", None, "zh_CN"),
        ("%%%;;,,==", None, "zh_CN"),
        ("", None, "zh_CN"),
        (None, None, "zh_CN"),
        ("en", "zh_CN", "zh_CN"),
        ("zh-CN", "en", "en"),
        (None, "en", "en"),
        ("en", "klingon", "en"),
        (None, "klingon", "zh_CN"),
        ("en", "", "en"),
    ],
)
def test_cookie_wins_then_accept_language_then_chinese(
    accept_language: str | None, cookie: str | None, expected: str
) -> None:
    assert negotiate_locale(accept_language, cookie) == expected


def test_a_huge_accept_language_header_is_cut_short() -> None:
    assert negotiate_locale("xx," * 10_000 + "en", None) == DEFAULT_LOCALE


# --- translating ------------------------------------------------------------------------------------


def test_parameters_are_filled_in_after_translation() -> None:
    message = "Too many failed logins; try again in {minutes} minutes"
    assert translate(message, "zh_CN", minutes=15) == "登录失败次数过多，请 15 分钟后再试"
    assert translate(message, "en", minutes=15) == "Too many failed logins; try again in 15 minutes"
    assert translate("A {level} cannot be placed under a {parent_level}", "zh_CN", level="省", parent_level="县") == (
        "省不能隶属于县"
    )


def test_a_term_parameter_is_translated_with_its_sentence() -> None:
    message = "A {level} cannot be placed under a {parent_level}"
    params = {"level": Term("province"), "parent_level": Term("county")}
    assert translate(message, "zh_CN", **params) == "省不能隶属于县"
    assert translate(message, "en", **params) == "A province cannot be placed under a county"
    assert str(Term("township")) == "township"


def test_a_message_without_parameters_is_not_formatted() -> None:
    assert translate("Use {braces} freely", "zh_CN") == "Use {braces} freely"


def test_an_unknown_message_comes_back_unchanged() -> None:
    assert translate("已经翻译好的文字", "zh_CN") == "已经翻译好的文字"
    assert translate("", "zh_CN") == ""


def test_an_unknown_locale_falls_back_to_chinese() -> None:
    assert translate("Not found", "fr") == "未找到"
    assert translate("Not found", "en-US") == "Not found"


def test_a_translation_with_a_broken_placeholder_shows_the_english_text(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def gettext(self, message: str) -> str:
            return "坏的 {nonexistent}"

    monkeypatch.setattr(i18n, "translator", lambda locale: Broken())
    assert translate("Unknown parent tenant {parent}", "zh_CN", parent="x") == "Unknown parent tenant x"


def test_msgid_marks_a_text_without_changing_it() -> None:
    assert msgid("Not found") == "Not found"


def test_plural_messages_fill_in_the_number() -> None:
    assert translate_plural("{num} project", "{num} projects", 1, "en") == "1 project"
    assert translate_plural("{num} project", "{num} projects", 3, "en") == "3 projects"


def test_the_translator_suits_jinjas_own_i18n_extension() -> None:
    environment = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    environment.install_gettext_translations(translator("zh_CN"), newstyle=True)  # type: ignore[attr-defined]
    template = environment.from_string("{% trans %}Not found{% endtrans %}|{{ _('Home') }}")
    assert template.render() == "未找到|首页"


def test_numbers_and_times_follow_the_locale() -> None:
    assert format_number(1234567.5, "zh_CN") == "1,234,567.5"
    moment = dt.datetime(2024, 3, 1, 6, 0, tzinfo=dt.UTC)
    assert format_datetime(moment, "zh_CN").startswith("2024年3月1日 14:00")  # shown in Beijing time
    assert "Mar 1, 2024" in format_datetime(moment, "en")


# --- templates in both languages --------------------------------------------------------------------


@dataclass
class _Tenant:
    name: str
    slug: str
    level: str


def test_pages_render_in_the_requested_language() -> None:
    chinese = render_to_string("login.html", "zh_CN", csrf_token="t0ken", error="Wrong username or password")
    english = render_to_string("login.html", "en", csrf_token="t0ken", error="Wrong username or password")
    assert '<html lang="zh-CN">' in chinese
    assert "用户名或密码错误" in chinese
    assert "民生实事项目人大代表票决" in chinese
    assert '<html lang="en">' in english
    assert "Wrong username or password" in english
    assert 'name="_csrf" value="t0ken"' in english


def test_template_messages_with_parameters_are_escaped() -> None:
    tenant = _Tenant(name="<script>x</script>县", slug="x", level="county")
    page = render_to_string("login.html", "zh_CN", tenant=tenant)
    assert "登录&lt;script&gt;x&lt;/script&gt;县" in page
    assert "<script>x</script>" not in page


def test_home_lists_tenants_with_their_level_in_words() -> None:
    page = render_to_string("home.html", "zh_CN", tenants=[_Tenant("宝丰县", "baofeng", "county")])
    assert 'href="/t/baofeng/"' in page
    assert ">县<" in page


def test_error_page_uses_the_usual_title_of_its_status() -> None:
    assert status_title(404) == "Not found"
    assert "未找到" in render_to_string("error.html", "zh_CN", status=404)
    assert "Something went wrong" in render_to_string("error.html", "en", status=418)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/t/baofeng/", "/t/baofeng/"),
        ("/t/x/?a=1", "/t/x/?a=1"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_next_links_stay_on_this_site(target: str | None, expected: str) -> None:
    assert local_redirect_target(target) == expected


def test_a_login_error_with_parameters_is_filled_in() -> None:
    page = render_to_string(
        "login.html",
        "zh_CN",
        error="Too many failed logins; try again in {minutes} minutes",
        error_params={"minutes": 15},
    )
    assert "登录失败次数过多，请 15 分钟后再试" in page


@dataclass
class _User:
    username: str
    display_name: str
    csrf_token: str


def test_forms_carry_the_requests_csrf_token_not_a_stored_one() -> None:
    # The token is bound to the session by the middleware (minsheng.http.csrf); the stored per-session
    # value is never put in a form.
    page = render_to_string("home.html", "en", tenants=[], user=_User("alice", "Alice", "s3ssion"), csrf_token="b0und")
    assert 'name="_csrf" value="b0und"' in page and "s3ssion" not in page
    assert "Signed in as Alice" in page
