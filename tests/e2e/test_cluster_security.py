"""`kcz build --scheduler`: who may join the cluster, and what the coordinator accepts back.

Real `dask scheduler` / `dask worker` processes on 127.0.0.1 with ephemeral ports, killed
in a finalizer; certificates made here with `cryptography`; hostile workers are real
workers started with `--preload` of a module written by the test.
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from support.builds import kcz_command, kcz_env, manifest, run_folders, run_kcz, statuses, write_config
from support.processes import stop_all

pytestmark = pytest.mark.notebook
DASK = Path(sys.executable).parent / "dask"


# --- certificates ----------------------------------------------------------------------------

def _name(common: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca(folder: Path, common: str):
    """A self-signed CA: (its key, its certificate, path of the certificate's PEM)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(common)).issuer_name(_name(common))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False),
                           critical=True)
            .sign(key, hashes.SHA256()))
    path = folder / f"{common}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, path


def make_leaf(folder: Path, ca, common: str) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by `ca` (server and client use): (cert, key) paths."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID

    ca_key, ca_cert, _ = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(common)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert_path, key_path = folder / f"{common}.pem", folder / f"{common}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


# --- processes -------------------------------------------------------------------------------

class Processes:
    """A scheduler and workers as separate processes, each stopped by its own id."""

    def __init__(self, folder: Path):
        self.folder, self.procs = folder, {}
        folder.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, cmd, env=None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 - the process writes it until stopped
        proc = subprocess.Popen([str(c) for c in cmd], stdout=log, stderr=subprocess.STDOUT,
                                env=env or kcz_env(), cwd=self.folder)
        log.close()
        self.procs[name] = proc
        return proc

    def scheduler(self, tls_args=(), env=None) -> str:
        """Start the scheduler; its address once its file is written."""
        file = self.folder / "scheduler.json"
        self.start("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                 "--scheduler-file", file, *tls_args], env=env)
        deadline = time.monotonic() + 60
        while not (file.is_file() and file.read_text().strip().endswith("}")):
            assert time.monotonic() < deadline and self.procs["scheduler"].poll() is None, self.log("scheduler")
            time.sleep(0.2)
        return json.loads(file.read_text())["address"]

    def worker(self, name: str, extra=(), env=None) -> subprocess.Popen:
        return self.start(name, [DASK, "worker", "--scheduler-file", self.folder / "scheduler.json", "--name", name,
                                 "--nthreads", "1", "--no-nanny", "--no-dashboard", *extra], env=env)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        stop_all(self.procs.values())


@pytest.fixture
def procs(tmp_path):
    p = Processes(tmp_path / "dask")
    yield p
    p.stop()


def wait_for_workers(address: str, n: int, security=None) -> list[str]:
    """The names of the workers once `n` have joined (a client of the test's own)."""
    from distributed import Client

    with Client(address, timeout="30s", set_as_default=False, security=security) as c:
        c.wait_for_workers(n, timeout=120)
        return sorted(str(w["name"]) for w in c.scheduler_info()["workers"].values())


def one_line_refusal(result) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("kcz: error: ")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


# --- TLS -------------------------------------------------------------------------------------

@pytest.fixture
def pki(tmp_path):
    folder = tmp_path / "pki"
    folder.mkdir()
    ca = make_ca(folder, "kcz-test-ca")
    other = make_ca(folder, "someone-elses-ca")
    return {"ca": ca[2], "scheduler": make_leaf(folder, ca, "scheduler"), "worker": make_leaf(folder, ca, "worker"),
            "client": make_leaf(folder, ca, "client"), "other_ca": other[2],
            "stranger": make_leaf(folder, other, "stranger")}


def test_a_tls_cluster_builds_and_refuses_workers_without_its_certificates(procs, pki, tmp_path):
    from distributed.security import Security

    env = kcz_env(DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION="True")
    sched_cert, sched_key = pki["scheduler"]
    address = procs.scheduler(["--protocol", "tls", "--tls-ca-file", pki["ca"], "--tls-cert", sched_cert,
                               "--tls-key", sched_key], env=env)
    assert address.startswith("tls://127.0.0.1:")
    w_cert, w_key = pki["worker"]
    procs.worker("good", ["--protocol", "tls", "--tls-ca-file", pki["ca"], "--tls-cert", w_cert, "--tls-key", w_key],
                 env=env)
    # a worker without any certificate, and one whose certificate another CA signed
    plain = procs.worker("plain", ["--death-timeout", "10"])
    s_cert, s_key = pki["stranger"]
    stranger = procs.worker("stranger", ["--protocol", "tls", "--tls-ca-file", pki["other_ca"], "--tls-cert", s_cert,
                                         "--tls-key", s_key, "--death-timeout", "10"], env=env)
    c_cert, c_key = pki["client"]
    security = Security(tls_ca_file=str(pki["ca"]), tls_client_cert=str(c_cert), tls_client_key=str(c_key),
                        require_encryption=True)
    assert wait_for_workers(address, 1, security) == ["good"]
    # both give up without having joined (--death-timeout), and the scheduler still has one worker
    assert plain.wait(timeout=120) != 0 and stranger.wait(timeout=120) != 0
    assert wait_for_workers(address, 1, security) == ["good"]

    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    tls = ["--tls-ca", pki["ca"], "--tls-cert", c_cert, "--tls-key", c_key]
    result = run_kcz("--config", config, "build", "--scheduler", address, *tls)
    assert result.returncode == 0, result.stderr
    run = (tmp_path / "out" / "latest").resolve()
    assert statuses(run) == {"tiny_report-zh": "ok"}
    assert manifest(run)["reports"][0]["worker"] == "good"

    # this client without certificates, or with the stranger's: one line, exit 2, nothing written
    other = tmp_path / "other"
    config = write_config(other.mkdir() or other, [{"notebook": "tiny_report"}], langs=["zh"])
    one_line_refusal(run_kcz("--config", config, "build", "--scheduler", address))
    one_line_refusal(run_kcz("--config", config, "build", "--scheduler", address, "--tls-ca", pki["other_ca"],
                             "--tls-cert", s_cert, "--tls-key", s_key))
    one_line_refusal(run_kcz("--config", config, "build", "--scheduler", address, "--tls-ca", pki["ca"],
                             "--tls-cert", tmp_path / "missing.pem"))
    assert not (other / "out").exists()


# --- a hostile worker ------------------------------------------------------------------------

HOSTILE = textwrap.dedent('''\
    """Preload of a hostile worker: what it sends back would run a command where it is unpickled."""
    import os

    import kczlib.publish.cluster as C

    WORKER = os.getpid()
    MARKERS, MODE = os.environ["KCZ_TEST_MARKERS"], os.environ["KCZ_TEST_MODE"]


    class Payload:
        def __init__(self, tag):
            self.tag = tag

        def __reduce__(self):  # unpickling runs the command: it leaves a file, unless in this worker
            cmd = f'[ "$PPID" = "{WORKER}" ] || echo "$PPID" > "{MARKERS}/{self.tag}-$PPID"'
            return (os.system, (cmd,))


    def answer(tag):
        if MODE.endswith("raise"):
            raise ValueError(Payload(tag))
        return {"kczlib": Payload(tag), "files": [Payload(tag)], "entry": Payload(tag)}


    if MODE.startswith("installation"):
        C.installation = lambda: answer("installation")  # what the old coordinator asked with client.run
        C.installation_json = lambda: answer("installation_json")  # what it asks now, as a task
    else:
        C.report_task = lambda payload: answer("report_task")
''')


@pytest.mark.parametrize("mode", ["installation-return", "installation-raise", "report-return", "report-raise"])
def test_what_a_hostile_worker_sends_back_is_never_unpickled_by_the_build(procs, tmp_path, mode):
    markers = tmp_path / "markers"
    markers.mkdir()
    (tmp_path / "preload").mkdir()
    (tmp_path / "preload" / "kcz_hostile.py").write_text(HOSTILE, encoding="utf-8")
    env = kcz_env(KCZ_TEST_MARKERS=str(markers), KCZ_TEST_MODE=mode,
                  PYTHONPATH=os.pathsep.join([str(tmp_path / "preload"), kcz_env()["PYTHONPATH"]]))
    address = procs.scheduler()
    procs.worker("hostile", ["--preload", "kcz_hostile"], env=env)
    assert wait_for_workers(address, 1) == ["hostile"]
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    result = run_kcz("--config", config, "build", "--scheduler", address)
    # the command of the payload ran nowhere but in the worker itself
    assert sorted(p.name for p in markers.iterdir()) == []
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    if mode.startswith("installation"):
        one_line_refusal(result)
        assert "refused" in result.stderr or "did not answer" in result.stderr
        assert not (tmp_path / "out").exists()
    else:  # the report fails, with a reason that does not claim to know how far it got
        assert result.returncode == 1, result.stderr
        [run] = run_folders(tmp_path / "out")  # a run whose reports all failed: `latest` does not move
        error = manifest(run)["reports"][0]["error"]
        assert manifest(run)["reports"][0]["status"] == "failed"
        assert "before any cell ran" not in error["summary"] and "not known" in error["summary"]


# --- addresses refused before any connection -------------------------------------------------

def test_plain_tcp_off_this_machine_is_refused_before_connecting(tmp_path):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    # 10.1.2.3 is never contacted: the refusal comes from the address alone
    result = run_kcz("--config", config, "build", "--scheduler", "tcp://10.1.2.3:8786")
    one_line_refusal(result)
    assert "--allow-insecure-cluster" in result.stderr and "tcp://10.1.2.3:8786" in result.stderr
    hostname = run_kcz("--config", config, "build", "--scheduler", "tcp://dask-scheduler.example:8786")
    one_line_refusal(hostname)
    assert "--allow-insecure-cluster" in hostname.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("address", [
    "notaurl", "file:///etc/passwd", "inproc://x", "tcp://[::1", "tcp://127.0.0.1:1\nx", "ucx://127.0.0.1:1",
    "tls://127.0.0.1:1", "tcp://127.0.0.1:0", "tcp://127.0.0.1:70000", "tcp://:8786", "tcp://127.0.0.1:8786/path",
])
def test_a_malformed_or_unsupported_address_is_one_line_and_exit_2(tmp_path, address):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    result = run_kcz("--config", config, "build", "--scheduler", address, timeout=60)
    one_line_refusal(result)
    assert not (tmp_path / "out").exists()


def test_tls_files_with_a_tcp_address_are_refused(tmp_path):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    result = run_kcz("--config", config, "build", "--scheduler", "tcp://127.0.0.1:8786",
                     "--tls-ca", tmp_path / "ca.pem")
    one_line_refusal(result)
    assert "tls://" in result.stderr


@pytest.mark.parametrize("option", [["--tls-ca", "ca.pem"], ["--tls-cert", "c.pem"], ["--allow-insecure-cluster"]])
def test_a_cluster_option_without_a_scheduler_is_refused(tmp_path, option):
    """A local build would silently ignore it; the user meant a cluster."""
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    result = run_kcz("--config", config, "build", *option, env=kcz_env(KCZ_SCHEDULER=""))
    one_line_refusal(result)
    assert option[0] in result.stderr and "--scheduler" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_empty_scheduler_address_is_refused_not_built_locally(tmp_path):
    # `--scheduler "$SCHEDULER"` with the variable unset built locally without a word (a fresh user)
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    result = run_kcz("--config", config, "build", "--scheduler", "", env=kcz_env(KCZ_SCHEDULER=""))
    one_line_refusal(result)
    assert "--scheduler: the address is empty" in result.stderr
    assert not (tmp_path / "out").exists()


# --- faults: a lost worker, a lost scheduler -------------------------------------------------

def test_a_lost_worker_does_not_claim_no_cell_ran(procs, tmp_path):
    # the scheduler gives up on a task at its first lost worker; the report kills its worker
    env = kcz_env(DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="0")
    address = procs.scheduler(env=env)
    procs.worker("doomed")
    assert wait_for_workers(address, 1) == ["doomed"]
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "p", "metadata": {"tags": ["parameters"]},
                     "outputs": [], "source": ["case = 'x'\n", "lang = 'zh'"]},
                    {"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}, "outputs": [],
                     "source": ["print('first cell ran')"]},
                    {"cell_type": "code", "execution_count": None, "id": "b", "metadata": {}, "outputs": [],
                     "source": ["import os, signal\n", "os.kill(os.getppid(), signal.SIGKILL)"]}],
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                       "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    (notebooks / "kills_its_worker.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    config = write_config(tmp_path, [{"notebook": "kills_its_worker"}], notebooks=notebooks, langs=["zh"])
    result = run_kcz("--config", config, "build", "--scheduler", address)
    assert result.returncode == 1, result.stderr
    entry = manifest(run_folders(tmp_path / "out")[0])["reports"][0]
    assert entry["status"] == "failed"
    assert "before any cell ran" not in entry["error"]["summary"]
    assert "not known" in entry["error"]["summary"]
    assert "Traceback" not in result.stderr


