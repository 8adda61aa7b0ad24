import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Rapid review documents (CompleteReviewFactory attaches one) go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
