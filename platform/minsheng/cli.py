"""The ``minsheng`` command: serve, worker, db upgrade and Citus, users add, tenants apply, verify."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from minsheng.settings import Settings

T = TypeVar("T")


def run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await coro_fn()

    return asyncio.run(main())


UPGRADE_HINT = "run `minsheng db upgrade` first"


def schema_problem(settings: Settings) -> str | None:
    """Why the database cannot serve a command yet, in one line (None when it can): not reachable, never
    migrated, or at an older revision than the code's."""
    from sqlalchemy.engine import make_url

    from minsheng.db.migrate import head_revision, schema_state

    where = make_url(settings.migration_database_url).render_as_string(hide_password=True)
    try:
        state = schema_state(settings.migration_database_url)
    except Exception as exc:  # any driver's error: said in one line, not a traceback
        first_line = (str(exc).strip().splitlines() or [""])[0]
        return f"cannot open the database at {where}: {type(exc).__name__}: {first_line}"
    if not state.migrated:
        return f"the database at {where} has no tables yet: {UPGRADE_HINT}"
    head = head_revision()
    if state.revision is not None and state.revision != head:
        return f"the database at {where} is at revision {state.revision}, this code needs {head}: {UPGRADE_HINT}"
    return None


def require_schema(settings: Settings) -> None:
    """Stop with one line when the database cannot serve the command (see :func:`schema_problem`)."""
    problem = schema_problem(settings)
    if problem:
        raise click.ClickException(problem)


@click.group()
def main() -> None:
    """Minsheng: 民生实事项目人大代表票决制 platform."""
    # Every command sees the whole platform: its models, jobs and document kinds.
    from minsheng.server import contexts

    contexts.install()


def _checked_settings() -> Settings:
    """The settings, or the one-line reason the server must not start (a weak secret)."""
    from minsheng.secrets_policy import WeakSecret

    try:
        return Settings.from_env()
    except WeakSecret as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes")
@click.option(
    "--forwarded-allow-ips",
    default=None,
    help="Proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For/-Proto are believed; "
    "sets MINSHENG_TRUSTED_PROXIES",
)
def serve(host: str, port: int, workers: int, forwarded_allow_ips: str | None) -> None:
    """Run the web server (embedded mode migrates and seeds demo data on start)."""
    import uvicorn

    from minsheng.http.proxies import parse_networks

    if forwarded_allow_ips is not None:
        try:
            parse_networks(forwarded_allow_ips)
        except ValueError as exc:
            raise click.ClickException(f"--forwarded-allow-ips: {exc}") from exc
        os.environ["MINSHENG_TRUSTED_PROXIES"] = forwarded_allow_ips  # the worker processes read it too
    settings = _checked_settings()
    if settings.is_postgres:
        require_schema(settings)

    # The app reads the forwarded headers itself (``minsheng.http.proxies``), from its own setting only.
    uvicorn.run(
        "minsheng.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        proxy_headers=False,
    )


@main.command()
def worker() -> None:
    """Run an arq worker for background jobs (needs MINSHENG_REDIS_URL)."""
    from arq import run_worker

    from minsheng.jobs.worker import worker_settings

    settings = _checked_settings()
    if not settings.redis_url:
        raise click.ClickException("MINSHENG_REDIS_URL is not set; embedded mode runs jobs inside the server")
    require_schema(settings)
    run_worker(worker_settings(settings))


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@click.option("--app-role", default=None, help="PostgreSQL role to grant data access (never ownership)")
def db_upgrade(revision: str, app_role: str | None) -> None:
    """Apply migrations as the owner (MINSHENG_MIGRATION_DATABASE_URL or MINSHENG_DATABASE_URL)."""
    from minsheng.db.migrate import upgrade

    settings = Settings.from_env()
    upgrade(settings.migration_database_url, revision, app_role or os.environ.get("MINSHENG_DATABASE_APP_ROLE"))
    click.echo(f"database at {revision}")


