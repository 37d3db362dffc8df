#!/usr/bin/env bash
# Sarasehan on one Linux server: JupyterHub + nbgrader's file exchange.
#
#   sudo deploy/hub/setup.sh [--prefix /opt/sarasehan-hub] [--instructor guru] [options]
#
# Installs (again) everything under PREFIX and is safe to run twice: it keeps
# the hub's database, the learners' homes and the instructor's course folder,
# and refreshes the software, the shared course copy and the configuration.
# See deploy/hub/README.md. Every message is in Bahasa Indonesia, then English.
#
# Options (defaults in brackets):
#   --prefix DIR            where everything goes [/opt/sarasehan-hub]
#   --instructor NAME       the instructor's Unix account, created if missing [instruktur]
#   --course-id ID          nbgrader course id [sarasehan]
#   --learner-group NAME    Unix group of the learners; the hub lets its members log in [sarasehan]
#   --exchange DIR          nbgrader exchange, mode 1777, not under /tmp [PREFIX/exchange]
#   --ip ADDR               address the hub listens on; empty = all [""]
#   --port N                public port [8000]
#   --hub-port N            hub's internal port on 127.0.0.1 [8081]
#   --proxy-api-port N      proxy's API port on 127.0.0.1 [8001]
#   --lang id|en            the lesson folder learners land in [id]
#   --ssl-cert FILE --ssl-key FILE   serve HTTPS directly (or put a TLS proxy in front)
#   --cull-minutes N        stop servers idle this long; 0 = never [60]
#   --repo DIR              the Sarasehan repository to install from [this script's ../..]
#   --systemd / --no-systemd  install and enable sarasehan-hub.service [when systemd runs]
set -euo pipefail
umask 022

say() {  # say "Bahasa Indonesia" "English"
  printf '%s\n  %s\n' "$1" "$2"
}
die() {  # die CODE "Bahasa Indonesia" "English"
  local code=$1; shift
  printf 'setup.sh: %s\n  %s\n' "$1" "$2" >&2
  exit "$code"
}

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX=/opt/sarasehan-hub
INSTRUCTOR=instruktur
COURSE_ID=sarasehan
GROUP=sarasehan
EXCHANGE=""
IP=""
PORT=8000
HUB_PORT=8081
PROXY_API_PORT=8001
LANG_DIR=id
SSL_CERT=""
SSL_KEY=""
CULL_MINUTES=60
REPO="$(cd "$HERE/../.." && pwd)"
SYSTEMD=auto

need_value() {
  [ $# -ge 2 ] && [ -n "$2" ] || die 2 "Opsi $1 memerlukan nilai." "Option $1 needs a value."
}
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) need_value "$@"; PREFIX=$2; shift 2 ;;
    --instructor) need_value "$@"; INSTRUCTOR=$2; shift 2 ;;
    --course-id) need_value "$@"; COURSE_ID=$2; shift 2 ;;
    --learner-group) need_value "$@"; GROUP=$2; shift 2 ;;
    --exchange) need_value "$@"; EXCHANGE=$2; shift 2 ;;
    --ip) [ $# -ge 2 ] || die 2 "Opsi --ip memerlukan nilai." "Option --ip needs a value."; IP=$2; shift 2 ;;
    --port) need_value "$@"; PORT=$2; shift 2 ;;
    --hub-port) need_value "$@"; HUB_PORT=$2; shift 2 ;;
    --proxy-api-port) need_value "$@"; PROXY_API_PORT=$2; shift 2 ;;
    --lang) need_value "$@"; LANG_DIR=$2; shift 2 ;;
    --ssl-cert) need_value "$@"; SSL_CERT=$2; shift 2 ;;
    --ssl-key) need_value "$@"; SSL_KEY=$2; shift 2 ;;
    --cull-minutes) need_value "$@"; CULL_MINUTES=$2; shift 2 ;;
    --repo) need_value "$@"; REPO=$2; shift 2 ;;
    --systemd) SYSTEMD=yes; shift ;;
    --no-systemd) SYSTEMD=no; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die 2 "Opsi tidak dikenal: $1 (lihat --help)." "Unknown option: $1 (see --help)." ;;
  esac
done

