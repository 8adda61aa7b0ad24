"""The statistics PDF is laid out once per snapshot and audience, then served from storage."""

from unittest import mock

import pytest
from django.core.files.storage import default_storage

from analytics import exports
from analytics.services import statistics_compute
from safeguarding.models import AuditAction, AuditEvent

from ..factories import AdministratorFactory
from .factories import submitted_suicides

pytestmark = pytest.mark.django_db
THRESHOLD = 5


@pytest.fixture
def snapshot():
    submitted_suicides(3)
    return statistics_compute(year=2023, by=AdministratorFactory())


def _export(snapshot, *, public: bool):
    return exports.snapshot_export(
        snapshot=snapshot, fmt="pdf", public=public, by=None, threshold=THRESHOLD
    )


def test_a_second_pdf_download_is_served_from_storage_and_still_audited(snapshot):
    with mock.patch("analytics.exports.html_to_pdf", wraps=exports.html_to_pdf) as render:
        first = _export(snapshot, public=False)
        second = _export(snapshot, public=False)
    assert render.call_count == 1
    assert second.content == first.content and first.content.startswith(b"%PDF")
    name = exports.stored_pdf_name(snapshot, public=False, threshold=THRESHOLD)
    assert default_storage.exists(name)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2


def test_internal_and_public_pdfs_are_stored_apart(snapshot):
    names = {
        exports.stored_pdf_name(snapshot, public=False, threshold=THRESHOLD),
        exports.stored_pdf_name(snapshot, public=True, threshold=THRESHOLD),
        exports.stored_pdf_name(snapshot, public=True, threshold=THRESHOLD + 1),
    }
    assert len(names) == 3
    with mock.patch("analytics.exports.html_to_pdf", wraps=exports.html_to_pdf) as render:
        internal = _export(snapshot, public=False)
        public = _export(snapshot, public=True)
        assert _export(snapshot, public=True).content == public.content
    assert render.call_count == 2
    assert internal.content != public.content


def test_a_new_version_gets_its_own_pdf(snapshot):
    newer = statistics_compute(year=2023, by=None)
    assert exports.stored_pdf_name(newer, public=False, threshold=THRESHOLD) != (
        exports.stored_pdf_name(snapshot, public=False, threshold=THRESHOLD)
    )
