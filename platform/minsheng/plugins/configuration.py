"""A tenant's effective plugin configuration, from its own and its ancestors' configurations.

platform/docs/architecture.md, "Plugins": a township inherits its county's configuration, a county its province's,
unless it overrides. Everything here is pure (plain data in, plain data out), so the inheritance
rules are tested without a database or a plugin manager.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import jsonschema
import jsonschema.exceptions
import jsonschema.validators

from minsheng.plugins.errors import InvalidPluginSettings

#: The plugin every tenant uses, whatever its configuration says: the platform's own rules.
DEFAULTS_PLUGIN = "minsheng.defaults"

#: One tenant's own configuration: the plugins it names (None: inherit) and settings per plugin.
LevelConfiguration = tuple[Sequence[str] | None, Mapping[str, Mapping[str, object]]]


@dataclass(frozen=True)
class EffectiveConfiguration:
    """The plugins a tenant uses (defaults first) and, per plugin, its merged but unvalidated settings."""

    plugins: tuple[str, ...]
    settings: Mapping[str, Mapping[str, object]] = field(default_factory=dict, hash=False)


def effective_configuration(chain: Sequence[LevelConfiguration]) -> EffectiveConfiguration:
    """Combine configurations ordered from the root tenant down to the tenant itself.

    Plugins: the nearest tenant that names a list wins outright (an empty list means "defaults
    only"; None means "as my parent"), because enabling a plugin is a whole-region decision.
    Settings: merged key by key per plugin, the child's value replacing the parent's (lists are
    replaced, not concatenated), so a township can change one ratio and keep the rest.
    """
    plugins: Sequence[str] = ()
    settings: dict[str, dict[str, object]] = {}
    for level_plugins, level_settings in chain:
        if level_plugins is not None:
            plugins = level_plugins
        for plugin, values in (level_settings or {}).items():
            # Deep copies: the caller's configuration must not change when the result is edited.
            settings.setdefault(plugin, {}).update(copy.deepcopy(dict(values)))
    enabled = (DEFAULTS_PLUGIN, *dict.fromkeys(name for name in plugins if name != DEFAULTS_PLUGIN))
    return EffectiveConfiguration(plugins=enabled, settings=settings)


def schema_defaults(schema: Mapping[str, object]) -> dict[str, object]:
    """Return the top-level ``default`` of each property a JSON schema declares."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return {}
    return {
        key: copy.deepcopy(spec["default"])
        for key, spec in properties.items()
        if isinstance(spec, Mapping) and "default" in spec
    }


def validate_plugin_settings(
    plugin: str, schema: Mapping[str, object] | None, settings: Mapping[str, object]
) -> dict[str, object]:
    """Return ``settings`` completed with the schema's defaults, or raise ``InvalidPluginSettings``.

    A plugin that declares no schema takes no settings: accepting unchecked values would let a
    misspelt key pass silently and the region's rule quietly fall back to a default.
    """
    if schema is None:
        if settings:
            raise InvalidPluginSettings(plugin, "the plugin takes no settings")
        return {}
    effective = {**schema_defaults(schema), **copy.deepcopy(dict(settings))}
    validator = jsonschema.validators.validator_for(schema)(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(effective))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path)
        raise InvalidPluginSettings(plugin, f"{where}: {error.message}" if where else error.message)
    return effective


def freeze(value: object) -> object:
    """Return a read-only copy: mappings become mapping proxies, lists and tuples become tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value
