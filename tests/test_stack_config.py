"""docker-compose.yml and the Procfile (`make stack`) describe the same processes."""

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from safeguarding.celery import app as celery_app

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


@pytest.mark.worker
def test_make_stack_with_two_workers_starts_two_named_workers_on_one_queue(celery_processes):
    """`WORKERS=2 make stack` runs honcho with `-c worker=2` (scripts/stack.sh): two worker
    processes from the Procfile's line, each with its own Celery node name, consuming the same
    queue on the same Redis."""
    assert '-c "worker=${WORKERS:-1}"' in (ROOT / "scripts" / "stack.sh").read_text()
    log_path = celery_processes.tmp_path / "honcho.log"
    env = celery_processes._env(None)
    venv_bin = Path(sys.executable).parent  # honcho, and the Procfile's `celery`
    with log_path.open("w") as log:
        honcho = subprocess.Popen(
            [str(venv_bin / "honcho"), "start", "-f", "Procfile", "-c", "worker=2", "worker"],
            env={**env, "PATH": f"{venv_bin}:{env.get('PATH', '/usr/bin:/bin')}"},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        host = socket.gethostname()
        names = {f"worker.1@{host}", f"worker.2@{host}"}
        answered: set[str] = set()
        deadline = time.monotonic() + 60
        while answered != names and time.monotonic() < deadline and honcho.poll() is None:
            for reply in celery_app.control.ping(destination=sorted(names), timeout=0.5):
                answered |= set(reply)
        assert answered == names, log_path.read_text()[-3000:]
        # Both take tasks from the one queue.
        queues = celery_app.control.inspect(destination=sorted(names), timeout=5).active_queues()
        assert {name: [q["name"] for q in found] for name, found in queues.items()} == {
            name: [celery_app.conf.task_default_queue] for name in names
        }
    finally:
        honcho.terminate()
        try:
            honcho.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait(15)
