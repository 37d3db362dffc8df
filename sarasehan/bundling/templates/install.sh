#!/bin/sh
# Sarasehan @VERSION@ - learner archive for @SYSTEM@ (@LABEL@).
#
#   sh install.sh              first time: install from wheels/ (no internet needed), then open the course
#                              later: just open the course (it installs again only when needed)
#   sh install.sh --install-only   install, do not open
#   sh install.sh --lang en        open the English lessons (default: Bahasa Indonesia)
#
# Uses the first of: $SARASEHAN_PYTHON, python3.13, python3.12, python3.11, python3.
# Everything is installed into .venv inside this folder; delete the folder to remove it all.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SYSTEM="@SYSTEM@"
VERSION="@VERSION@"
SUPPORTED="@SUPPORTED@"
VENV="$HERE/.venv"
MARKER="$VENV/.sarasehan-bundle"

say() { printf '%s\n' "$@"; }
fail() { say "" "$@" ""; exit "${CODE:-1}"; }

# 1. Is this the right archive for this computer?
os=$(uname -s 2>/dev/null || echo unknown)
arch=$(uname -m 2>/dev/null || echo unknown)
case "$os/$arch" in
  Linux/x86_64|Linux/amd64) here_system=linux-x86_64 ;;
  Darwin/arm64|Darwin/aarch64) here_system=macos-arm64 ;;
  Darwin/x86_64) here_system=macos-x86_64 ;;
  *) here_system="$os-$arch" ;;
esac
if [ "$here_system" != "$SYSTEM" ]; then
  CODE=2 fail "Arsip ini untuk $SYSTEM, sedangkan komputer ini $here_system." \
    "Ambil arsip yang sesuai: sarasehan-learner-$VERSION-<sistem>.zip. Sistem yang didukung: @SYSTEMS@." \
    "This archive is for $SYSTEM, but this computer is $here_system." \
    "Take the matching archive: sarasehan-learner-$VERSION-<system>.zip. Supported systems: @SYSTEMS@."
fi
if [ "$os" = Linux ]; then
  glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
  if [ -z "$glibc" ] || [ "$(printf '%s\n' "$glibc" @GLIBC@ | sort -t. -k1,1n -k2,2n | head -n1)" != "@GLIBC@" ]; then
    CODE=2 fail "Linux ini memakai ${glibc:+glibc $glibc}${glibc:-pustaka C selain glibc}; arsip ini memerlukan glibc @GLIBC@ atau lebih baru (Ubuntu 20.04+, Debian 10+)." \
      "This Linux has ${glibc:+glibc $glibc}${glibc:-a C library other than glibc}; this archive needs glibc @GLIBC@ or newer (Ubuntu 20.04+, Debian 10+)."
  fi
fi

# 2. A supported Python (the wheels in wheels/ are built for exactly these versions).
PY=""
found=""
for candidate in ${SARASEHAN_PYTHON:-} python3.13 python3.12 python3.11 python3; do
  command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
  v=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
  found="$found $candidate=$v"
  case " $SUPPORTED " in *" $v "*) PY=$candidate; break ;; esac
done
if [ -z "$PY" ]; then
  case "$os" in
    Darwin) hint_id="Pasang Python 3.12 dari https://www.python.org/downloads/macos/ (atau dari arsip instruktur)."
            hint_en="Install Python 3.12 from https://www.python.org/downloads/macos/ (or from your instructor's copy)." ;;
    *) hint_id="Di Ubuntu/Debian: sudo apt install python3 python3-venv (Python 3.11 ke atas)."
       hint_en="On Ubuntu/Debian: sudo apt install python3 python3-venv (Python 3.11 or newer)." ;;
  esac
  CODE=3 fail "Tidak ada Python yang didukung. Ditemukan:${found:- tidak ada}. Didukung: Python $SUPPORTED." "$hint_id" \
    "No supported Python found. Found:${found:- none}. Supported: Python $SUPPORTED." "$hint_en" \
    "(SARASEHAN_PYTHON=/path/to/python3.12 sh install.sh)"
fi

# 3. Install once (again only when this archive's version changes), from wheels/ only.
want="$VERSION $SYSTEM $("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$MARKER" 2>/dev/null)" != "$want" ]; then
  say "Memasang Sarasehan $VERSION dengan $PY (tanpa internet)... / Installing Sarasehan $VERSION with $PY (no internet needed)..."
  rm -rf "$VENV"
  if ! "$PY" -m venv "$VENV" >/dev/null 2>&1 && ! "$PY" -m venv --copies "$VENV"; then
    rm -rf "$VENV"
    CODE=4 fail "Folder .venv tidak dapat dibuat dengan $PY. Di Ubuntu/Debian pasang dulu: sudo apt install python3-venv (atau python3.X-venv)." \
      "Could not create .venv with $PY. On Ubuntu/Debian install first: sudo apt install python3-venv (or python3.X-venv)."
  fi
  # Only this folder's wheels: no index, no pip configuration file that could add another source.
  if ! PIP_CONFIG_FILE=/dev/null "$VENV/bin/python" -m pip install --no-index --find-links "$HERE/wheels" \
        --disable-pip-version-check --no-warn-script-location --quiet -r "$HERE/requirements.txt"; then
    rm -rf "$VENV"
    CODE=5 fail "Pemasangan gagal (lihat pesan di atas). Tidak ada yang berubah di luar folder ini; coba lagi, atau minta arsip baru." \
      "The install failed (see the messages above). Nothing outside this folder changed; try again, or ask for a fresh archive."
  fi
  printf '%s\n' "$want" > "$MARKER"
  say "Selesai. / Done."
fi

# 4. Open the course.
if [ "${1:-}" = "--install-only" ]; then
  exit 0
fi
SARASEHAN_ROOT="$HERE"
export SARASEHAN_ROOT
exec "$VENV/bin/sarasehan" lab "$@"