# --- checks before anything is changed -----------------------------------------------------
[ "$(id -u)" -eq 0 ] || die 2 \
  "Jalankan sebagai root (sudo $0 ...): skrip ini membuat akun Unix, folder bersama dan layanan." \
  "Run as root (sudo $0 ...): this script creates Unix accounts, shared folders and a service."
[ "$(uname -s)" = Linux ] || die 2 "Hanya untuk Linux." "Linux only."
NAME_RE='^[a-z_][a-z0-9_-]{0,31}$'
[[ $INSTRUCTOR =~ $NAME_RE ]] || die 2 \
  "Nama akun instruktur tidak sah: '$INSTRUCTOR' (huruf kecil, angka, _ atau -, diawali huruf; paling panjang 32)." \
  "Invalid instructor account name: '$INSTRUCTOR' (lower-case letters, digits, _ or -, starting with a letter; at most 32)."
[[ $GROUP =~ $NAME_RE ]] || die 2 "Nama grup tidak sah: '$GROUP'." "Invalid group name: '$GROUP'."
[[ $COURSE_ID =~ ^[A-Za-z0-9_-]{1,64}$ ]] || die 2 \
  "ID kursus tidak sah: '$COURSE_ID' (huruf, angka, _ atau -)." "Invalid course id: '$COURSE_ID' (letters, digits, _ or -)."
for p in "$PORT" "$HUB_PORT" "$PROXY_API_PORT" "$CULL_MINUTES"; do
  [[ $p =~ ^[0-9]{1,5}$ ]] || die 2 "Bukan angka: '$p'." "Not a number: '$p'."
done
case "$LANG_DIR" in id|en) ;; *) die 2 "--lang harus id atau en." "--lang must be id or en." ;; esac
if [ -n "$SSL_CERT$SSL_KEY" ] && { [ ! -r "$SSL_CERT" ] || [ ! -r "$SSL_KEY" ]; }; then
  die 2 "Berkas --ssl-cert/--ssl-key tidak terbaca." "The --ssl-cert/--ssl-key files cannot be read."
