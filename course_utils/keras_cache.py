"""The Keras cache: where it is, and fetching files into it with errors that say what to do.

Keras downloads into its cache (``$KERAS_HOME``, default ``~/.keras``) on first use. Offline,
a download fails with a bare ``Exception: URL fetch failure``; :func:`get_file` turns that into
a :class:`DataUnavailableError` naming the file and the seeding command
(``python -m course_utils.data seed``, see :mod:`course_utils.data`), tells a corrupt cached
archive from a missing one, and hides Keras's "Downloading data from ..." when the download
fails at once. :func:`read_cached` reads a cached file (a photo, a dataset's file) and reports
one that cannot be read as corrupt, with the same advice.
"""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import inspect
import io
import os
import shutil
import sys
import tarfile
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from course_utils import checks

T = TypeVar("T")

CACHE_FOLDERS = ("datasets", "models")
SEED_COMMAND = "python -m course_utils.data seed PATH/TO/keras-cache"


class DataUnavailableError(RuntimeError):
    """A file is neither in the Keras cache nor downloadable (usually: offline, not seeded)."""


def keras_home() -> Path:
    """Return the Keras cache folder: ``$KERAS_HOME``, else ``~/.keras`` (as Keras decides)."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser()


def _missing_file_error(fname: str, where: Path, origin: str) -> DataUnavailableError:
    return DataUnavailableError(
        f"{fname} is not in the Keras cache ({where}) and could not be downloaded from "
        f"{origin}. Offline, seed the cache first: {SEED_COMMAND} "
        "(in this repository's CI the folder is ../shared/keras-cache)."
    )


def _corrupt_file_error(path: Path, reason: object) -> DataUnavailableError:
    return DataUnavailableError(
        f"{path.name} in the Keras cache ({path}) is corrupt ({reason}). Seed the cache again "
        f"to replace it with the source's copy: {SEED_COMMAND}; online, delete {path} and "
        "run this again to download it afresh."
    )


def read_cached(path: str | os.PathLike, read: Callable[[Path], T]) -> T:
    """Return ``read(path)`` for a file of the Keras cache, reporting an unreadable one as corrupt.

    ``read`` decodes the file (``skimage.io.imread`` for a photo); any failure of it on the
    file's contents (a truncated JPEG, a gzip stream that ends early, a wrong header) becomes
    the error that names the file and says how to re-seed it.

    Raises:
        TypeError: for a ``path`` that is not a path or a ``read`` that is not callable.
        FileNotFoundError: for a ``path`` that is not a file (:func:`get_file` fetches one).
        DataUnavailableError: when ``read`` fails with ``OSError``, ``EOFError``,
            ``ValueError`` or ``zlib.error``: the cached file is corrupt.
    """
    path = checks.path("path", path)
    if not callable(read):
        raise TypeError(f"read must be a function of the path, got {read!r}")
    if not path.is_file():
        raise FileNotFoundError(f"path {path} is not a file")
    try:
        return read(path)
    except (OSError, EOFError, ValueError, zlib.error) as err:
        reason = (str(err).splitlines() or [type(err).__name__])[0]
        raise _corrupt_file_error(path, reason) from err


def copy_if_changed(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` unless the same bytes are already there.

    The contents are compared, not only the sizes, so a corrupt cached file of the right size
    is replaced too.

    Raises:
        TypeError: for a ``source`` or ``target`` that is not a path.
        FileNotFoundError: for a ``source`` that is not a file.
    """
    source, target = checks.path("source", source), checks.path("target", target)
    if not source.is_file():
        raise FileNotFoundError(f"source {source} is not a file")
    if target.is_file() and filecmp.cmp(source, target, shallow=False):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return True


#: How Keras's messages before a download begin; they are held until the download goes on.
_ANNOUNCEMENTS = ("Downloading data from", "A local file was found")


class _HeldOutput(io.TextIOBase):
    """A stdout that holds back Keras's download announcements until something else follows.

    Keras announces a download ("Downloading data from ...") before it tries it; online the
    progress bar follows at once and releases the announcement, offline the call fails and
    nothing is shown.
    """

    def __init__(self, target: io.TextIOBase) -> None:
        self.target, self.held = target, ""

    def write(self, text: str) -> int:
        # print() writes a line's end apart from the line: it belongs to the held line.
        if text.startswith(_ANNOUNCEMENTS) or (self.held and not self.held.endswith("\n")):
            self.held += text
            return len(text)
        self.release()
        return self.target.write(text)

    def release(self) -> None:
        if self.held:
            self.target.write(self.held)
            self.held = ""

    def flush(self) -> None:
        self.target.flush()


