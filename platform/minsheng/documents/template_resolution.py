"""Which template renders a kind for a tenant, and the Jinja2 environments that load them.

Templates come through ``minsheng_document_templates``: every enabled plugin may contribute, and for
each kind and format the most specific plugin's template wins (the platform's defaults, registered
as ``minsheng.defaults``, come last). The implementations are asked one by one, in pluggy's calling
order, so we know which plugin gave which template and load it from that plugin's folder: a region
plugin declares ``TEMPLATE_PACKAGE`` and ``TEMPLATE_FOLDER`` (as ``plugins/henan`` does); a default
template lives in its kind's ``template_dir``.

A DOCX-only override is contributed under the key ``"<kind>.docx"`` with a docxtpl ``.docx`` file.

Above every plugin stands the office's own version of a kind's template (``template_editing``),
for its tenant only: a Markdown one renders the PDF and the DOCX, an HTML one the PDF. Its source
was typed in a page, so it is rendered in Jinja2's immutable sandbox over that one template: it
reads the document's data and the platform's filters, and nothing else (no file, no other
template, no attribute that reaches Python's internals).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import cast

import jinja2
import segno
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from minsheng.documents.kinds import DocumentKind
from minsheng.documents.wording import chinese_date, chinese_numeral, clause, sentence
from minsheng.plugins.configuration import DEFAULTS_PLUGIN
from minsheng.plugins.errors import PluginError
from minsheng.plugins.manager import MinshengPluginManager, get_plugin_manager
from minsheng.plugins.registries import DocumentTemplate
from minsheng.plugins.tenant import TenantView

HOOK = "minsheng_document_templates"
#: Who gave a template the office edited (``GeneratedDocument.template`` reads ``office:<name>``).
OFFICE = "office"
MARKDOWN = (".md.j2", ".md")
HTML = (".html.j2", ".html")
DOCX_SUFFIX = ".docx"


@dataclass(frozen=True)
class ResolvedTemplate:
    """The template chosen for one kind and format: its name, the plugin that gave it, its folder."""

    kind: str
    name: str
    plugin: str
    root: Path
    label: str = ""
    #: The source of the office's own version (``root`` then means nothing): rendered in the sandbox.
    source: str | None = None

    @property
    def is_markdown(self) -> bool:
        return self.name.endswith(MARKDOWN)

    @property
    def is_html(self) -> bool:
        return self.name.endswith(HTML)

    @property
    def is_docx(self) -> bool:
        return self.name.endswith(DOCX_SUFFIX)

    def read_text(self) -> str:
        """The template's source, as an editor shows it (a docxtpl file has none)."""
        if self.source is not None:
            return self.source
        if self.is_docx:
            raise ValueError(f"template {self.name!r} is a Word file")
        return self.read_bytes().decode("utf-8")

    def compiled(self) -> jinja2.Template:
        """The Jinja2 template: the office's in the sandbox, a plugin's from its folder."""
        if self.source is not None:
            return sandboxed_environment(self.is_markdown).from_string(self.source)
        return environment(self.root, self.is_markdown).get_template(self.name)

    def read_bytes(self) -> bytes:
        """The template file itself (a docxtpl ``.docx``)."""
        path = (self.root / self.name).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"template {self.name!r} is outside its folder")
        return path.read_bytes()


class TemplateMissing(LookupError):
    """No enabled plugin offers a template that can render this kind in this format."""


def _plugin_root(plugin_name: str, plugin: object) -> Path:
    """The folder a region plugin's templates are in: ``TEMPLATE_PACKAGE``/``TEMPLATE_FOLDER``, or the
    ``templates`` folder of the plugin's own package when it is a module."""
    package = getattr(plugin, "TEMPLATE_PACKAGE", None)
    if package is None and isinstance(plugin, ModuleType):
        package = plugin.__name__.split(".")[0]
    if package is None:
        raise PluginError(plugin_name, HOOK, LookupError("declare TEMPLATE_PACKAGE to say where the templates are"))
    folder = getattr(plugin, "TEMPLATE_FOLDER", "templates")
    return Path(str(resources.files(package).joinpath(folder)))


def _contributions(
    manager: MinshengPluginManager, tenant: TenantView
) -> list[tuple[str, object, list[DocumentTemplate]]]:
    caller = manager.hook_callers(frozenset(tenant.enabled_plugins))[HOOK]
    found = []
    # pluggy calls the last-registered (most specific) implementation first, the defaults last.
    for impl in reversed(caller.get_hookimpls()):
        try:
            entries = impl.function(**{name: tenant for name in impl.argnames if name == "tenant"})
        except Exception as error:
            raise PluginError(impl.plugin_name, HOOK, error) from error
        templates = list(cast(Iterable[object], entries or ()))
        wrong = [type(entry).__name__ for entry in templates if not isinstance(entry, DocumentTemplate)]
        if wrong:
            raise PluginError(impl.plugin_name, HOOK, TypeError(f"gave {wrong[0]}, expected DocumentTemplate"))
        found.append((impl.plugin_name, impl.plugin, cast(list[DocumentTemplate], templates)))
    return found


def _fits(name: str, fmt: str, *, docx_key: bool) -> bool:
    if fmt == "pdf":
        return not docx_key and name.endswith(MARKDOWN + HTML)
    return name.endswith(DOCX_SUFFIX) if docx_key else name.endswith(MARKDOWN)


def office_template(kind: DocumentKind, *, number: int, syntax: str, source: str) -> ResolvedTemplate:
    """The office's version ``number`` of ``kind``'s template (``syntax``: markdown or html)."""
    suffix = MARKDOWN[0] if syntax == "markdown" else HTML[0]
    return ResolvedTemplate(kind.code, f"{kind.code}.v{number}{suffix}", OFFICE, Path("."), kind.label, source)


def resolve_template(
    tenant: TenantView,
    kind: DocumentKind,
    fmt: str,
    manager: MinshengPluginManager | None = None,
    *,
    office: ResolvedTemplate | None = None,
) -> ResolvedTemplate:
    """The office's own template (``office``) when it renders ``fmt``, else the most specific enabled
    plugin's template that renders ``kind`` as ``fmt``."""
    if office is not None and _fits(office.name, fmt, docx_key=False):
        return office
    for plugin_name, plugin, entries in _contributions(manager or get_plugin_manager(), tenant):
        for entry in entries:
            docx_key = entry.kind == kind.code + DOCX_SUFFIX
            if (entry.kind == kind.code or docx_key) and _fits(entry.template, fmt, docx_key=docx_key):
                root = kind.template_dir if plugin_name == DEFAULTS_PLUGIN else _plugin_root(plugin_name, plugin)
                return ResolvedTemplate(kind.code, entry.template, plugin_name, root, entry.label or kind.label)
    raise TemplateMissing(f"no template renders {kind.code} as {fmt} for {tenant.slug}")


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code of ``url`` (medium error correction, so a worn poster still scans)."""
    svg = segno.make(str(url), error="m").svg_inline(scale=4, border=2, omitsize=True)
    return Markup(svg)  # noqa: S704 - segno's own markup; the URL inside it is XML-escaped by segno


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|<>#"})


def escape_markdown(value: object) -> object:
    """Data printed into a Markdown template stays text: a ``|`` in a title cannot break a table."""
    return value.translate(_MARKDOWN_SPECIAL) if isinstance(value, str) else value


def _with_filters(env: jinja2.Environment) -> jinja2.Environment:
    env.filters["cn_date"] = chinese_date
    env.filters["sentence"] = sentence
    env.filters["clause"] = clause
    env.filters["cn_number"] = chinese_numeral
    env.filters["qr_svg"] = qr_svg
    return env


@functools.lru_cache(maxsize=64)
def environment(root: Path, markdown: bool = False) -> jinja2.Environment:
    """A Jinja2 environment over one template folder: HTML is autoescaped, Markdown values escaped."""
    return _with_filters(
        jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(root)),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            finalize=escape_markdown if markdown else None,
        )
    )


@functools.lru_cache(maxsize=2)
def sandboxed_environment(markdown: bool) -> jinja2.Environment:
    """The environment of templates an office typed in: the immutable sandbox, no loader at all (so no
    ``include``, ``import`` or ``extends`` reaches a file), HTML autoescaped, Markdown values escaped."""
    return _with_filters(
        ImmutableSandboxedEnvironment(
            loader=None,
            autoescape=not markdown,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            finalize=escape_markdown if markdown else None,
        )
    )
