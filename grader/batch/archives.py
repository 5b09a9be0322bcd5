"""Unpack a submission's zip without trusting it: no escapes, no links, no bombs.

Only regular files whose names end in ``.py`` or ``.zip`` (a Canvas download nests zips) are
written; everything else is skipped. Names are checked before anything touches the disk, and
sizes are counted while reading, not taken from the archive's own (forgeable) headers.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class UnsafeArchive(Exception):
    """The archive was refused; the message says why in one line."""


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps for one archive."""

    max_members: int = 2000
    max_total_bytes: int = 64 * 1024 * 1024
    max_file_bytes: int = 8 * 1024 * 1024


KEPT_SUFFIXES = (".py", ".zip")
_CHUNK = 64 * 1024


def _safe_name(name: str) -> PurePosixPath:
    """The member's path, or UnsafeArchive for absolute paths, drive letters and ``..``."""
    clean = name.replace("\\", "/")
    path = PurePosixPath(clean)
    if clean.startswith("/") or (len(clean) > 1 and clean[1] == ":"):
        raise UnsafeArchive(f"it holds an absolute path ({name!r})")
    if any(part == ".." for part in path.parts):
        raise UnsafeArchive(f"it holds a path that climbs out of the folder ({name!r})")
    return path


def _is_link_or_special(info: zipfile.ZipInfo) -> bool:
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip tool recorded no Unix type
    return kind not in (0, stat.S_IFREG, stat.S_IFDIR)


def extract(archive: Path, into: Path, limits: ArchiveLimits = ArchiveLimits()) -> list[Path]:
    """Extract the ``.py`` and ``.zip`` members of ``archive`` into ``into``; return their paths.

    Raises UnsafeArchive (absolute or ``..`` paths, symbolic links or other special members, too
    many members, too many bytes) and leaves whatever was written for the caller to remove.
    """
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnsafeArchive(f"it is not a readable zip file ({exc})") from None
    written: list[Path] = []
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise UnsafeArchive(f"it holds {len(infos)} files, more than {limits.max_members}")
        for info in infos:
            name = _safe_name(info.filename)
            if _is_link_or_special(info):
                raise UnsafeArchive(f"it holds a link or special file ({info.filename!r})")
        total = 0
        for info in infos:
            name = _safe_name(info.filename)
            if info.is_dir() or not name.name.lower().endswith(KEPT_SUFFIXES):
                continue
            if name.name.startswith(("._", ".")):  # macOS resource forks and hidden files
                continue
            target = into.joinpath(*name.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            size = 0
            try:
                with zf.open(info) as source, open(target, "xb") as sink:
                    while chunk := source.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > limits.max_file_bytes:
                            raise UnsafeArchive(
                                f"{info.filename!r} unpacks to more than "
                                f"{limits.max_file_bytes // 2**20} MiB"
                            )
                        if total > limits.max_total_bytes:
                            raise UnsafeArchive(
                                f"it unpacks to more than {limits.max_total_bytes // 2**20} MiB"
                            )
                        sink.write(chunk)
            except FileExistsError:
                raise UnsafeArchive(f"it holds {info.filename!r} twice") from None
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
                raise UnsafeArchive(f"{info.filename!r} could not be read ({exc})") from None
            written.append(target)
    return written
