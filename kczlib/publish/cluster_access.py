"""Who may talk to the Dask cluster of `kcz build --scheduler`, and what kcz accepts back.

Trust model. Dask's own messages carry pickles: a scheduler unpickles what clients and
workers send it, and every peer unpickles exception objects and the `__Pickled__` parts
of messages (distributed.protocol.core.loads; dask/distributed#9283). So any machine that
can join the scheduler can run code on it, and through it on the coordinating `kcz
build`. kcz therefore:

- refuses a plain `tcp://` scheduler that is not on this machine (a loopback address)
  unless `--allow-insecure-cluster` says the network is trusted (`check_address`);
- supports `tls://` with mutual certificates through Dask's `Security` (`security_for`):
  only holders of a certificate signed by the cluster's CA can join;
- refuses pickle for what workers send back (`open_client`: the client deserialises
  results with msgpack only), has workers answer with JSON text and bytes only, checks
  the exact types on arrival (`json_answer`), never uses `client.run` (whose error path
  unpickles the worker's exception) and never unpickles the exception of a failed task
  (`_ignore_task_errors`).

What Dask does not let a client close: exceptions and `__Pickled__` parts inside the
scheduler's own stream of messages, which are unpickled when they are read. A worker that
rewrites Dask's messaging, or a hostile scheduler, can still run code on the coordinator:
the cluster must be trusted, and TLS is how strangers are kept out of it.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import ssl
from pathlib import Path
from typing import Any

from kczlib.errors import ClusterError, NotRun, RefusedAnswer, TaskFailed

SCHEMES = ("tcp", "tls")
CONNECT_TIMEOUT = "10s"


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it is not known to be this machine without resolving it
        return False


def check_address(address: str, allow_insecure: bool = False) -> str:
    """The scheme ("tcp" or "tls") of a `--scheduler` address `SCHEME://HOST:PORT`.

    Nothing is resolved or connected. Raises ClusterError (one line) for a malformed
    address, a scheme other than tcp/tls, a port outside 1-65535, or a plain tcp://
    address off this machine without `allow_insecure` (anyone who can join a scheduler
    can run code on it: see the module docstring).
    """
    from distributed.comm.addressing import parse_host_port

    shown = repr(address)
    if any(not ch.isprintable() or ch.isspace() for ch in address):
        raise ClusterError(f"the scheduler address {shown} holds a space or control character")
    scheme, sep, rest = address.partition("://")
    if not sep:
        raise ClusterError(f"the scheduler address {shown} is not of the form tls://HOST:PORT or tcp://HOST:PORT")
    if scheme not in SCHEMES:
        raise ClusterError(f"the scheduler address {shown}: kcz connects only to tls:// and tcp:// schedulers")
    try:
        host, port = parse_host_port(rest)
    except ValueError:
        raise ClusterError(f"the scheduler address {shown} is not of the form {scheme}://HOST:PORT") from None
    if not host or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ClusterError(f"the scheduler address {shown} has no host or a port outside 1-65535")
    if scheme == "tcp" and not allow_insecure and not _is_loopback(host):
        raise ClusterError(f"the scheduler address {shown} is unencrypted tcp:// off this machine, and any machine "
                           "that can join a Dask scheduler can run code on it and on this build: use tls:// with "
                           "--tls-ca/--tls-cert/--tls-key, or pass --allow-insecure-cluster on a network you trust")
    return scheme


def security_for(scheme: str, ca: Path | None = None, cert: Path | None = None, key: Path | None = None):
    """Dask `Security` for the client, or None for tcp://.

    For tls://: the CA that signed the cluster's certificates and this client's
    certificate (and key, unless it is in the certificate file), from the arguments or
    else Dask's config (`distributed.comm.tls.ca-file`, `.client.cert`, `.client.key`);
    encryption is required. Raises ClusterError (one line) if they are missing or
    unreadable, or given for a tcp:// address.
    """
    given = {"tls_ca_file": ca, "tls_client_cert": cert, "tls_client_key": key}
    if scheme != "tls":
        if any(given.values()):
            raise ClusterError("--tls-ca, --tls-cert and --tls-key need a tls:// scheduler address")
        return None
    from distributed.security import Security

    # Security sets its tls_* attributes from its keywords at run time: distributed declares none of them
    security: Any = Security(require_encryption=True, **{k: str(v) for k, v in given.items() if v})
    if not security.tls_ca_file or not security.tls_client_cert:
        raise ClusterError("a tls:// scheduler needs the cluster's CA and a client certificate: give --tls-ca and "
                           "--tls-cert (and --tls-key unless the key is in the certificate file), or set Dask's "
                           "distributed.comm.tls.ca-file and distributed.comm.tls.client.cert/key")
    for option, value in (("--tls-ca", security.tls_ca_file), ("--tls-cert", security.tls_client_cert),
                          ("--tls-key", security.tls_client_key)):
        if value and not Path(value).is_file():
            raise ClusterError(f"{option} {value}: no such file")
    try:
        security.get_connection_args("client")  # builds the SSL context: reads and checks the files
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise ClusterError(f"the TLS certificate files cannot be used ({type(exc).__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else 'unreadable'})") from None
    return security


def quiet_distributed() -> None:
    """Send distributed's log records to kcz's own logging (shown with -v).

    Otherwise a handler of distributed's prints tracebacks on the terminal (a lost
    scheduler, a refused answer).
    """
    names = ["distributed"] + [n for n in logging.root.manager.loggerDict if n.startswith("distributed.")]
    for name in names:  # dask's logging config gives some of them a level and a handler of their own
        log = logging.getLogger(name)
        for handler in list(log.handlers):
            log.removeHandler(handler)
        log.propagate = True
        log.setLevel(logging.NOTSET)
    verbose = logging.getLogger().getEffectiveLevel() <= logging.INFO
    logging.getLogger("distributed").setLevel(logging.NOTSET if verbose else logging.CRITICAL + 1)


def open_client(address: str, security):
    """A dask.distributed Client that unpickles nothing the cluster sends back.

    What comes back is deserialised with msgpack only (a pickled result is refused:
    `TypeError` when it is read), and the exceptions of failed tasks are not unpickled.

    Args:
        address: The scheduler's address.
        security: A `distributed.Security` (see `security_for`), or None.

    Returns:
        The connected client.

    Raises:
        ClusterError: The scheduler cannot be reached.
    """
    from distributed import Client

    quiet_distributed()
    try:
        _port_answers(address)
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False, security=security,
                        deserializers=["msgpack"])
    except (OSError, TimeoutError, ValueError, TypeError, ssl.SSLError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({type(exc).__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else 'no answer'}); start one "
                           "with `dask scheduler` or check --scheduler / $KCZ_SCHEDULER") from None
    _ignore_task_errors(client)
    return client


def _port_answers(address: str) -> None:
    """Open and close a TCP connection to a tcp:// or tls:// scheduler address.

    A refused connection or an unknown host fails at once: the Client would retry it until its
    timeout (`CONNECT_TIMEOUT`), so a mistyped address cost ten seconds of waiting. Other
    schemes are left to the Client (`kcz build` accepts tcp:// and tls:// only).

    Raises:
        OSError: The port refuses, the host is unknown, or no answer within `CONNECT_TIMEOUT`.
        ValueError: The address cannot be parsed.
    """
    import socket

    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)
    if scheme in ("tcp", "tls"):
        host, port = parse_host_port(location)
        with socket.create_connection((host, port), timeout=float(CONNECT_TIMEOUT.rstrip("s"))):
            pass


def _ignore_task_errors(client) -> None:
    """Replace the client's handler of "task-erred" messages with one that unpickles nothing.

    Distributed's handler would unpickle the exception a worker (or the scheduler) sent. The
    future still ends in an error, a `TaskFailed` made here. (Client._stream_handlers /
    _state_handlers are the client's tables of message handlers; if a Dask release renames
    them, ClusterError says so rather than silently unpickling.)

    Raises:
        ClusterError: This distributed release has no such handler to replace.
    """
    streams, states = getattr(client, "_stream_handlers", None), getattr(client, "_state_handlers", None)
    if not (isinstance(streams, dict) and "task-erred" in streams and isinstance(states, dict) and "erred" in states):
        client.close()
        raise ClusterError("this dask.distributed release has no task-erred handler to replace; kcz will not "
                           "unpickle what workers send back: use the dask version of pyproject.toml")

    def erred(key=None, exception=None, traceback=None, **_):
        state = client.futures.get(key)
        if state is not None:
            state.set_error(TaskFailed("the task failed on its worker, or the worker was lost"), None)

    streams["task-erred"] = states["erred"] = erred


def json_answer(value, what: str):
    """The JSON value of a worker's answer, which must be a `str` holding JSON.

    Args:
        value: The answer; exactly `str` (a subclass could carry behaviour).
        what: What was asked, for the error message.

    Returns:
        The decoded JSON value.

    Raises:
        ClusterError: `value` is not a `str` or not JSON.
    """
    if type(value) is not str:
        raise ClusterError(f"{what}: the answer is a {type(value).__name__}, not JSON text; refused")
    try:
        return json.loads(value)
    except ValueError:
        raise ClusterError(f"{what}: the answer is not JSON; refused") from None


def is_str_dict(value, nested: tuple[str, ...] = ()) -> bool:
    """Whether `value` is a plain dict of str keys to str values.

    JSON decoding only ever makes plain types, so exact types are checked.

    Args:
        value: A decoded JSON value.
        nested: Keys whose values are such a dict instead of a str.

    Returns:
        True if every key is a str and every value a str (or, for `nested` keys, such a dict).
    """
    return type(value) is dict and all(
        type(k) is str and (is_str_dict(v) if k in nested else type(v) is str) for k, v in value.items())


# --- the answer of a report task (cluster.run_report) ----------------------------------------

RESULT_KEYS: dict[str, type | tuple[type, ...]] = {
    "status": str, "started_at": str, "built_at": str, "seconds": (int, float), "timings": dict,
    "error": dict, "worker": str}


def _answer(future):
    """The future's result; RefusedAnswer if distributed refused to read it (not msgpack data)."""
    try:
        return future.result()
    except TypeError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "TypeError"
        raise RefusedAnswer(f"the worker's answer is not data ({first}); "
                            "refused") from None


def _plain(value) -> bool:
    """A JSON scalar: str, int, float or None (not a bool, not a container)."""
    return value is None or type(value) in (str, int, float)


def checked_result(future, entry: dict) -> dict:
    """The result of `future` (a `report_task`), checked type by type.

    Args:
        future: The Dask future of the report's task.
        entry: The report's manifest entry (its files are the ones expected).

    Returns:
        {"files": [bytes, one per file of the manifest `entry`], "entry": JSON text of a dict
        with only RESULT_KEYS}.

    Raises:
        RefusedAnswer: The answer is not kcz's data.
        NotRun: The worker declined (another installation, no kernel pool).
        TaskFailed: The task failed; also anything else `future.result()` raises
            (distributed's FutureCancelledError).
    """
    result = _answer(future)
    if type(result) is not dict or set(result) != {"files", "entry"}:
        raise RefusedAnswer("the worker's answer is not kcz's report data; refused")
    files = result["files"]
    try:
        fields = json_answer(result["entry"], "the worker's report entry")
    except ClusterError as exc:
        raise RefusedAnswer(str(exc)) from None
    if files in ([], ()) and type(fields) is dict and fields.get("status") == "not run" and set(fields) == {
            "status", "reason"} and type(fields["reason"]) is str:
        raise NotRun(fields["reason"])
    if (type(files) not in (list, tuple) or len(files) != len(entry["files"])
            or any(type(f) is not bytes for f in files)):
        raise RefusedAnswer("the worker's answer does not hold the report's files as bytes; refused")
    if type(fields) is not dict or any(k not in RESULT_KEYS or not isinstance(v, RESULT_KEYS[k]) or type(v) is bool
                                        for k, v in fields.items()) or fields.get("status") not in ("ok", "failed"):
        raise RefusedAnswer("the worker's report entry is not kcz's data; refused")
    if not all(type(k) is str and _plain(v) for part in ("timings", "error") for k, v in fields.get(part, {}).items()):
        raise RefusedAnswer("the worker's timings or error are not kcz's data; refused")
    return {"files": list(files), "entry": fields}
