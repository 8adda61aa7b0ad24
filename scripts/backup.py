#!/usr/bin/env python3
"""Back up and restore the service's data: the PostgreSQL database and the media files
(review documents, letters, attachments).

    scripts/backup.py backup            BACKUP_DIR/backup-<UTC time>/ with database.dump
                                        (pg_dump, custom format), media.tar.gz and manifest.json;
                                        prints the directory
    scripts/backup.py restore PATH      restores PATH (a directory made by `backup`) into
                                        DATABASE_URL (pg_restore --clean --if-exists) and
                                        MEDIA_ROOT (the media files replaced by the backup's)

Environment: DATABASE_URL (PostgreSQL, required), MEDIA_ROOT (default ./media, as the
settings), BACKUP_DIR (default ./backups). The encryption keys (FIELD_ENCRYPTION_KEYS) are never
written into a backup: the database and the documents are backed up as ciphertext, and the keys
must be kept separately (README, "Backup and restore").

Standard library only, like scripts/services.py, whose search for PostgreSQL's binaries it
reuses: pg_dump must be at least the server's version, and the one first on PATH may be
older than the newest installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services import postgres_bindir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DUMP, MEDIA, MANIFEST = "database.dump", "media.tar.gz", "manifest.json"


class BackupError(Exception):
    pass


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise BackupError(
            "DATABASE_URL is not set. Without it the service uses a SQLite file, which these "
            "commands do not back up: copy the SQLite file (SQLITE_PATH, default db.sqlite3) "
            "and the media folder while the service is stopped, or run on PostgreSQL."
        )
    scheme = url.split(":", 1)[0]
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise BackupError(
            f"DATABASE_URL points at '{scheme}', not PostgreSQL: backup and restore use "
            "pg_dump and pg_restore. For SQLite, copy the database file and the media folder "
            "while the service is stopped."
        )
    # libpq reads postgres:// and postgresql://; dj-database-url's pgsql:// alias is not its.
    return "postgresql:" + url.split(":", 1)[1] if scheme == "pgsql" else url


def media_root() -> Path:
    return Path(os.environ.get("MEDIA_ROOT") or ROOT / "media")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def libpq_environment(url: str) -> dict[str, str]:
    """DATABASE_URL as libpq's environment variables, so that the password never appears on a
    command line (where any local user could read it in the process list)."""
    parts = urlsplit(url)
    values = {
        "PGHOST": unquote(parts.hostname or ""),
        "PGPORT": str(parts.port or ""),
        "PGUSER": unquote(parts.username or ""),
        "PGPASSWORD": unquote(parts.password or ""),
        "PGDATABASE": unquote(parts.path.lstrip("/")),
    }
    for key, value in parse_qsl(parts.query):
        if key == "sslmode":
            values["PGSSLMODE"] = value
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def backup(backup_dir: Path) -> Path:
    """Dump the database and archive the media files into a new directory under
    `backup_dir`; return it."""
    url, bindir, media = database_url(), postgres_bindir(), media_root()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_dir / f"backup-{stamp}"
    partial = backup_dir / f".partial-{stamp}"
    partial.mkdir(parents=True, mode=0o700)
    try:
        dump = [str(bindir / "pg_dump"), "--format=custom", "--no-owner", "--no-acl"]
        run([*dump, f"--file={partial / DUMP}"], env=libpq_environment(url))
        with tarfile.open(partial / MEDIA, "w:gz") as archive:
            if media.is_dir():
                archive.add(media, arcname="media")
        manifest = {
            "created_at": datetime.now(UTC).isoformat(),
            "pg_dump": bindir.parent.name,
            "files": {name: sha256(partial / name) for name in (DUMP, MEDIA)},
            "encryption_keys": "not included: restore with the keys current at backup time",
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        # Only a complete backup gets its final name.
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def check(source: Path) -> None:
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} is not a backup made by scripts/backup.py (no {MANIFEST})")
    manifest = json.loads(manifest_path.read_text())
    for name, expected in manifest["files"].items():
        if not (source / name).is_file() or sha256(source / name) != expected:
            raise BackupError(f"{source / name} is missing or damaged (checksum differs)")


def restore(source: Path) -> None:
    """Restore the database and the media files from `source`, replacing what is there."""
    url, bindir, media = database_url(), postgres_bindir(), media_root()
    check(source)
    options = ["--clean", "--if-exists", "--no-owner", "--no-acl", "--exit-on-error"]
    environment = libpq_environment(url)
    run(
        [str(bindir / "pg_restore"), *options, "--single-transaction"]
        + [f"--dbname={environment['PGDATABASE']}", str(source / DUMP)],
        env=environment,
    )
    # The media files: unpacked beside MEDIA_ROOT, then swapped in, so that a failure leaves
    # the current files as they were.
    media.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media.parent))
    try:
        with tarfile.open(source / MEDIA, "r:gz") as archive:
            archive.extractall(staging, filter="data")
        restored = staging / "media"
        restored.mkdir(exist_ok=True)
        if media.exists():
            old = staging / "previous"
            media.rename(old)
        restored.rename(media)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backup", help="back up the database and the media files")
    restore_parser = commands.add_parser("restore", help="restore a backup")
    restore_parser.add_argument("path", type=Path, help="a backup directory")
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            target = backup(Path(os.environ.get("BACKUP_DIR") or ROOT / "backups"))
            print(f"Backed up to {target}")
            print("The encryption keys are not in it: keep FIELD_ENCRYPTION_KEYS separately.")
        else:
            restore(args.path)
            print(f"Restored {args.path} into the database and {media_root()}")
    except BackupError as error:
        print(f"backup.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
