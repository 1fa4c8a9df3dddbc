"""The README's run command's server, started on the embedded default in an
empty data directory, answers with the demo tenants and prints working demo logins."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_first_embedded_start_seeds_the_demo_province(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINSHENG_")}
    env.update(MINSHENG_DATA_DIR=str(tmp_path / "var"), MINSHENG_LOG_JSON="false")
    server = subprocess.Popen(
        [sys.executable, "-m", "minsheng.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            time.sleep(0.5)
        home = httpx.get(base + "/")
        assert home.status_code == 200
        for name in ("河南省", "平顶山市", "宝丰县"):
            assert name in home.text
        logins = json.loads((tmp_path / "var" / "demo-users.json").read_text(encoding="utf-8"))
        token = httpx.post(
            f"{base}/api/v1/auth/token",
            json={"username": "operator", "password": logins["operator"]["password"]},
        ).json()["access_token"]
        tenants = httpx.get(
            f"{base}/api/v1/admin/tenants?per_page=50", headers={"Authorization": f"Bearer {token}"}
        ).json()
        assert tenants["total"] == 15  # province, city, county and its 12 townships
        assert sum(t["level"] == "township" for t in tenants["items"]) == 12
        deputy = logins["zhaozhuang-deputy"]
        assert (
            httpx.post(
                f"{base}/api/v1/auth/token", json={"username": "zhaozhuang-deputy", "password": deputy["password"]}
            ).status_code
            == 200
        )
        township = httpx.get(base + "/t/baofeng-zhaozhuang/")
        assert township.status_code == 200 and "赵庄镇" in township.text
        portal = httpx.get(f"{base}/api/v1/t/baofeng-zhaozhuang/public/projects").json()
        assert portal["total"] == 5  # the demo year's chosen projects (minsheng.demo)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Demo logins" in output
    assert "zhaozhuang-deputy" in output
