"""One settings object, read from ``MINSHENG_*`` environment variables.

With nothing set the platform runs embedded: SQLite, attachments on local disk and jobs in-process,
all under ``MINSHENG_DATA_DIR`` (default ``./var``).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from minsheng.secrets_policy import check_secret_key


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"MINSHENG_{name}")
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    return int(raw) if raw is not None else default


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class S3Settings:
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    secure: bool = False
    region: str = "us-east-1"


@dataclass(frozen=True)
class SmtpSettings:
    """Where the e-mail notification channel sends (``MINSHENG_SMTP_*``)."""

    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    sender: str = "minsheng@localhost"
    starttls: bool = False
    timeout: float = 10.0


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    # Migrations run as the owner of the tables; the app itself connects as a role that owns nothing,
    # so PostgreSQL's row-level security applies to it. Defaults to ``database_url``.
    migration_database_url: str
    redis_url: str | None
    s3: S3Settings | None
    secret_key: str
    seed_demo: bool = True
    max_upload_bytes: int = 10 * 1024 * 1024
    session_idle_minutes: int = 30
    token_lifetime_minutes: int = 8 * 60
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    # Public suggestions per client IP (abuse is contained); 0 turns a limit off.
    suggestion_rate_per_minute: int = 5
    suggestion_rate_per_day: int = 30
    # Seconds a change waits before its tenant's oversight roll-up runs, so a burst of changes costs
    # one roll-up (oversight/tracking.py); 0 runs it at once. Figures lag by this plus the relay's 5 s.
    rollup_delay_seconds: float = 3.0
    log_json: bool = True
    debug: bool = False
    # The address citizens reach the platform at: printed in posters' QR codes (documents).
    public_url: str = "http://127.0.0.1:8000"
    # The Ed25519 key that signs the audit chain's checkpoints (``audit/signing.py``): base64 of 32
    # bytes, or a file holding it; with neither, one is made in ``data_dir/keys``.
    audit_signing_key: str | None = None
    audit_signing_key_file: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # The e-mail notification channel; None (no MINSHENG_SMTP_HOST) leaves e-mail unsent.
    smtp: SmtpSettings | None = None
    # Addresses or CIDRs of the proxies in front of the app, whose X-Forwarded-For/-Proto are believed
    # (``minsheng.http.proxies``); empty: every connection is taken as it comes.
    trusted_proxies: tuple[str, ...] = ()
    # The bearer token Prometheus sends to read ``/metrics``; None: the endpoint is off.
    metrics_token: str | None = None

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    @property
    def embedded_jobs(self) -> bool:
        """Jobs run in-process when there is no Redis."""
        return self.redis_url is None

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from the environment; defaults give the embedded mode."""
        data_dir = Path(_env("DATA_DIR", "./var") or "./var").resolve()
        database_url = _env("DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'minsheng.sqlite3'}"
        s3 = None
        if _env("S3_ENDPOINT"):
            s3 = S3Settings(
                endpoint=_env("S3_ENDPOINT") or "",
                access_key=_env("S3_ACCESS_KEY", "") or "",
                secret_key=_env("S3_SECRET_KEY", "") or "",
                bucket=_env("S3_BUCKET", "minsheng") or "minsheng",
                secure=_env_bool("S3_SECURE", False),
                region=_env("S3_REGION", "us-east-1") or "us-east-1",
            )
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            migration_database_url=_env("MIGRATION_DATABASE_URL") or database_url,
            redis_url=_env("REDIS_URL"),
            s3=s3,
            # Embedded is SQLite, named or not: one process on one machine, whose own data directory
            # keeps a secret made for it. PostgreSQL means a deployment: its secret is checked.
            secret_key=_secret_key(data_dir, embedded=not database_url.startswith("postgresql")),
            seed_demo=_env_bool("SEED_DEMO", _env("DATABASE_URL") is None),
            max_upload_bytes=_env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
            session_idle_minutes=_env_int("SESSION_IDLE_MINUTES", 30),
            token_lifetime_minutes=_env_int("TOKEN_LIFETIME_MINUTES", 8 * 60),
            lockout_threshold=_env_int("LOCKOUT_THRESHOLD", 5),
            lockout_minutes=_env_int("LOCKOUT_MINUTES", 15),
            suggestion_rate_per_minute=_env_int("SUGGESTION_RATE_PER_MINUTE", 5),
            suggestion_rate_per_day=_env_int("SUGGESTION_RATE_PER_DAY", 30),
            rollup_delay_seconds=float(_env("ROLLUP_DELAY_SECONDS", "3") or "3"),
            log_json=_env_bool("LOG_JSON", True),
            debug=_env_bool("DEBUG", False),
            smtp=_smtp_from_env(),
            public_url=(_env("PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
            audit_signing_key=_env("AUDIT_SIGNING_KEY"),
            metrics_token=_env("METRICS_TOKEN"),
            trusted_proxies=tuple(p.strip() for p in (_env("TRUSTED_PROXIES") or "").split(",") if p.strip()),
            audit_signing_key_file=Path(key_file) if (key_file := _env("AUDIT_SIGNING_KEY_FILE")) else None,
        )


def _smtp_from_env() -> SmtpSettings | None:
    host = _env("SMTP_HOST")
    if host is None:
        return None
    return SmtpSettings(
        host=host,
        port=_env_int("SMTP_PORT", 25),
        username=_env("SMTP_USERNAME"),
        password=_env("SMTP_PASSWORD"),
        sender=_env("SMTP_FROM", "minsheng@localhost") or "minsheng@localhost",
        starttls=_env_bool("SMTP_STARTTLS", False),
    )


def _secret_key(data_dir: Path, *, embedded: bool) -> str:
    """The app's secret: checked (``secrets_policy``) unless embedded, where one is made if none is set."""
    value = _env("SECRET_KEY")
    if embedded:
        return value or _stable_dev_secret(data_dir)
    return check_secret_key(value)


def _stable_dev_secret(data_dir: Path) -> str:
    """Embedded mode keeps one random secret in the data directory, so sessions survive a restart."""
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        path.write_text(value)
        path.chmod(0o600)
        return value
