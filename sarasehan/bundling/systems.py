"""The systems a learner archive is made for, and the pip platform tags of each.

Pure data and small functions; nothing here touches the network or the disk.

pip's ``--platform`` does not widen a manylinux tag to older glibc versions (it only maps
the legacy ``manylinux2014/2010/1`` names), so the Linux list spells out every
``manylinux_2_N`` from the newest glibc the archive supports down to the oldest. macOS tags
*are* widened downwards by pip (``macosx_12_0`` also accepts ``11_0``, ``10_13`` … and
``universal2``), so one tag per macOS system is enough.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Python versions every learner archive carries wheels for (pandas 3 needs 3.11 or newer;
#: a version is added here once every package of the course has wheels for it).
PYTHON_VERSIONS: tuple[str, ...] = ("3.11", "3.12", "3.13")

#: The newest glibc a Linux learner needs (numpy 2.4+ wheels are manylinux_2_28).
LINUX_GLIBC = (2, 28)


def manylinux_tags(arch: str, newest_minor: int = LINUX_GLIBC[1]) -> tuple[str, ...]:
    """``manylinux_2_<newest>_<arch>`` down to ``manylinux_2_5``, plus the legacy aliases.

    >>> manylinux_tags("x86_64", 18)[:2]
    ('manylinux_2_18_x86_64', 'manylinux_2_17_x86_64')
    >>> manylinux_tags("x86_64", 6)[-3:]
    ('manylinux2014_x86_64', 'manylinux2010_x86_64', 'manylinux1_x86_64')
    """
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(newest_minor, 4, -1)]
    return tuple(tags + [f"manylinux2014_{arch}", f"manylinux2010_{arch}", f"manylinux1_{arch}"])


@dataclass(frozen=True)
class System:
    name: str                 # part of the archive name: sarasehan-learner-VERSION-<name>.zip
    label: str                # for people: which machines this archive is for
    platforms: tuple[str, ...]  # pip --platform tags, most specific first
    script: str               # the install-and-start script in the archive

    @property
    def windows(self) -> bool:
        return self.script.endswith(".bat")


SYSTEMS: dict[str, System] = {
    s.name: s
    for s in (
        System("linux-x86_64", "Linux, 64-bit Intel/AMD (x86-64), glibc 2.28 or newer "
               "(Ubuntu 20.04+, Debian 10+, Fedora 29+)",
               manylinux_tags("x86_64"), "install.sh"),
        System("windows-amd64", "Windows 10 or 11, 64-bit Intel/AMD", ("win_amd64",),
               "install.bat"),
        System("macos-arm64", "macOS 12 or newer on Apple silicon (M1 and later)",
               ("macosx_12_0_arm64",), "install.sh"),
        System("macos-x86_64", "macOS 12 or newer on Intel", ("macosx_12_0_x86_64",),
               "install.sh"),
    )
}


def get_system(name: str) -> System:
    from ..errors import SarasehanError

    try:
        return SYSTEMS[name]
    except KeyError:
        raise SarasehanError("bundle.unknown_system", system=name,
                             known=", ".join(SYSTEMS)) from None


def learner_archive_name(version: str, system: System) -> str:
    return f"sarasehan-learner-{version}-{system.name}"


def instructor_archive_name(version: str) -> str:
    return f"sarasehan-instructor-{version}"
