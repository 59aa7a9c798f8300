"""A pool of pre-started, pre-warmed kernels: start-up and imports off the critical path.

Each report still gets a kernel of its own (no state leaks between reports); the
pool only starts the next kernels while the current reports run, and has each one
import the heavy libraries before it is handed out. The warm-up runs with
`silent=True, store_history=False`, so the notebook's execution counts start at 1.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import tempfile
import uuid
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

from kczlib.contract import BUILD_ENV
from kczlib.errors import ConfigError
from kczlib.paths import PACKAGE_ROOT

if TYPE_CHECKING:  # imported where a kernel starts: a build with nothing to run needs no jupyter_client
    from jupyter_client import AsyncKernelManager

# A Unix socket's path is at most 107 bytes on Linux (sun_path); JUPYTER_RUNTIME_DIR can be
# longer (papermill uses TCP, so it does not notice), so kcz keeps its kernels' sockets and
# connection files in a short private folder of its own, `kcz-<pid>-*` in /tmp.
MAX_SOCKET_PATH = 107
SOCKET_DIR_PREFIX = "kcz-"

log = logging.getLogger(__name__)


def warmup_code(modules) -> str:
    """Import what is importable; a missing module is the notebook's problem, not ours."""
    lines = ["def _kcz_warm():", "    import importlib"]
    for mod in modules:
        lines += ["    try:", f"        importlib.import_module({mod!r})", "    except Exception:", "        pass"]
    return "\n".join(lines + ["_kcz_warm()", "del _kcz_warm"])


def check_kernels(reports, kernel_name: str, warn=None) -> None:
    """Which kernel each report's notebook runs on; ConfigError for another language.

    A notebook for another language (its kernelspec's `language`, or that of the installed
    kernel it names: R's `ir`) than the build's kernel (`[build] kernel`, default python3)
    is refused, naming the report and the kernel: it would otherwise run on Python. A
    notebook of the same language that names another kernel (`conda-env-analysis-py`, a
    kernel not installed here), one whose kernelspec has no usable `name` (nbformat's
    schema requires one) and one without a kernelspec run on the build's kernel, as
    papermill does with `-k`; the first two with one line to `warn` naming the notebook
    and its kernelspec (`prepare` gives the shared notebook the build's kernelspec).
    """
    for report in reports:
        try:
            meta = json.loads(report.notebook.read_text(encoding="utf-8")).get("metadata", {})
            spec = meta.get("kernelspec") if isinstance(meta, dict) else None
        except (OSError, ValueError, AttributeError):
            continue  # a missing or broken notebook fails as its own report, with the reason
        if spec is None:
            continue
        name = spec.get("name") if isinstance(spec, dict) else None
        if name == kernel_name:
            continue
        shown = json.dumps(spec, ensure_ascii=False)[:120]
        if not isinstance(name, str) or not name.strip():
            if warn:
                warn(f"report {report.name}: {report.notebook.name} has a kernelspec without a kernel name "
                     f"({shown}); running it on {kernel_name!r}")
            continue
        lang = spec.get("language") if isinstance(spec.get("language"), str) else None
        lang = lang or _installed_language(name)
        ours = _installed_language(kernel_name) or "python"
        if lang and lang.strip().lower() != ours.lower():
            raise ConfigError(f"report {report.name}: {report.notebook.name} asks for kernel {name!r} "
                              f"({lang}); this build runs reports on {kernel_name!r} "
                              "(set `kernel` in [build] of reports.toml to build with another kernel)")
        if warn:
            warn(f"report {report.name}: {report.notebook.name} asks for kernel {name!r} ({shown}); "
                 f"running it on {kernel_name!r}, this build's kernel")


