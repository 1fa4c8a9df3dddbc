"""The global plugin manager and tenant views (platform/docs/architecture.md, "Plugins (pluggy)").

One :class:`MinshengPluginManager` is loaded at start: the built-in defaults first, then every
distribution's entry points in the group ``minsheng``. Each tenant sees only the plugins it enables,
through ``subset_hook_caller`` (as pytest shows each directory only its conftest plugins), so one
county's plugin never runs for another. The rest of the platform calls rules like this::

    view = make_tenant_view(manager, id=..., slug="baofeng", name="宝丰县", level="county",
                            ancestry=("henan", "pingdingshan", "baofeng"), chain=[...])
    verdict = manager.hooks_for(view).margin_rule(seats=10, candidates=12)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, cast

import jsonschema.validators
import pluggy

from minsheng.plugins import defaults, hookspecs
from minsheng.plugins.configuration import (
    EffectiveConfiguration,
    LevelConfiguration,
    effective_configuration,
    freeze,
    schema_defaults,
    validate_plugin_settings,
)
from minsheng.plugins.errors import (
    InvalidPluginSettings,
    NoPluginAnswered,
    PluginError,
    PluginNotEnabled,
    UnknownPlugin,
)
from minsheng.plugins.registries import DigestAlgorithm
from minsheng.plugins.tenant import TenantView
from minsheng.plugins.tenant_hooks import TenantHooks

PROJECT = "minsheng"
ENTRY_POINT_GROUP = "minsheng"
SETTINGS_SCHEMA_HOOK = "minsheng_settings_schema"
#: Hooks called for a tenant (all but the settings schema, which belongs to a plugin, not a tenant).
#: How many tenant views a manager keeps (one per tenant and configuration in use).
VIEW_CACHE_SIZE = 4096
TENANT_HOOKS = tuple(name for name in vars(hookspecs) if name.startswith("minsheng_") and name != SETTINGS_SCHEMA_HOOK)


class MinshengPluginManager(pluggy.PluginManager):
    """The platform's ``PluginManager("minsheng")``, with per-tenant hook callers cached on it."""

    def __init__(self) -> None:
        super().__init__(PROJECT)
        self.add_hookspecs(hookspecs)
        self._callers: dict[frozenset[str], dict[str, pluggy.HookCaller]] = {}
        self._schemas: dict[str, Mapping[str, object] | None] | None = None
        self._views: dict[Hashable, TenantView] = {}
        self._lock = threading.Lock()

    # Registering or unregistering changes which plugins each subset must leave out (and pluggy's
    # subset_hook_caller returns the unfiltered caller when nothing needs removing), so every cached
    # subset and schema is dropped then.
    def register(self, plugin: object, name: str | None = None) -> str | None:
        """Register ``plugin`` (see pluggy) and forget the cached per-tenant callers."""
        try:
            return super().register(plugin, name)
        finally:
            self._forget()

    def unregister(self, plugin: object | None = None, name: str | None = None) -> Any | None:
        """Unregister a plugin (see pluggy) and forget the cached per-tenant callers."""
        try:
            return super().unregister(plugin, name)
        finally:
            self._forget()

    def _forget(self) -> None:
        with self._lock:
            self._callers = {}
            self._schemas = None
            self._views = {}

    def cached_view(self, key: Hashable) -> TenantView | None:
        """A view made earlier from exactly the same tenant and configuration chain, if any."""
        return self._views.get(key)

    def remember_view(self, key: Hashable, view: TenantView) -> None:
        """Keep ``view`` for ``key`` (the cache is bounded: emptied when full, then refilled by use)."""
        with self._lock:
            if len(self._views) >= VIEW_CACHE_SIZE:
                self._views = {}
            self._views[key] = view

    def plugin_names(self) -> frozenset[str]:
        """Names of the registered plugins (blocked names excluded)."""
        return frozenset(name for name, plugin in self.list_name_plugin() if plugin is not None)

    def settings_schemas(self) -> Mapping[str, Mapping[str, object] | None]:
        """Each registered plugin's settings schema (None for plugins that declare none).

        Raises ``PluginError`` naming a plugin whose schema hook fails or returns an invalid schema.
        """
        with self._lock:
            if self._schemas is not None:
                return self._schemas
        schemas: dict[str, Mapping[str, object] | None] = dict.fromkeys(self.plugin_names())
        # Called impl by impl rather than through the hook, because the hook's list of results would
        # not say which plugin declared which schema.
        for impl in self.hook.minsheng_settings_schema.get_hookimpls():
            try:
                schema = impl.function()
                if schema is not None:
                    if not isinstance(schema, Mapping):
                        raise TypeError(f"a settings schema must be a mapping, not {type(schema).__name__}")
                    jsonschema.validators.validator_for(schema).check_schema(schema)
            except Exception as error:  # SchemaError included: a bad schema is the plugin's fault
                raise PluginError(impl.plugin_name, SETTINGS_SCHEMA_HOOK, error) from error
            schemas[impl.plugin_name] = schema
        with self._lock:
            self._schemas = schemas
        return schemas

    def hook_callers(self, enabled: frozenset[str]) -> Mapping[str, pluggy.HookCaller]:
        """The tenant hook callers that run only the ``enabled`` plugins, built once per set."""
        callers = self._callers.get(enabled)
        if callers is None:
            left_out = [
                plugin for name, plugin in self.list_name_plugin() if plugin is not None and name not in enabled
            ]
            callers = {name: self.subset_hook_caller(name, left_out) for name in TENANT_HOOKS}
            with self._lock:
                self._callers[enabled] = callers
        return callers

    def hooks_for(self, tenant: TenantView) -> TenantHooks:
        """The hook proxy for ``tenant``: cheap to make, as the callers are cached per plugin set."""
        return TenantHooks(self, tenant)


