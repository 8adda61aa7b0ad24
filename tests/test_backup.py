"""Backup and restore (issue 12, item 10): `scripts/backup.py` (what `make backup` and
`make restore` run) round-trips the test PostgreSQL database and the media files into a fresh
database and a fresh media folder."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

from notifications.models import Notification, NotificationChild
from rapidreviews.models import RapidReview
from safeguarding.models import AuditEvent, LocalAuthority, User

from .rapidreviews.factories import SubmittedReviewFactory

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "backup.py"
MAIN_TABLES = (Notification, NotificationChild, RapidReview, AuditEvent, LocalAuthority, User)


def url_for(name: str) -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name}"


def run_script(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def fresh_database():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_documents(
    reference_data, settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    review = SubmittedReviewFactory()
    document = review.document.name
    original = (settings.MEDIA_ROOT / document).read_bytes()
    counts = {model._meta.db_table: model.objects.count() for model in MAIN_TABLES}
    assert counts[RapidReview._meta.db_table] == 1

    made = run_script(
        "backup",
        DATABASE_URL=url_for(connection.settings_dict["NAME"]),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        BACKUP_DIR=str(tmp_path / "backups"),
    )
    assert made.returncode == 0, made.stderr
    (backup,) = (tmp_path / "backups").iterdir()
    assert {p.name for p in backup.iterdir()} == {"database.dump", "media.tar.gz", "manifest.json"}
    assert "FIELD_ENCRYPTION_KEYS" not in (backup / "manifest.json").read_text()

    restored_media = tmp_path / "restored-media"
    done = run_script(
        "restore",
        str(backup),
        DATABASE_URL=url_for(fresh_database),
        MEDIA_ROOT=str(restored_media),
    )
    assert done.returncode == 0, done.stderr

    with psycopg.connect(url_for(fresh_database)) as restored:
        for table, count in counts.items():
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            (found,) = restored.execute(query).fetchone()
            assert found == count, table
        (path,) = restored.execute(
            "SELECT document FROM rapidreviews_rapidreview WHERE id = %s", [review.pk]
        ).fetchone()
    assert (restored_media / path).read_bytes() == original


def test_backup_refuses_without_postgresql(tmp_path):
    without = run_script("backup", BACKUP_DIR=str(tmp_path))
    assert without.returncode == 1
    assert "SQLite" in without.stderr
    sqlite = run_script("backup", DATABASE_URL="sqlite:///db.sqlite3", BACKUP_DIR=str(tmp_path))
    assert sqlite.returncode == 1
    assert "not PostgreSQL" in sqlite.stderr
    assert not any(tmp_path.iterdir())


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    refused = run_script("restore", str(tmp_path), DATABASE_URL=url_for("nowhere"))
    assert refused.returncode == 1
    assert "not a backup" in refused.stderr
