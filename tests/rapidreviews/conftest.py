import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded documents (CompleteReviewFactory attaches one) go to a temporary folder, never
    into the repository's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