fi
case "$PREFIX" in /*) ;; *) die 2 "--prefix harus path absolut." "--prefix must be an absolute path." ;; esac
EXCHANGE=${EXCHANGE:-$PREFIX/exchange}
case "$EXCHANGE" in
  /*) ;; *) die 2 "--exchange harus path absolut." "--exchange must be an absolute path." ;;
esac
case "$EXCHANGE/" in
  /tmp/*|/var/tmp/*) die 2 \
    "Exchange jangan di /tmp: layanan dengan PrivateTmp (systemd, TLJH) masing-masing melihat /tmp sendiri." \
    "Do not put the exchange under /tmp: services with PrivateTmp (systemd, TLJH) each see their own /tmp." ;;
esac
[ -f "$REPO/pyproject.toml" ] && [ -d "$REPO/sarasehan" ] && [ -d "$REPO/solutions" ] || die 2 \
  "Repositori Sarasehan tidak ditemukan di $REPO (pakai --repo DIR)." \
  "The Sarasehan repository was not found at $REPO (use --repo DIR)."
PY=/usr/bin/python3
[ -x "$PY" ] || PY="$(command -v python3 || true)"
[ -n "$PY" ] && "$PY" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || die 3 \
  "Perlu python3 >= 3.11 dengan modul venv dari sistem (Debian/Ubuntu: apt-get install python3-venv)." \
  "Needs the system's python3 >= 3.11 with the venv module (Debian/Ubuntu: apt-get install python3-venv)."
case "$("$PY" -c 'import sys; print(sys.base_prefix)')" in
  /root*|/home/*) die 3 \
    "Python $PY ada di folder pribadi; akun peserta tidak bisa menjalankannya. Pakai python3 sistem (/usr/bin/python3)." \
    "Python $PY lives in a private home folder that learners' accounts cannot read. Use the system python3 (/usr/bin/python3)." ;;
esac
command -v npm >/dev/null || die 3 \
  "npm tidak ada (perlu untuk configurable-http-proxy). Debian/Ubuntu: apt-get install nodejs npm." \
  "npm is missing (needed for configurable-http-proxy). Debian/Ubuntu: apt-get install nodejs npm."
for tool in useradd groupadd usermod runuser; do
  command -v "$tool" >/dev/null || die 3 "Perintah $tool tidak ada." "The command $tool is missing."
done

VENV=$PREFIX/venv
SHARE=$PREFIX/share/course
ETC=$PREFIX/etc
INSTR_CONF=$ETC/jupyter-instructor
say "Memasang Sarasehan Hub di $PREFIX ..." "Installing Sarasehan Hub in $PREFIX ..."
mkdir -p "$PREFIX" "$ETC" "$PREFIX/bin" "$PREFIX/lib" "$PREFIX/share" "$PREFIX/src" "$PREFIX/var"
chmod 755 "$PREFIX" "$ETC" "$PREFIX/bin" "$PREFIX/lib" "$PREFIX/share"
chmod 700 "$PREFIX/var" "$PREFIX/src"   # hub database, cookie secret; build files

# --- 0. accounts: the learners' group and the instructor ------------------------------------
getent group "$GROUP" >/dev/null || groupadd "$GROUP"
if ! getent passwd "$INSTRUCTOR" >/dev/null; then
  useradd --create-home --shell /bin/bash "$INSTRUCTOR"
  say "Akun instruktur '$INSTRUCTOR' dibuat. Beri kata sandi: sudo passwd $INSTRUCTOR" \
      "Instructor account '$INSTRUCTOR' created. Give it a password: sudo passwd $INSTRUCTOR"
fi
INSTR_HOME=$(getent passwd "$INSTRUCTOR" | cut -d: -f6)
INSTR_GROUP=$(id -gn "$INSTRUCTOR")
[ -d "$INSTR_HOME" ] || die 3 "Folder rumah $INSTR_HOME milik '$INSTRUCTOR' tidak ada." \
  "The home folder $INSTR_HOME of '$INSTRUCTOR' does not exist."
chmod o-rwx "$INSTR_HOME"   # closed to other accounts, as The Littlest JupyterHub does
COURSE_DIR=$INSTR_HOME/sarasehan-course

# --- 1. the Python environment every account runs -------------------------------------------
if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
  rm -rf "$VENV"   # made by a Python that is gone
fi
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
# The course's requirements files (with their -r includes), minus the editable install of the
# repository: the course package is installed below from a copy, not editable.
for f in "$REPO"/requirements*.txt; do
  grep -v -E '^\s*-e\s' "$f" > "$PREFIX/src/$(basename "$f")"
done
REQS=$PREFIX/src/requirements.txt
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check --quiet)
say "Memasang paket Python (jupyterhub, jupyterlab, nbgrader, pandas ...)." \
    "Installing Python packages (jupyterhub, jupyterlab, nbgrader, pandas ...)."
"${PIP[@]}" install -r "$REQS" -r "$HERE/requirements-hub.txt" || die 4 \
  "pip gagal memasang paket (jaringan ke PyPI?). Lihat pesan di atas." \
  "pip could not install the packages (network to PyPI?). See the messages above."
# the sarasehan package itself, from a copy (so nothing is built inside the repository)
rm -rf "$PREFIX/src/pkg"
mkdir -p "$PREFIX/src/pkg"
cp -r "$REPO/pyproject.toml" "$REPO/README.md" "$REPO/sarasehan" "$PREFIX/src/pkg/"
find "$PREFIX/src/pkg" -name __pycache__ -prune -exec rm -rf {} +
"${PIP[@]}" uninstall --yes sarasehan >/dev/null 2>&1 || true   # same version number, new content
"${PIP[@]}" install "$PREFIX/src/pkg" || die 4 \
  "Paket sarasehan tidak bisa dipasang. Lihat pesan di atas." "The sarasehan package could not be installed. See above."
rm -rf "$PREFIX/src/pkg"

# --- 2. the proxy ---------------------------------------------------------------------------
CHP=$PREFIX/node_modules/.bin/configurable-http-proxy
if [ ! -x "$CHP" ]; then
  say "Memasang configurable-http-proxy (npm)." "Installing configurable-http-proxy (npm)."
  npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error 'configurable-http-proxy@^5' >/dev/null || die 4 \
    "npm gagal memasang configurable-http-proxy (jaringan ke npm?)." \
    "npm could not install configurable-http-proxy (network to npm?)."
fi

# --- 3. the shared, read-only course (lessons, datasets, settings overlay; never solutions/) --
NEW_SHARE=$SHARE.new
rm -rf "$NEW_SHARE"
mkdir -p "$NEW_SHARE"
for part in course datasets exercises jupyter; do
  cp -r "$REPO/$part" "$NEW_SHARE/"
done
find "$NEW_SHARE" \( -name __pycache__ -o -name .ipynb_checkpoints \) -prune -exec rm -rf {} +
chown -R root:root "$NEW_SHARE"
chmod -R u+rwX,go+rX,go-w "$NEW_SHARE"
rm -rf "$SHARE.old"
[ -d "$SHARE" ] && mv "$SHARE" "$SHARE.old"
mv "$NEW_SHARE" "$SHARE"
rm -rf "$SHARE.old"

# --- 4. nbgrader: exchange, course id, extensions -------------------------------------------
mkdir -p "$EXCHANGE"
chown root:root "$EXCHANGE"
chmod 1777 "$EXCHANGE"
mkdir -p "$VENV/etc/jupyter"
cat > "$VENV/etc/jupyter/nbgrader_config.py" <<EOF
# Written by deploy/hub/setup.sh: the nbgrader settings every account shares.
c = get_config()  # noqa: F821
c.Exchange.root = "$EXCHANGE"
c.CourseDirectory.course_id = "$COURSE_ID"
EOF
JUP="$VENV/bin/jupyter"
# Learners do not get the instructor's tools: nbgrader's documented sys-prefix switches, and
# locked, so that JupyterLab's plugin manager cannot switch them back on ...
for ext in create-assignment formgrader course-list; do
  "$JUP" labextension disable --level=sys_prefix "@jupyter/nbgrader:$ext" >/dev/null 2>&1
  "$JUP" labextension lock --level=sys_prefix "@jupyter/nbgrader:$ext" >/dev/null 2>&1
done
for ext in formgrader course_list; do
  "$JUP" server extension disable --sys-prefix "nbgrader.server_extensions.$ext" >/dev/null 2>&1
done
# ... the instructor's server gets them back from its own config folder, put first on
# JUPYTER_CONFIG_PATH by the hub for that account only. (A venv's own etc/jupyter outranks
# ~/.jupyter since jupyter_core 5, so nbgrader's "enable --user" would not win here.)
rm -rf "$INSTR_CONF"
mkdir -p "$INSTR_CONF/labconfig" "$INSTR_CONF/jupyter_server_config.d"
cat > "$INSTR_CONF/labconfig/page_config.json" <<'EOF'
{
  "disabledExtensions": {
    "@jupyter/nbgrader:create-assignment": false,
    "@jupyter/nbgrader:formgrader": false,
    "@jupyter/nbgrader:course-list": false
  }
}
EOF
cat > "$INSTR_CONF/jupyter_server_config.d/sarasehan-instructor.json" <<'EOF'
{
  "ServerApp": {
    "jpserver_extensions": {
      "nbgrader.server_extensions.formgrader": true,
      "nbgrader.server_extensions.course_list": true
    }
  }
}
EOF
cat > "$INSTR_CONF/jupyter_server_config.py" <<'EOF'
# Written by deploy/hub/setup.sh, loaded by the instructor's server only.
# JupyterHub >= 4.1 sends "frame-ancestors 'none'", which leaves nbgrader's formgrader
# panel blank inside JupyterLab. nbgrader's documentation ("Formgrader with
# jupyterhub>=4.1") restores "frame-ancestors 'self'"; here only on this one server.
c = get_config()  # noqa: F821
c.ServerApp.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
EOF
cat > "$INSTR_CONF/nbgrader_config.py" <<EOF
# Written by deploy/hub/setup.sh: where the formgrader finds the course
# ("One Class, One Grader" in nbgrader's JupyterHub documentation).
c = get_config()  # noqa: F821
c.CourseDirectory.root = "$COURSE_DIR"
EOF
chmod -R go+rX "$INSTR_CONF"

# --- 5. the instructor's course folder ------------------------------------------------------
if [ ! -d "$COURSE_DIR" ]; then
  runuser -u "$INSTRUCTOR" -- mkdir -m 700 "$COURSE_DIR"
fi
[ -e "$COURSE_DIR/nbgrader_config.py" ] || install -o "$INSTRUCTOR" -g "$INSTR_GROUP" -m 644 \
  "$REPO/nbgrader_config.py" "$COURSE_DIR/nbgrader_config.py"
runuser -u "$INSTRUCTOR" -- mkdir -p "$COURSE_DIR/solutions"
for src in "$REPO"/solutions/*/; do   # new assignments are added; the instructor's edits are kept
  name=$(basename "$src")
  if [ ! -e "$COURSE_DIR/solutions/$name" ]; then
    cp -r "$src" "$COURSE_DIR/solutions/$name"
    chown -R "$INSTRUCTOR:$INSTR_GROUP" "$COURSE_DIR/solutions/$name"
  fi