def _installed_language(name: str) -> str | None:
    """The language of the installed kernel `name`, or None if there is none."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        return KernelSpecManager().get_kernel_spec(name).language or None
    except (NoSuchKernel, OSError, ValueError):
        return None


def socket_folder() -> Path:
    """A new private folder for this build's kernel sockets and connection files.

    Its path is short enough for Unix sockets; folders of builds whose process is gone are
    removed first.

    Returns:
        The folder, under /tmp if writable, else the system's temporary folder.
    """
    base = Path("/tmp") if os.access("/tmp", os.W_OK) else Path(tempfile.gettempdir())
    remove_stale_socket_folders(base)
    return Path(tempfile.mkdtemp(prefix=f"{SOCKET_DIR_PREFIX}{os.getpid()}-", dir=base))


def remove_stale_socket_folders(base: Path) -> None:
    """Remove the socket folders of our builds whose process no longer exists.

    These are `kcz-<pid>-*` folders of this user's, left by a build killed with SIGKILL
    (its own clean-up never ran).

    Args:
        base: The folder holding the socket folders.
    """
    for folder in base.glob(f"{SOCKET_DIR_PREFIX}*-*"):
        pid = folder.name[len(SOCKET_DIR_PREFIX):].split("-")[0]
        try:
            info = folder.lstat()
        except OSError:
            continue
        if (pid.isdigit() and folder.is_dir() and not folder.is_symlink()
                and info.st_uid == os.getuid() and not _alive(int(pid))):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def ipc_base(folder: Path) -> str | None:
    """The base path of a kernel's Unix sockets in `folder`.

    Args:
        folder: The build's socket folder.

    Returns:
        The absolute base path (the kernel runs in the notebooks folder while we do not), or
        None if even that is too long for a socket (the kernel then listens on TCP on
        localhost, as under papermill).
    """
    base = str(folder / f"k-{uuid.uuid4().hex[:12]}")
    return base if len(base) + len("-99999") <= MAX_SOCKET_PATH else None


def kernel_env() -> dict:
    """The builder's environment, with this kczlib importable even if not pip-installed."""
    env = dict(os.environ)
    # a build's kernel, even one started from a lab kernel's `!kcz build`, is no lab kernel (kczlib/lab.py)
    env[BUILD_ENV] = "1"
    env.pop("JPY_SESSION_NAME", None)
    paths = [str(PACKAGE_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


async def start_warm_kernel(kernel_name: str, cwd: Path, modules, folder: Path,
                            timeout: float = 120, record_child=None) -> AsyncKernelManager:
    """Start a kernel and have it import `modules`.

    A kernel ends by itself when the build dies, even by SIGKILL: ipykernel polls its
    parent (`JPY_PARENT_PID`, set by jupyter_client) and exits within about a second.

    Args:
        kernel_name: The Jupyter kernel spec.
        cwd: The kernel's working folder (the notebooks folder).
        modules: Module names to import.
        folder: Where its sockets and connection file go (see `socket_folder`).
        timeout: Seconds to wait for the kernel to start.
        record_child: Told the kernel's pid, if given.

    Returns:
        The started kernel's manager.
    """
    base = ipc_base(folder)
    from jupyter_client import AsyncKernelManager

    km = (AsyncKernelManager(kernel_name=kernel_name, transport="ipc", ip=base) if base
          else AsyncKernelManager(kernel_name=kernel_name))
    km.connection_file = str(folder / f"kernel-{uuid.uuid4().hex[:12]}.json")
    await km.start_kernel(cwd=str(cwd), env=kernel_env())
    pid = getattr(km.provisioner, "pid", None)
    if record_child is not None and pid:
        record_child(pid)
    try:
        if modules:
            await _run_silently(km, warmup_code(modules), timeout)
    except BaseException:
        await shutdown(km)
        raise
    return km


async def _run_silently(km: AsyncKernelManager, code: str, timeout: float) -> None:
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=timeout)
        msg_id = kc.execute(code, silent=True, store_history=False)
        while True:
            reply = await kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            log.warning("kernel warm-up failed: %s", reply["content"].get("evalue"))
    finally:
        kc.stop_channels()


async def shutdown(km: AsyncKernelManager) -> None:
    """Shut kernel `km` down at once; a kernel that already died is fine (logged at debug level)."""
    try:
        await km.shutdown_kernel(now=True)
    except Exception as exc:  # a kernel that already died is fine
        log.debug("kernel shutdown: %s", exc)


class KernelPool:
    """Hands out `total` warm kernels, keeping up to `ahead` starting before they're needed."""

    def __init__(self, total: int, ahead: int, kernel_name: str, cwd: Path, modules, record_child=None):
        self._left = total
        self._ahead = max(1, ahead)
        self._folder = socket_folder()
        self._start = lambda: start_warm_kernel(kernel_name, cwd, modules, self._folder,
                                                record_child=record_child)
        self._pending: deque[asyncio.Task] = deque()
        self._all: list[asyncio.Task] = []

    def prime(self) -> None:
        """Start kernels until `ahead` are starting or ready, as long as the `total` allows."""
        while self._left > 0 and len(self._pending) < self._ahead:
            task = asyncio.ensure_future(self._start())
            self._pending.append(task)
            self._all.append(task)
            self._left -= 1

    async def take(self) -> AsyncKernelManager:
        """The next warm kernel, waiting for its start to finish; another one starts in its place."""
        self.prime()
        task = self._pending.popleft()
        self.prime()  # replace it at once, so the next report finds a warm kernel
        # shielded: cancelling a kernel start half-way can orphan the kernel process
        return await asyncio.shield(task)

    async def close(self) -> None:
        """Shut down every kernel still running (after an interrupt or a failure).

        Starts in progress are awaited, not cancelled; kernels already handed out
        and shut down by their report are skipped.
        """
        from jupyter_client import AsyncKernelManager

        self._left = 0
        self._pending.clear()
        results = await asyncio.gather(*self._all, return_exceptions=True)
        await asyncio.gather(*(shutdown(km) for km in results
                               if isinstance(km, AsyncKernelManager) and km.has_kernel))
        shutil.rmtree(self._folder, ignore_errors=True)
