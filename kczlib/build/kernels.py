"""A pool of pre-started, pre-warmed kernels: start-up and imports off the critical path.

Each report still gets a kernel of its own (no state leaks between reports); the
pool only starts the next kernels while the current reports run, and has each one
import the heavy libraries before it is handed out. The warm-up runs with
`silent=True, store_history=False`, so the notebook's execution counts start at 1.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections import deque
from pathlib import Path

from jupyter_client import AsyncKernelManager
from jupyter_core.paths import jupyter_runtime_dir

from ..paths import PACKAGE_ROOT

log = logging.getLogger(__name__)


def warmup_code(modules) -> str:
    """Import what is importable; a missing module is the notebook's problem, not ours."""
    lines = ["def _kcz_warm():", "    import importlib"]
    for mod in modules:
        lines += ["    try:", f"        importlib.import_module({mod!r})", "    except Exception:", "        pass"]
    return "\n".join(lines + ["_kcz_warm()", "del _kcz_warm"])


def ipc_base() -> str:
    """Unix sockets instead of TCP ports (no port races, no plain-TCP warning from ipykernel).

    The socket base must be absolute: the default is relative to each process's cwd,
    and the kernel runs in the notebooks folder while we do not.
    """
    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    return str(runtime / f"kcz-{uuid.uuid4().hex[:12]}")


def kernel_env() -> dict:
    """The builder's environment, with this kczlib importable even if not pip-installed."""
    env = dict(os.environ)
    paths = [str(PACKAGE_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


async def start_warm_kernel(kernel_name: str, cwd: Path, modules, timeout: float = 120) -> AsyncKernelManager:
    km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc", ip=ipc_base())
    await km.start_kernel(cwd=str(cwd), env=kernel_env())
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
    try:
        await km.shutdown_kernel(now=True)
    except Exception as exc:  # a kernel that already died is fine
        log.debug("kernel shutdown: %s", exc)


class KernelPool:
    """Hands out `total` warm kernels, keeping up to `ahead` starting before they're needed."""

    def __init__(self, total: int, ahead: int, kernel_name: str, cwd: Path, modules):
        self._left = total
        self._ahead = max(1, ahead)
        self._start = lambda: start_warm_kernel(kernel_name, cwd, modules)
        self._pending: deque[asyncio.Task] = deque()
        self._all: list[asyncio.Task] = []

    def prime(self) -> None:
        while self._left > 0 and len(self._pending) < self._ahead:
            task = asyncio.ensure_future(self._start())
            self._pending.append(task)
            self._all.append(task)
            self._left -= 1

    async def take(self) -> AsyncKernelManager:
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
        self._left = 0
        self._pending.clear()
        results = await asyncio.gather(*self._all, return_exceptions=True)
        await asyncio.gather(*(shutdown(km) for km in results
                               if isinstance(km, AsyncKernelManager) and km.has_kernel))