done

# --- 6. configuration, tools, service -------------------------------------------------------
SSL_CERT_JSON=$("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$SSL_CERT")
SSL_KEY_JSON=$("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$SSL_KEY")
cat > "$ETC/hub_settings.json" <<EOF
{
  "prefix": "$PREFIX",
  "ip": "$IP",
  "port": $PORT,
  "hub_port": $HUB_PORT,
  "proxy_api_port": $PROXY_API_PORT,
  "course_id": "$COURSE_ID",
  "instructor": "$INSTRUCTOR",
  "instructor_course_dir": "$COURSE_DIR",
  "learner_group": "$GROUP",
  "exchange": "$EXCHANGE",
  "lang": "$LANG_DIR",
  "cull_idle_minutes": $CULL_MINUTES,
  "ssl_cert": $SSL_CERT_JSON,
  "ssl_key": $SSL_KEY_JSON
}
EOF
install -m 644 "$HERE/jupyterhub_config.py" "$ETC/jupyterhub_config.py"
install -m 644 "$HERE/sarasehan_hub.py" "$PREFIX/lib/sarasehan_hub.py"
cat > "$PREFIX/bin/sarasehan-hub" <<EOF
#!/bin/sh
# add-learners, grade, check: see $PREFIX/lib/sarasehan_hub.py
exec "$VENV/bin/python" "$PREFIX/lib/sarasehan_hub.py" "\$@"
EOF
cat > "$PREFIX/bin/start-hub" <<EOF
#!/bin/sh
# Start the hub in the foreground (what sarasehan-hub.service runs).
cd "$PREFIX/var" && exec "$VENV/bin/jupyterhub" -f "$ETC/jupyterhub_config.py" "\$@"
EOF
chmod 755 "$PREFIX/bin/sarasehan-hub" "$PREFIX/bin/start-hub"
chmod -R go+rX "$VENV" "$PREFIX/node_modules" "$PREFIX/lib"

