"""Demo data for the embedded first start: the Henan manifest, one user for each role, and a whole
year of 赵庄镇 (``minsheng.demo``).

Passwords are generated once per installation, kept in the data directory (mode 0600) and printed on
every start, so a newcomer can log in without reading any code.
"""

from __future__ import annotations

import json
import secrets
import string
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from minsheng.accounts import services as accounts
from minsheng.admin.tenants import manifest
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.models import Tenant

if TYPE_CHECKING:
    from minsheng.http.state import Services

DEMO_MANIFEST = Path(__file__).resolve().parents[3] / "tenants" / "henan-baofeng.yaml"

# (username, display name, tenant slug, roles); the platform operator has no tenant.
DEMO_USERS: list[tuple[str, str, str | None, list[str]]] = [
    ("operator", "省平台运维", None, []),
    ("county-admin", "宝丰县人大办", "baofeng", ["tenant_admin"]),
    ("zhaozhuang-admin", "赵庄镇人大办", "baofeng-zhaozhuang", ["tenant_admin"]),
    ("zhaozhuang-presidium", "赵庄镇人大主席团", "baofeng-zhaozhuang", ["presidium"]),
    ("zhaozhuang-deputy", "赵庄镇人大代表", "baofeng-zhaozhuang", ["deputy"]),
    ("zhaozhuang-teller", "赵庄镇计票人", "baofeng-zhaozhuang", ["teller"]),
    ("zhaozhuang-government", "赵庄镇人民政府", "baofeng-zhaozhuang", ["government"]),
]


def generate_password() -> str:
    """A random password that passes the policy (four character classes)."""
    body = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(12))
    return f"Ms-{body}{secrets.randbelow(10)}a"


def _credentials_file(services: Services) -> Path:
    return services.settings.data_dir / "demo-users.json"


async def seed_demo(services: Services) -> None:
    """Seed once (when there are no tenants yet); print the demo logins on every start."""
    path = _credentials_file(services)
    seeded = False
    async with services.database.session() as session:
        count = (await session.execute(select(func.count()).select_from(Tenant))).scalar_one()
        if count == 0 and DEMO_MANIFEST.exists():
            seeded = True
            await manifest.apply(session, manifest.read_manifest(DEMO_MANIFEST), actor="demo-seed")
            credentials = {}
            for username, display_name, slug, roles in DEMO_USERS:
                password = generate_password()
                user = await accounts.create_user(
                    session, username, password, display_name=display_name, platform_admin=slug is None
                )
                if slug:
                    tenant = await tenancy.get_by_slug(session, slug)
                    await accounts.grant_membership(session, tenant.id, user, roles)
                credentials[username] = {"password": password, "tenant": slug, "roles": roles}
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(credentials, ensure_ascii=False, indent=2), encoding="utf-8")
            path.chmod(0o600)
    if seeded:
        # 赵庄镇's whole year (collection to evaluation), so no page of the demo starts empty.
        from minsheng.demo import seed_year

        await seed_year(services.database)
    if path.exists():
        print_demo_logins(json.loads(path.read_text(encoding="utf-8")))


def print_demo_logins(credentials: dict[str, dict[str, object]]) -> None:
    lines = ["", "Demo logins (演示账号):"]
    for username, info in credentials.items():
        where = info.get("tenant") or "platform operator"
        role_list = info.get("roles")
        roles = ", ".join(str(r) for r in role_list if r) if isinstance(role_list, list) else ""
        roles = roles or "platform_admin"
        lines.append(f"  {username:24} {info['password']:20} {where} ({roles})")
    print("\n".join(lines) + "\n", flush=True)
