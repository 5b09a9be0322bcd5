"""Zip extraction refuses escapes, links and bombs, and keeps only .py and .zip members."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from grader.batch.archives import ArchiveLimits, UnsafeArchive, extract


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_keeps_python_files_and_nested_zips_only(tmp_path):
    archive = _zip(
        tmp_path / "a.zip",
        {
            "ex/m01_creation.py": b"x = 1",
            "ex/notes.txt": b"hi",
            "inner.zip": b"PK",
            "._m01.py": b"",
        },
    )
    written = extract(archive, tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == [
        "ex/m01_creation.py",
        "inner.zip",
    ]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../evil.py", "climbs out"),
        ("ex/../../evil.py", "climbs out"),
        ("/etc/evil.py", "absolute path"),
        ("C:/evil.py", "absolute path"),
        ("..\\evil.py", "climbs out"),
    ],
)
def test_zip_slip_is_refused_before_anything_is_written(tmp_path, name, why):
    archive = _zip(tmp_path / "a.zip", {"ok.py": b"", name: b"pwned"})
    with pytest.raises(UnsafeArchive, match=why):
        extract(archive, tmp_path / "out")
    assert not (tmp_path / "evil.py").exists()
    assert not (tmp_path / "out").exists()


def test_symlink_member_is_refused(tmp_path):
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("m01_creation.py")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchive, match="link"):
        extract(archive, tmp_path / "out")


def test_zip_bomb_is_refused_by_bytes_read_not_by_headers(tmp_path):
    archive = _zip(tmp_path / "bomb.zip", {"m01_creation.py": b"0" * (3 * 2**20)})
    with pytest.raises(UnsafeArchive, match="more than 1 MiB"):
        extract(archive, tmp_path / "out", ArchiveLimits(max_file_bytes=2**20))
    many = _zip(tmp_path / "many.zip", {f"f{i}.py": b"" for i in range(30)})
    with pytest.raises(UnsafeArchive, match="30 files"):
        extract(many, tmp_path / "out2", ArchiveLimits(max_members=20))
    total = _zip(tmp_path / "total.zip", {f"f{i}.py": b"1" * 600_000 for i in range(4)})
    with pytest.raises(UnsafeArchive, match="more than 2 MiB"):
        extract(total, tmp_path / "out3", ArchiveLimits(max_total_bytes=2 * 2**20))


def test_not_a_zip_is_refused_with_a_message(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"this is not a zip")
    with pytest.raises(UnsafeArchive, match="not a readable zip"):
        extract(bad, tmp_path / "out")