if [ "$SYSTEMD" = auto ]; then
  if [ -d /run/systemd/system ]; then SYSTEMD=yes; else SYSTEMD=no; fi
fi
if [ "$SYSTEMD" = yes ]; then
  cat > /etc/systemd/system/sarasehan-hub.service <<EOF
[Unit]
Description=Sarasehan JupyterHub (course $COURSE_ID)
After=network.target

[Service]
User=root
WorkingDirectory=$PREFIX/var
ExecStart=$PREFIX/bin/start-hub
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
  systemctl daemon-reload
  systemctl enable sarasehan-hub.service >/dev/null
  systemctl restart sarasehan-hub.service
fi

# --- 7. can an ordinary account really run it? (the probe's problem 1) ----------------------
if ! runuser -u nobody -- "$VENV/bin/python" -c 'import jupyterhub, jupyterlab, nbgrader, pandas, sarasehan' 2>/dev/null; then
  die 5 "Akun biasa (nobody) tidak bisa menjalankan $VENV/bin/python: periksa izin folder di atas $PREFIX (perlu o+x)." \
        "An ordinary account (nobody) cannot run $VENV/bin/python: check the permissions of the folders above $PREFIX (they need o+x)."
fi

say "Selesai. Langkah berikut: tambah peserta dengan  sudo $PREFIX/bin/sarasehan-hub add-learners roster.csv" \
    "Done. Next: add learners with  sudo $PREFIX/bin/sarasehan-hub add-learners roster.csv"
if [ "$SYSTEMD" = yes ]; then
  say "Hub berjalan sebagai layanan sarasehan-hub (systemctl status sarasehan-hub)." \
      "The hub runs as the service sarasehan-hub (systemctl status sarasehan-hub)."
else
  say "Jalankan hub:  sudo $PREFIX/bin/start-hub" "Start the hub:  sudo $PREFIX/bin/start-hub"
fi
