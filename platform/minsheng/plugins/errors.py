"""Errors of the plugin system: a tenant configuration that cannot work, or a plugin that failed.

These are faults of configuration or of plugin code, not domain refusals: a rule says "no" with a
verdict (see ``verdicts.py``). Each names the plugin so an operator knows whom to blame.
"""

from __future__ import annotations


class PluginConfigurationError(Exception):
    """A tenant's plugin configuration cannot be applied."""


class UnknownPlugin(PluginConfigurationError, LookupError):
    """A configuration names a plugin that is not installed (not registered with the manager)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown plugin {name!r}: it is not installed on this platform")
        self.name = name


class PluginNotEnabled(PluginConfigurationError, LookupError):
    """Settings were asked for a plugin the tenant does not use."""

    def __init__(self, name: str, tenant_slug: str) -> None:
        super().__init__(f"plugin {name!r} is not enabled for tenant {tenant_slug!r}")
        self.name = name
        self.tenant_slug = tenant_slug


class InvalidPluginSettings(PluginConfigurationError, ValueError):
    """A plugin's effective settings do not match the JSON schema the plugin declares."""

    def __init__(self, plugin: str, message: str) -> None:
        super().__init__(f"invalid settings for plugin {plugin!r}: {message}")
        self.plugin = plugin
        self.message = message


class PluginError(RuntimeError):
    """A plugin raised inside a hook; ``original`` is its exception (also chained as the cause)."""

    def __init__(self, plugin_name: str, hook_name: str, original: BaseException) -> None:
        super().__init__(f"plugin {plugin_name!r} failed in hook {hook_name!r}: {type(original).__name__}: {original}")
        self.plugin_name = plugin_name
        self.hook_name = hook_name
        self.original = original

    @property
    def plugin(self) -> str:
        """Short alias of ``plugin_name`` (used by the problem-details handler)."""
        return self.plugin_name

    @property
    def hook(self) -> str:
        """Short alias of ``hook_name``."""
        return self.hook_name


class NoPluginAnswered(RuntimeError):
    """A "one" hook got no answer: only possible if the built-in defaults were unregistered."""

    def __init__(self, hook_name: str) -> None:
        super().__init__(f"no enabled plugin answered hook {hook_name!r}")
        self.hook_name = hook_name