def build_plugin_manager(load_entrypoints: bool = True) -> MinshengPluginManager:
    """Make a manager with the built-in defaults and, unless told not to, installed region plugins.

    Defaults are registered first so that pluggy calls every region plugin before them.
    """
    manager = MinshengPluginManager()
    manager.register(defaults, name=defaults.PLUGIN_NAME)
    if load_entrypoints:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    return manager


_global_manager: MinshengPluginManager | None = None
_global_lock = threading.Lock()


def get_plugin_manager() -> MinshengPluginManager:
    """The process-wide manager, built on first use (entry points are loaded once)."""
    global _global_manager
    with _global_lock:
        if _global_manager is None:
            _global_manager = build_plugin_manager()
        return _global_manager


def resolve_configuration(
    manager: MinshengPluginManager, chain: Sequence[LevelConfiguration]
) -> EffectiveConfiguration:
    """The enabled plugins and their validated settings (schema defaults filled in) for a chain.

    Call it when a tenant's configuration is saved, to refuse a bad one before it is stored. Raises
    ``UnknownPlugin`` for a name that is not installed (in the plugin list or the settings) and
    ``InvalidPluginSettings`` when an enabled plugin's merged settings do not match its schema.
    """
    configuration = effective_configuration(chain)
    installed = manager.plugin_names()
    for plugin in (*configuration.plugins, *configuration.settings):
        if plugin not in installed:
            raise UnknownPlugin(plugin)
    schemas = manager.settings_schemas()
    # Settings of a plugin this tenant does not enable are left unchecked: they may be a county's
    # partial settings for the townships that do enable it, and are checked there.
    settings = {
        plugin: validate_plugin_settings(plugin, schemas.get(plugin), configuration.settings.get(plugin, {}))
        for plugin in configuration.plugins
    }
    return EffectiveConfiguration(plugins=configuration.plugins, settings=settings)


