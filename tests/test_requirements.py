"""requirements.txt installs where readers are: Python 3.11-3.13 on Linux x86_64, Linux aarch64
and macOS on Apple silicon.

pip evaluates environment markers against the interpreter that runs it, and takes ``--platform``
literally, so each target is checked in two steps: :func:`requirements_for` evaluates the markers
of ``requirements.txt`` for that platform and Python (with ``packaging``, as pip would there), then
``pip install --dry-run --only-binary=:all:`` resolves the selected pins against PyPI with every
wheel tag such a machine accepts. Nothing is installed. The resolution needs the package registry:
without it the test is skipped, except in CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"
PYTHONS = ("3.11", "3.12", "3.13")


def _manylinux(machine: str) -> list[str]:
    """The tags a Linux machine with glibc 2.35 (Ubuntu 22.04, Debian 12 has 2.36) accepts."""
    tags = [f"manylinux_2_{minor}_{machine}" for minor in range(35, 16, -1)]
    return [*tags, f"manylinux2014_{machine}"]


def _macos_arm64() -> list[str]:
    """The tags a Mac on Apple silicon with macOS 14 (Sonoma) accepts."""
    tags = []
    for major in (14, 13, 12, 11):
        tags += [f"macosx_{major}_0_arm64", f"macosx_{major}_0_universal2"]
    return tags + [f"macosx_10_{minor}_universal2" for minor in range(16, 8, -1)]


#: name -> (marker environment, wheel tags pip may use)
PLATFORMS: dict[str, tuple[dict[str, str], list[str]]] = {
    "linux-x86_64": ({"sys_platform": "linux", "platform_system": "Linux",
                      "platform_machine": "x86_64"}, _manylinux("x86_64")),
    "linux-aarch64": ({"sys_platform": "linux", "platform_system": "Linux",
                       "platform_machine": "aarch64"}, _manylinux("aarch64")),
    "macos-arm64": ({"sys_platform": "darwin", "platform_system": "Darwin",
                     "platform_machine": "arm64"}, _macos_arm64()),
}
TARGETS = [(name, python) for name in PLATFORMS for python in PYTHONS]


def marker_environment(platform: str, python: str) -> dict[str, str]:
    """The values pip's markers would see on ``platform`` under CPython ``python``."""
    values, _ = PLATFORMS[platform]
    return {**values, "os_name": "posix", "python_version": python,
            "python_full_version": f"{python}.0", "implementation_name": "cpython",
            "platform_python_implementation": "CPython"}


def requirements_for(platform: str, python: str) -> list[Requirement]:
    """The pins of requirements.txt whose markers hold on ``platform`` (markers dropped).

    The editable ``-e .`` (this book's own pure-Python package) is not a pin and is left out.
    """
    environment = marker_environment(platform, python)
    selected = []
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith(("#", "-e")):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            requirement.marker = None
            selected.append(requirement)
    return selected


@pytest.mark.parametrize(("platform", "python"), TARGETS)
def test_one_tensorflow_221_build_is_selected(platform, python):
    tensorflow = [r for r in requirements_for(platform, python) if r.name.startswith("tensorflow")]
    assert len(tensorflow) == 1, [str(r) for r in tensorflow]
    assert str(tensorflow[0].specifier) == "==2.21.0"
    expected = "tensorflow-cpu" if platform == "linux-x86_64" else "tensorflow"
    assert tensorflow[0].name == expected


def test_every_line_is_pinned():
    for requirement in requirements_for("linux-x86_64", "3.11"):
        assert str(requirement.specifier).startswith("=="), f"{requirement} is not pinned"


def _resolve(platform: str, python: str, folder: Path) -> subprocess.CompletedProcess[str]:
    pins = folder / f"{platform}-{python}.txt"
    pins.write_text("\n".join(str(r) for r in requirements_for(platform, python)) + "\n")
    _, tags = PLATFORMS[platform]
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
               "--quiet", "--only-binary=:all:", "--python-version", python,
               "--implementation", "cp", "--target", str(folder / f"{platform}-{python}"),
               "-r", str(pins)]
    for tag in tags:
        command += ["--platform", tag]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def _registry_reachable() -> bool:
    try:
        urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=10).close()
    except OSError:
        return False
    return True


def test_requirements_resolve_on_every_platform_and_python(tmp_path):
    if not _registry_reachable():
        if os.environ.get("CI"):
            pytest.fail("CI cannot reach the package registry to resolve requirements.txt")
        pytest.skip("the package registry is not reachable")
    with ThreadPoolExecutor(max_workers=len(TARGETS)) as pool:
        results = list(pool.map(lambda target: _resolve(*target, tmp_path), TARGETS))
    failures = [f"{platform} / Python {python}:\n{result.stderr.strip()[-1500:]}"
                for (platform, python), result in zip(TARGETS, results, strict=True)
                if result.returncode != 0]
    assert not failures, "\n\n".join(failures)
