"""The zip door: lists an uploaded zip's images without inflating them, then reads them one at a time.

Limits hold against zip bombs and hostile archives: at most MAX_MEMBERS entries, each member at most
MAX_MEMBER_BYTES inflated and at most MAX_RATIO times its compressed size, the whole archive at most
MAX_TOTAL_BYTES inflated. Reads stop at the limit whatever the headers claim. A bad member
(encrypted, corrupt, too large, not an image) costs its own row, never the whole batch.
"""
import zipfile
from collections.abc import Iterator
from pathlib import Path

from artstudio.imageio import ImageError, LoadedImage, open_image

MAX_MEMBERS = 1000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200


class ArchiveError(ValueError):
    """The archive as a whole cannot be used; the message is written for the user."""


def _listed(info: zipfile.ZipInfo) -> bool:
    parts = Path(info.filename).parts
    return not info.is_dir() and not any(part.startswith(".") or part == "__MACOSX" for part in parts)


def members(path: str | Path) -> list[zipfile.ZipInfo]:
    """The archive's file entries (hidden files and folders skipped), checked against the limits."""
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [info for info in zf.infolist() if _listed(info)]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ArchiveError(f"{name}: the zip file is damaged and cannot be read.")
    if len(infos) > MAX_MEMBERS:
        raise ArchiveError(f"{name}: holds {len(infos)} files; at most {MAX_MEMBERS} per zip.")
    declared = sum(info.file_size for info in infos)
    if declared > MAX_TOTAL_BYTES:
        raise ArchiveError(f"{name}: would inflate to {declared / 2**20:.0f} MB; "
                           f"at most {MAX_TOTAL_BYTES // 2**20} MB per zip.")
    return infos


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One member's bytes, read no further than the limits allow; ImageError names the problem."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise ImageError(f"{name}: encrypted (password-protected) entries cannot be read.")
    if info.file_size > MAX_MEMBER_BYTES:
        raise ImageError(f"{name}: inflates to {info.file_size / 2**20:.0f} MB; at most "
                         f"{MAX_MEMBER_BYTES // 2**20} MB per file.")
    if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1 << 20:
        raise ImageError(f"{name}: compressed more than {MAX_RATIO}:1, which no image is (a zip bomb?).")
    try:
        with zf.open(info) as fh:
            data = fh.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise ImageError(f"{name}: this entry of the zip is damaged or uses an unsupported compression.")
    if len(data) > MAX_MEMBER_BYTES:
        raise ImageError(f"{name}: inflates past {MAX_MEMBER_BYTES // 2**20} MB; at most that per file.")
    return data


def zip_images(path: str | Path, max_pixels: int) -> Iterator[tuple[str, LoadedImage | str]]:
    """(member name, image or error message) for each listed member, decoded one at a time."""
    infos = members(path)
    with zipfile.ZipFile(path) as zf:
        for info in infos:
            try:
                yield info.filename, open_image(read_member(zf, info), max_pixels=max_pixels)
            except ImageError as err:
                yield info.filename, str(err).replace("upload:", "").strip()