def make_tenant_view(
    manager: MinshengPluginManager,
    *,
    id: Hashable,
    slug: str,
    name: str,
    level: str,
    ancestry: Sequence[str],
    chain: Sequence[LevelConfiguration],
) -> TenantView:
    """Build the view hooks receive, from the tenant's configuration chain (root first, self last).

    ``ancestry`` holds the slugs of the same chain; ``chain`` holds each tenant's own
    ``(plugins or None, {plugin: settings})``. Raises as :func:`resolve_configuration` does.
    """
    if not ancestry or ancestry[-1] != slug or len(ancestry) != len(chain):
        raise ValueError(f"ancestry {tuple(ancestry)} must end with {slug!r} and match the chain")
    # Validating every plugin's settings against its JSON schema costs more than the rest of a
    # request; a view depends on nothing but these arguments (and the registered plugins, whose
    # change empties the cache), so it is made once per distinct tenant and configuration chain.
    # The key holds the configurations themselves, not a timestamp: any edit, by any path, misses.
    key = _view_key(id, slug, name, level, ancestry, chain)
    view = manager.cached_view(key) if key is not None else None
    if view is not None:
        return view
    configuration = resolve_configuration(manager, chain)
    view = TenantView(
        id=id,
        slug=slug,
        name=name,
        level=level,
        ancestry=tuple(ancestry),
        enabled_plugins=configuration.plugins,
        plugin_settings=cast(Mapping[str, Mapping[str, object]], freeze(configuration.settings)),
    )
    if key is not None:
        manager.remember_view(key, view)
    return view


class _Unhashable(Exception):
    pass


def _hashable(value: object) -> Hashable:
    """A hashable image of plain data that tells apart what a JSON schema tells apart (1, 1.0, True)."""
    if isinstance(value, Mapping):
        items = [(_hashable(k), _hashable(v)) for k, v in value.items()]
        try:
            return ("map", tuple(sorted(items, key=repr)))
        except TypeError as exc:
            raise _Unhashable from exc
    if isinstance(value, list | tuple):
        return ("seq", tuple(_hashable(item) for item in value))
    if value is None or isinstance(value, str | int | float | bool):
        return (type(value).__name__, value)
    raise _Unhashable


def _view_key(
    id: Hashable, slug: str, name: str, level: str, ancestry: Sequence[str], chain: Sequence[LevelConfiguration]
) -> Hashable | None:
    """The cache key of a view, or None (not cached) when a setting is not plain data."""
    try:
        levels = tuple(
            (None if plugins is None else tuple(plugins), _hashable(settings or {})) for plugins, settings in chain
        )
        key = (id, slug, name, level, tuple(ancestry), levels)
        hash(key)
    except (_Unhashable, TypeError):
        return None
    return key


def neutral_view(manager: MinshengPluginManager) -> TenantView:
    """A platform-level view enabling every installed plugin with its default settings.

    Offline verifiers use it: they follow what an export names (a digest, a ballot format), whichever
    tenant wrote it, so every installed plugin must be able to answer.
    """
    schemas = manager.settings_schemas()
    return TenantView(
        id=None,
        slug="",
        name="",
        level="platform",
        ancestry=(),
        enabled_plugins=tuple(sorted(schemas)),
        plugin_settings=cast(
            Mapping[str, Mapping[str, object]],
            freeze({plugin: schema_defaults(schema) if schema else {} for plugin, schema in schemas.items()}),
        ),
    )


def digest_algorithms(manager: MinshengPluginManager | None = None) -> dict[str, Callable[[bytes], str]]:
    """Every digest algorithm an installed plugin offers, by name, for the offline verifier.

    A verifier follows the algorithm each event names, whichever tenant wrote it, so every installed
    plugin is asked, with a neutral platform-level view holding each plugin's default settings.
    """
    manager = manager or get_plugin_manager()
    neutral = neutral_view(manager)
    algorithms: dict[str, Callable[[bytes], str]] = {}
    # pluggy keeps implementations in reverse call order; reversed, the most specific comes first.
    for impl in reversed(manager.hook.minsheng_audit_digest.get_hookimpls()):
        try:
            algorithm = impl.function(*[neutral for argname in impl.argnames if argname == "tenant"])
        except Exception as error:
            raise PluginError(impl.plugin_name, "minsheng_audit_digest", error) from error
        if isinstance(algorithm, DigestAlgorithm):
            algorithms.setdefault(algorithm.name, algorithm.digest)
    return algorithms


__all__ = [
    "ENTRY_POINT_GROUP",
    "EffectiveConfiguration",
    "InvalidPluginSettings",
    "MinshengPluginManager",
    "NoPluginAnswered",
    "PluginError",
    "PluginNotEnabled",
    "TenantHooks",
    "TenantView",
    "UnknownPlugin",
    "build_plugin_manager",
    "digest_algorithms",
    "effective_configuration",
    "get_plugin_manager",
    "make_tenant_view",
    "resolve_configuration",
]
