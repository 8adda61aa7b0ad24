#!/usr/bin/env python3
"""Start PostgreSQL and Redis on loopback for tests and for `make stack`, without Docker.

    scripts/services.py test -- pytest ARGS   throwaway servers in a temporary directory on free
                                              ports; runs the command against them; always stops
                                              them and removes the directory, even on failure.
    scripts/services.py stack -- COMMAND      servers whose data persists in .stack/; runs the
                                              command (honcho: web, worker, beat) against them.

DATABASE_URL or REDIS_URL already set in the environment are used as they are, and the
matching server is not started. Standard library only: it runs before the virtualenv exists.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "safeguarding"


def log(message: str) -> None:
    print(f"[services] {message}", flush=True)


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {timeout:.0f}s")


def postgres_bindir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    if candidates:
        return Path(candidates[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise RuntimeError("PostgreSQL server binaries not found (Debian package: postgresql)")


def as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; the Debian package creates a postgres user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Postgres:
    def __init__(self, data_dir: Path, port: int):
        self.data_dir, self.port, self.bindir = data_dir, port, postgres_bindir()
        self.socket_dir = data_dir.parent / "pg-socket"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    def start(self) -> None:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.data_dir.parent, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        if not (self.data_dir / "PG_VERSION").exists():
            subprocess.run(
                as_postgres(
                    [
                        str(self.bindir / "initdb"),
                        "-D",
                        str(self.data_dir),
                        "-A",
                        "trust",
                        "-E",
                        "UTF8",
                        "-U",
                        "postgres",
                        "--no-sync",
                    ]
                ),
                check=True,
                stdout=subprocess.DEVNULL,
            )
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            as_postgres(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-o",
                    options,
                    "-l",
                    str(self.data_dir.parent / "postgres.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        created = subprocess.run(
            [str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port)]
            + ["-U", "postgres", DB_NAME],
            capture_output=True,
            text=True,
        )
        if created.returncode and "already exists" not in created.stderr:
            raise RuntimeError(created.stderr)
        log(f"PostgreSQL {self.bindir.parent.name} on 127.0.0.1:{self.port} ({self.data_dir})")

    def stop(self) -> None:
        subprocess.run(
            as_postgres(
                [str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "stop"]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        log("PostgreSQL stopped")


class Redis:
    def __init__(self, data_dir: Path, port: int, persistent: bool):
        self.data_dir, self.port, self.persistent = data_dir, port, persistent
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        if not server:
            raise RuntimeError("redis-server not found (Debian package: redis-server)")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        persistence = ["--appendonly", "yes"] if self.persistent else ["--save", ""]
        persistence += [] if self.persistent else ["--appendonly", "no"]
        self.process = subprocess.Popen(
            [server, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.data_dir)]
            + persistence,
            stdout=(self.data_dir / "redis.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port)
        log(f"Redis on 127.0.0.1:{self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        log("Redis stopped")


def run(mode: str, command: list[str]) -> int:
    persistent = mode == "stack"
    env = dict(os.environ)
    if persistent:
        base = ROOT / ".stack"
        base.mkdir(exist_ok=True)
    else:
        base = Path(tempfile.mkdtemp(prefix="csir-test-"))
        base.chmod(0o755)  # the postgres user must reach its data directory inside
    servers: list[Postgres | Redis] = []

    def stop_all(*_args) -> None:
        for server in reversed(servers):
            server.stop()
        servers.clear()
        if not persistent:
            shutil.rmtree(base, ignore_errors=True)

    def on_signal(signum, _frame) -> None:
        stop_all()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    try:
        if env.get("DATABASE_URL"):
            log("DATABASE_URL is set: using that database")
        else:
            postgres = Postgres(base / "pg" / "data", 55432 if persistent else free_port())
            (base / "pg").mkdir(parents=True, exist_ok=True)
            servers.append(postgres)
            postgres.start()
            env["DATABASE_URL"] = postgres.url
            if not persistent:
                # Tells `make bench`, which replaces the case tables' rows, that this database
                # is one it may wipe: made here, and removed when the command ends.
                env["THROWAWAY_DATABASE"] = DB_NAME
        if env.get("REDIS_URL"):
            log("REDIS_URL is set: using that Redis")
        else:
            redis = Redis(base / "redis", 56379 if persistent else free_port(), persistent)
            servers.append(redis)
            redis.start()
            env["REDIS_URL"] = redis.url
        return subprocess.call(command, env=env, cwd=ROOT)
    except KeyboardInterrupt:
        return 130
    finally:
        stop_all()


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in {"test", "stack"} or argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    return run(argv[0], argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
