import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Stored copies of the statistics PDF go to a temporary folder, never into media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
