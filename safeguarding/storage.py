"""File storage that encrypts what it writes (issue 12, item 9): review documents, Panel
letters and e-mail attachments reach the disk, and so the backups, only as Fernet tokens under
`FIELD_ENCRYPTION_KEYS` (safeguarding.crypto), and are decrypted when opened.

A file is encrypted whole, in memory: the service's files are bounded (a review document is
at most RAPID_REVIEW_DOCUMENT_MAX_BYTES) and Fernet has no streaming form.
"""

from __future__ import annotations

import logging
import os
import tempfile

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from . import crypto

logger = logging.getLogger(__name__)


class EncryptedFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content) -> str:
        if hasattr(content, "seek"):
            content.seek(0)
        data = b"".join(
            chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in content.chunks()
        )
        return super()._save(name, ContentFile(crypto.encrypt_bytes(data)))

    def _open(self, name: str, mode: str = "rb") -> ContentFile:
        if any(flag in mode for flag in "wa+"):
            raise ValueError("Encrypted files are written whole with save(), not opened to write.")
        data = self.read_plaintext(name)
        content = data if "b" in mode else data.decode("utf-8")
        return ContentFile(content, name=name)

    def read_plaintext(self, name: str) -> bytes:
        raw = self.read_raw(name)
        if not crypto.looks_like_token(raw):
            # Written before encryption was turned on; rotate_encryption_keys encrypts it.
            logger.warning("Stored file %s is not encrypted yet", name)
            return raw
        return crypto.decrypt_bytes(raw)

    def size(self, name: str) -> int:
        """The plaintext's size, as callers (downloads' Content-Length) expect."""
        return len(self.read_plaintext(name))

    # For rotate_encryption_keys: the bytes on disk, and replacing them in one step.

    def read_raw(self, name: str) -> bytes:
        with open(self.path(name), "rb") as handle:
            return handle.read()

    def replace_raw(self, name: str, data: bytes) -> None:
        """Write `data` over the file atomically (a reader sees the old or the new bytes)."""
        path = self.path(name)
        directory = os.path.dirname(path)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".rotating-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

    def walk(self, directory: str = ""):
        """Every stored file's name, depth first."""
        directories, files = self.listdir(directory)
        for filename in files:
            if not filename.startswith(".rotating-"):
                yield os.path.join(directory, filename) if directory else filename
        for sub in directories:
            yield from self.walk(os.path.join(directory, sub) if directory else sub)