def test_a_lost_scheduler_fails_the_report_in_one_line_without_a_traceback(procs, tmp_path):
    address = procs.scheduler()
    procs.worker("w1")
    assert wait_for_workers(address, 1) == ["w1"]
    config = write_config(tmp_path, [{"notebook": "slow_report", "parameters": {"seconds": 60}}], langs=["zh"])
    proc = subprocess.Popen(kcz_command("--config", config, "build", "--scheduler", address), env=kcz_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        from distributed import Client

        with Client(address, timeout="30s", set_as_default=False) as c:
            deadline = time.monotonic() + 120
            while not any(k.startswith("kcz-slow_report") for keys in c.processing().values() for k in keys):
                assert time.monotonic() < deadline and proc.poll() is None, "the report never started"
                time.sleep(0.2)
        procs.procs["scheduler"].send_signal(signal.SIGKILL)
        procs.procs["scheduler"].wait()
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        # the worker has no scheduler left to say goodbye to: asked to stop, it waited about 25 s
        # for one (the report's kernel ends with it: ipykernel exits when its parent is gone)
        procs.procs["w1"].kill()
    assert proc.returncode == 1, err
    assert "Traceback" not in err and "distributed" not in err, err
    entry = manifest(run_folders(tmp_path / "out")[0])["reports"][0]
    assert entry["status"] == "failed" and "before any cell ran" not in entry["error"]["summary"]