@db.command("citus-sql")
@click.option("--shard-count", type=click.IntRange(min=1), default=None, help="Shards of the group (Citus's default)")
@click.option("--apply", "apply_it", is_flag=True, help="Run it as the owner (MINSHENG_MIGRATION_DATABASE_URL)")
def db_citus_sql(shard_count: int | None, apply_it: bool) -> None:
    """Print the SQL that distributes every tenant table on tenant_id (run on a Citus coordinator)."""
    from minsheng.db.citus import NotCitusError, apply_distribution, distribution_sql

    if not apply_it:
        click.echo(distribution_sql(shard_count), nl=False)
        return
    try:
        applied = run(lambda: apply_distribution(Settings.from_env().migration_database_url, shard_count))
    except NotCitusError as exc:
        raise click.ClickException(str(exc)) from exc
    if applied:
        click.echo("distributed: every tenant table on tenant_id, the reference tables on every node")
    else:
        click.echo("distributed already: nothing to do")


TRANSFER_MODE = click.option(
    "--transfer-mode",
    type=click.Choice(["auto", "force_logical", "block_writes"]),
    default="auto",
    show_default=True,
    help="How Citus copies shards: online (needs wal_level = logical) or holding writes meanwhile",
)


def _on_coordinator(action: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``action`` on a connection of the owner (MINSHENG_MIGRATION_DATABASE_URL), outside a transaction."""
    from minsheng.db.session import make_engine

    settings = Settings.from_env()
    require_schema(settings)

    async def go() -> T:
        engine = make_engine(settings.migration_database_url, pool=False)
        try:
            async with engine.connect() as conn:
                return await action(await conn.execution_options(isolation_level="AUTOCOMMIT"))
        finally:
            await engine.dispose()

    try:
        return run(go)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc


@db.command("citus-isolate")
@click.argument("slug")
@TRANSFER_MODE
def db_citus_isolate(slug: str, transfer_mode: str) -> None:
    """Move a big tenant (a county and its rows in every table) to a shard group of its own."""
    from minsheng.db import citus

    async def isolate(conn: Any) -> tuple[citus.Placement, citus.Placement]:
        tenant_id = await citus.tenant_id_for(conn, slug)
        before = await citus.tenant_placement(conn, tenant_id)
        return before, await citus.isolate_tenant(conn, tenant_id, transfer_mode)

    before, after = _on_coordinator(isolate)
    click.echo(f"{slug}: {before.describe()} -> {after.describe()} (its own)")


@db.command("citus-rebalance")
@TRANSFER_MODE
@click.option("--timeout", type=click.FloatRange(min=1), default=None, help="Stop waiting after so many seconds")
def db_citus_rebalance(transfer_mode: str, timeout: float | None) -> None:
    """Spread the shard groups over every worker, e.g. after `SELECT citus_add_node(...)`; waits for it."""
    from minsheng.db import citus

    async def wait(conn: Any) -> int:
        async with asyncio.timeout(timeout):
            return await citus.rebalance(conn, transfer_mode)

    try:
        moves = _on_coordinator(wait)
    except TimeoutError as exc:
        raise click.ClickException(
            f"still moving after {timeout:.0f} s; the job goes on (see citus_rebalance_status())"
        ) from exc
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{moves} shard move(s) done" if moves else "balanced already: nothing to move")


@main.group()
def users() -> None:
    """User accounts."""


@users.command("add")
@click.argument("username")
@click.option("--platform-admin", is_flag=True, help="A platform operator (onboards tenants)")
@click.option("--display-name", default="")
def users_add(username: str, platform_admin: bool, display_name: str) -> None:
    """Create a user; the password comes from MINSHENG_PASSWORD or a prompt."""
    from minsheng.accounts import services as accounts
    from minsheng.db.session import Database
    from minsheng.errors import DomainError
    from minsheng.i18n import translate

    settings = Settings.from_env()
    require_schema(settings)
    password = os.environ.get("MINSHENG_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )

    async def create() -> None:
        database = Database(settings)
        try:
            async with database.session() as session:
                await accounts.create_user(
                    session, username, password, display_name=display_name, platform_admin=platform_admin
                )
        finally:
            await database.dispose()

    try:
        run(create)
    except DomainError as exc:
        raise click.ClickException(translate(exc.message, "en", **exc.params)) from exc
    click.echo(f"user {username} created" + (" (platform operator)" if platform_admin else ""))


@main.group()
def tenants() -> None:
    """Tenant manifests."""


@tenants.command("apply")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--plan", "plan_only", is_flag=True, help="Only show what would change")
def tenants_apply(file: Path, plan_only: bool) -> None:
    """Create or update the tenants of a manifest, idempotently, printing each change."""
    from rich.progress import Progress

    from minsheng.admin.tenants import manifest
    from minsheng.db.session import Database
    from minsheng.errors import DomainError
    from minsheng.i18n import translate

    settings = Settings.from_env()
    require_schema(settings)

    async def go(progress: Progress) -> list[manifest.Change]:
        database = Database(settings)
        task = progress.add_task("applying", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            async with database.session() as session:
                items = manifest.read_manifest(file)
                if plan_only:
                    return await manifest.plan(session, items)
                return await manifest.apply(session, items, actor="cli", on_progress=advance)
        finally:
            await database.dispose()

    try:
        with Progress(transient=True, disable=plan_only) as progress:
            changes = run(lambda: go(progress))
    except DomainError as exc:
        raise click.ClickException(translate(exc.message, "en", **exc.params)) from exc
    for change in changes:
        click.echo(change.describe())
    verb = "would change" if plan_only else "changed"
    click.echo(f"{len(changes)} tenant(s) {verb}" if changes else "no changes: everything is up to date")


@main.group()
def plugins() -> None:
    """Region plugins."""


@plugins.command("list")
def plugins_list() -> None:
    """Installed plugins, the hooks each implements and the tenants that use it."""
    from minsheng.admin.tenants.plugin_usage import PluginUsage, installed_plugins, plugin_usage
    from minsheng.db.session import Database
    from minsheng.plugins.manager import get_plugin_manager

    settings = Settings.from_env()
    # The installed plugins need no database; the tenants using them do.
    problem = schema_problem(settings)

    async def go() -> list[PluginUsage]:
        database = Database(settings)
        try:
            async with database.session() as session:
                return await plugin_usage(session, get_plugin_manager())
        finally:
            await database.dispose()

    usages = sorted(installed_plugins(get_plugin_manager()).values(), key=lambda u: u.name) if problem else run(go)
    for usage in usages:
        click.echo(usage.name)
        click.echo("  hooks:   " + ", ".join(usage.hooks))
        if problem:
            continue
        shown = ", ".join(usage.tenants[:20]) + (f" … (+{len(usage.tenants) - 20})" if len(usage.tenants) > 20 else "")
        click.echo(f"  tenants: {len(usage.tenants)}" + (f" ({shown})" if usage.tenants else ""))
    if problem:
        click.echo(f"tenants using them: not known ({problem})")


@main.command()
@click.option("--tenant", "slug", default=None, help="Verify this tenant's audit chain in the database")
@click.option("--platform", "platform_chain", is_flag=True, help="Verify the platform's own chain")
@click.option(
    "--checkpoint",
    "held",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A signed checkpoint you kept (JSON from the portal or an export); the chain must still reach it",
)
@click.option(
    "--public-key",
    "public_keys",
    multiple=True,
    help="A published checkpoint key (base64) to trust; this installation's own key is trusted for --tenant",
)
@click.argument("export", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(
    slug: str | None, platform_chain: bool, held: tuple[Path, ...], public_keys: tuple[str, ...], export: Path | None
) -> None:
    """Check an audit chain (database or export file) or a round export; name the first mismatch.

    A chain is checked against every signed checkpoint it carries and every ``--checkpoint`` you kept:
    events deleted from its end, or changed with the digests after them recomputed, are found. A round
    export (``GET /rounds/{id}/export``) is recomputed offline: receipts, validity and tally through the
    ballot format, the chain, and the stored result.
    """
    from minsheng.audit.signing import load_signer, public_key_text
    from minsheng.audit.verify import VerifyResult, verify_database_chain, verify_export
    from minsheng.congress.voting.verify import ROUND_EXPORT_FORMAT, RoundVerifyResult, verify_round_export

    points: list[dict[str, object]] = []
    for path in held:
        loaded = json.loads(path.read_text(encoding="utf-8"))
        points.extend(loaded if isinstance(loaded, list) else [loaded])
    result: VerifyResult | RoundVerifyResult
    if export is not None:
        document = json.loads(export.read_text(encoding="utf-8"))
        if document.get("format") == ROUND_EXPORT_FORMAT:
            result = verify_round_export(document)
        else:
            result = verify_export(document, points, public_keys)
    elif slug or platform_chain:
        settings = Settings.from_env()
        require_schema(settings)
        trusted = [*public_keys, public_key_text(load_signer(settings).public)]
        result = run(lambda: verify_database_chain(settings, slug, points, trusted))
    else:
        raise click.UsageError("name --tenant SLUG, --platform or an export file")
    click.echo(result.summary)
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
