"""JupyterHub configuration for the Sarasehan course on one Linux server.

Installed by ``deploy/hub/setup.sh`` as ``<prefix>/etc/jupyterhub_config.py``
and read with ``<prefix>/etc/hub_settings.json`` beside it (or the file named
by ``SARASEHAN_HUB_SETTINGS``). No secret goes into that file; the one
optional secret comes from the environment: ``SARASEHAN_HUB_ADMIN_TOKEN``, an
API token for a ``sarasehan-admin`` service (create users, start and stop
servers, make tokens), used by the integration test and
``bench/hub_capacity.py``.

What each setting is for is in deploy/hub/README.md ("How the configuration
fixes the five problems").
"""

import json
import os
import pwd
from pathlib import Path

c = get_config()  # noqa: F821  (provided by JupyterHub)

HERE = Path(__file__).resolve().parent
SETTINGS_FILE = Path(os.environ.get("SARASEHAN_HUB_SETTINGS", HERE / "hub_settings.json"))
S = json.loads(SETTINGS_FILE.read_text(encoding="utf-8"))

PREFIX = Path(S["prefix"])
VENV = PREFIX / "venv"
VAR = PREFIX / "var"
SHARED_COURSE = PREFIX / "share" / "course"
INSTRUCTOR = S["instructor"]
INSTRUCTOR_CONFIG = PREFIX / "etc" / "jupyter-instructor"

# --- network: public port via the proxy; hub and proxy API on loopback only ------------------
scheme = "https" if S.get("ssl_cert") else "http"
c.JupyterHub.bind_url = f"{scheme}://{S.get('ip', '')}:{S['port']}/"
if S.get("ssl_cert"):
    c.JupyterHub.ssl_cert = S["ssl_cert"]
    c.JupyterHub.ssl_key = S["ssl_key"]
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{S['hub_port']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{S['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [str(PREFIX / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(VAR / "jupyterhub-proxy.pid")
c.JupyterHub.pid_file = str(VAR / "jupyterhub.pid")
c.JupyterHub.db_url = f"sqlite:///{VAR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(VAR / "jupyterhub_cookie_secret")

# --- who may log in: PAM --------------------------------------------------------------------
# The learner's Unix account and its password: the same account the file exchange needs, so
# there is one list of people and one password per person. Members of the learner group (made
# by add-learners) and the instructor may log in; the hub runs as root to check passwords.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.LocalAuthenticator.create_system_users = False
c.LocalAuthenticator.allowed_groups = {S["learner_group"]}
c.Authenticator.allowed_users = {INSTRUCTOR}
c.Authenticator.admin_users = {INSTRUCTOR}

# --- one Unix process per learner, from the shared environment ---------------------------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.ip = "127.0.0.1"
c.Spawner.cmd = [str(VENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = f"/lab/tree/course/{S.get('lang', 'id')}/00_start_here.ipynb"
# The course's JupyterLab settings overlay, as `sarasehan lab` uses it.
c.Spawner.args = [f"--LabApp.app_settings_dir={SHARED_COURSE / 'jupyter' / 'lab' / 'settings'}"]
c.Spawner.environment = {
    # the venv first: nbgrader runs `alembic` by name; the hub's own PATH is root's
    "PATH": f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "SARASEHAN_ROOT": str(SHARED_COURSE),  # datasets, manifest, released exercises (read-only)
}
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120


async def prepare_home(spawner):
    """Before each start: close the home to other accounts, copy any lesson the learner does
    not have yet (as the learner, so a symlink in the home cannot redirect a root write), and
    give the instructor's server its own nbgrader configuration."""
    import asyncio

    user = pwd.getpwnam(spawner.user.name)
    home = Path(user.pw_dir)
    st = os.lstat(home)
    if not os.path.isdir(home) or os.path.islink(home) or st.st_uid != user.pw_uid:
        raise RuntimeError(f"home folder of {user.pw_name} is missing or not theirs: {home}")
    if st.st_mode & 0o007:
        os.chmod(home, st.st_mode & ~0o007)
    proc = await asyncio.create_subprocess_exec(
        str(VENV / "bin" / "python"), str(PREFIX / "lib" / "sarasehan_hub.py"), "seed-home",
        user=user.pw_uid, group=user.pw_gid, extra_groups=[], cwd=str(home),
        env={"HOME": str(home), "PATH": "/usr/bin:/bin", "SARASEHAN_ROOT": str(SHARED_COURSE)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        spawner.log.warning("seed-home for %s failed: %s", user.pw_name, out.decode(errors="replace")[-500:])
    # a new dict: the configured one is shared by every spawner
    env = {k: v for k, v in spawner.environment.items() if k != "JUPYTER_CONFIG_PATH"}
    env["SARASEHAN_WORK"] = str(home)  # where the progress page looks for fetched assignments
    if spawner.user.name == INSTRUCTOR:
        env["JUPYTER_CONFIG_PATH"] = str(INSTRUCTOR_CONFIG)
    spawner.environment = env


c.Spawner.pre_spawn_hook = prepare_home

# --- services: idle culling; an admin token for scripts ----------------------------------------
services = []
roles = []
if int(S.get("cull_idle_minutes", 60)) > 0:
    services.append({"name": "idle-culler", "command": [
        str(VENV / "bin" / "python"), "-m", "jupyterhub_idle_culler",
        f"--timeout={int(S['cull_idle_minutes']) * 60}"]})
    roles.append({"name": "idle-culler", "services": ["idle-culler"],
                  "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]})
if os.environ.get("SARASEHAN_HUB_ADMIN_TOKEN"):
    services.append({"name": "sarasehan-admin", "api_token": os.environ["SARASEHAN_HUB_ADMIN_TOKEN"]})
    roles.append({"name": "sarasehan-admin", "services": ["sarasehan-admin"],
                  "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "read:users"]})
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles
