"""The Citus variants of the deployment files: the compose override matches the Compose
specification's schema (the Kubernetes manifest is checked with the others, in tests/unit), and the
script adding the workers is the same in both."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
BIN = Path(sys.executable).parent


def test_the_compose_override_matches_the_compose_spec() -> None:
    result = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", DEPLOY / "compose.citus.yaml"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_both_variants_add_the_workers_with_the_same_script() -> None:
    documents = list(yaml.safe_load_all((DEPLOY / "k8s" / "citus.yaml").read_text(encoding="utf-8")))
    (scripts,) = [d for d in documents if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "citus-scripts"]
    assert scripts["data"]["add-workers.sh"] == (DEPLOY / "citus" / "add-workers.sh").read_text(encoding="utf-8")
    assert (
        scripts["data"]["01-app-role.sh"].split("set -eu", 1)[1]
        == ((DEPLOY / "postgres" / "01-app-role.sh").read_text(encoding="utf-8").split("set -eu", 1)[1])
    )