@contextlib.contextmanager
def quiet_if_download_fails() -> Iterator[None]:
    """Show Keras's download announcement only if the download does not fail at once."""
    held = _HeldOutput(sys.stdout)
    with contextlib.redirect_stdout(held):
        yield
    held.release()


def _is_offline_miss(err: BaseException) -> bool:
    """Whether ``err`` is Keras failing to download (it raises a bare ``Exception`` then)."""
    return isinstance(err, OSError) or (
        type(err) is Exception and str(err).startswith("URL fetch failure")
    )


def _hash_mismatch(path: Path, kwargs: dict[str, Any]) -> str | None:
    """Say why ``path`` fails the hash that ``kwargs`` give ``get_file``; ``None`` if it passes.

    Keras's rules: ``md5_hash`` is MD5, a 64-digit ``file_hash`` SHA-256 (with ``"auto"``).
    """
    expected = kwargs.get("file_hash") or kwargs.get("md5_hash")
    if not expected or not path.is_file():
        return None
    algorithm = kwargs.get("hash_algorithm", "auto")
    if kwargs.get("md5_hash") and not kwargs.get("file_hash"):
        algorithm = "md5"
    elif algorithm == "auto":
        algorithm = "sha256" if len(expected) == 64 else "md5"
    with path.open("rb") as file:
        actual = hashlib.file_digest(file, algorithm).hexdigest()
    return None if actual == expected else f"its {algorithm} hash is {actual}, not {expected}"


def get_file(fname: str, origin: str, **kwargs: Any) -> Path:
    """``keras.utils.get_file`` into the Keras cache, with a clear error when offline.

    The arguments are those of ``keras.utils.get_file`` (``extract=True`` unpacks an archive
    and returns the folder it was unpacked into); the file lands in, or is found in,
    ``$KERAS_HOME/datasets`` (``cache_subdir`` names another folder of the cache). Keras's
    "Downloading data from ..." is shown only when the download goes ahead.

    Raises:
        TypeError: for an argument that ``keras.utils.get_file`` does not take, or a
            ``fname`` or ``origin`` that is not a string.
        ValueError: for an empty ``fname`` or ``origin``.
        DataUnavailableError: offline, when the file is not in the Keras cache; or when the
            cached file is corrupt (an archive that cannot be unpacked, or, offline, a file
            whose hash is not ``file_hash``), saying how to re-seed it.
    """
    import keras

    for name, value in (("fname", fname), ("origin", origin)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a non-empty string, got {value!r}")
        if not value:
            raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    cache = keras_home()
    try:
        inspect.signature(keras.utils.get_file).bind(fname, origin=origin,
                                                     cache_dir=str(cache), **kwargs)
    except TypeError as err:
        reason = str(err).removeprefix("inspect.Signature.bind() ")
        raise TypeError(f"get_file() {reason}; it takes the arguments of keras.utils.get_file "
                        "(except cache_dir: the Keras cache is used)") from None
    folder = cache / kwargs.get("cache_subdir", "datasets")
    # Keras deletes a cached file whose hash is wrong when the new download fails: look first.
    stale = _hash_mismatch(folder / fname, kwargs)
    try:
        with quiet_if_download_fails(), warnings.catch_warnings():
            warnings.filterwarnings("error", "Could not extract archive", UserWarning)
            return Path(keras.utils.get_file(fname, origin=origin, cache_dir=str(cache),
                                             **kwargs))
    except (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError, UserWarning) as err:
        reason = ("not an archive that can be unpacked" if isinstance(err, UserWarning)
                  else f"unpacking it failed: {err}")
        raise _corrupt_file_error(folder / fname, reason) from err
    except Exception as err:
        if not _is_offline_miss(err):
            raise
        if stale:
            raise _corrupt_file_error(folder / fname, stale) from err
        raise _missing_file_error(fname, folder, origin) from err
