"""docker-compose.yml and the Procfile (`make stack`) describe the same processes."""

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def procfile() -> dict[str, list[str]]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, command = line.split(":", 1)
        entries[name] = shlex.split(command)
    return entries


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def without_bind(argv: list[str]) -> list[str]:
    """The command with its listen address left out (loopback here, all interfaces in Docker)."""
    return [arg for i, arg in enumerate(argv) if arg != "--bind" and argv[i - 1] != "--bind"]


def test_compose_has_the_production_services():
    assert set(compose()["services"]) == {"postgres", "redis", "web", "worker", "beat"}


def test_procfile_and_compose_run_the_same_commands():
    services = compose()["services"]
    local = procfile()
    assert set(local) == {"web", "worker", "beat"}
    for name in ("worker", "beat"):
        assert shlex.split(services[name]["command"]) == local[name]
    web = services["web"]["command"]
    gunicorn = shlex.split(re.search(r"(gunicorn [^\"]+)", web).group(1))
    assert without_bind(gunicorn) == without_bind(local["web"])
    assert "migrate" in web and "load_reference_data" in web


def test_compose_file_is_valid():
    client = shutil.which("docker-compose")
    assert client, "docker-compose (Debian package) is needed to validate docker-compose.yml"
    result = subprocess.run(
        [client, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        env={
            **os.environ,
            "SECRET_KEY": "x" * 50,
            "FIELD_ENCRYPTION_KEYS": "k",
            "SITE_URL": "https://csir.example.gov.uk",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
