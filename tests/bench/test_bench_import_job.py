"""The bench's import through a web upload's job (issue 19): imported on the worker's service
path, rolled back, with one progress write per chunk of rows rather than per row."""

from __future__ import annotations

from bench import stats, worker
from notifications.models import Notification


def test_the_import_job_task_imports_the_file_and_rolls_back(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = stats.import_file(40, tmp_path)

    out = worker.task_import_job({"path": str(path)})

    assert out["status"] == "succeeded" and out["added"] == 40, out
    # Start, every row read, before and after saving: no write per row.
    assert out["progress_writes"] == 5
    assert not Notification.objects.exists()
