"""Durable writes: a file or a folder of index files reaches the disk before anything points at it.

fsync makes a file's bytes durable; fsync of its folder makes its name durable (a new, renamed or
removed entry). Whoosh commits by renaming a new table of contents into place, so the storage below
syncs the index's files before that rename and the folder after it.
"""

import contextlib
import errno
import os
from pathlib import Path

from whoosh.filedb.filestore import FileStorage


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (new, renamed or removed files) durable. Windows cannot open a
    folder for this; NTFS journals its metadata, so there is nothing to do there."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno not in (errno.EINVAL, errno.EBADF):  # some file systems cannot sync a folder
            raise
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """fsync every file directly in ``folder``, then the folder itself."""
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False):
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(folder)


class DurableStorage(FileStorage):
    """Whoosh's file storage, with its commit point made durable.

    A Whoosh commit ends by renaming a new table of contents into place; before that rename every
    file of the index is fsynced, and the folder after it, so the TOC never outlives its segments.
    """

    def rename_file(self, oldname, newname, safe=False):
        sync_folder(Path(self.folder))
        super().rename_file(oldname, newname, safe)
        fsync_dir(Path(self.folder))


def write_atomically(path: Path, text: str | bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") if isinstance(text, bytes) else open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)
