"""Real database servers for tests: PostgreSQL and MariaDB/MySQL on free loopback ports.

``postgres_server()`` and ``mysql_server()`` are context managers: each initialises a fresh data
directory in a temporary directory, starts the server on ``127.0.0.1:<free port>``, waits until
it accepts logins, yields a ``DatabaseServer`` (host, port, admin credentials, helpers) and on
exit stops the server and removes everything it created.

When the server binaries are missing they raise ``DatabaseUnavailable`` with the reason; the
pytest fixtures turn that into a skip that prints it (``missing_postgres()`` and
``missing_mysql()`` give the reason without starting anything).

TLS is an option of both factories: pass ``tls=`` a ``ServerCertificate`` (issued by a
``CertificateAuthority`` the session generates with the ``cryptography`` library) and the server
serves it and refuses TCP clients without TLS (PostgreSQL: ``hostssl`` lines only; MariaDB:
``require_secure_transport=ON``). The harness's own connections then verify the certificate and
host name against that CA. ``DatabaseServer.serving()`` swaps the certificate of a running server
(another CA, another host name) and puts the original back. Without ``tls`` a server has TLS off.

Servers refuse to run as root, so when the tests run as root the server processes run as
``nobody`` (through ``runuser``); the temporary directory is handed to that user. Processes are
started in their own session and stopped by their own process group id, nothing else.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_fixed

from tfharness.checks import leaks
from tfharness.deploying.emulator import free_port
from tfharness.errors import HarnessError

HOST = "127.0.0.1"
UNPRIVILEGED_USER = "nobody"
_SBIN = ("/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin")
_POSTGRES_DIRS = (
    tuple(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    if Path("/usr/lib/postgresql").is_dir()
    else ()
)


class DatabaseUnavailable(HarnessError):
    """A database server cannot be started here (binary missing, cannot drop root)."""


class DatabaseStartError(HarnessError):
    """A database server was found but did not start; the message includes its log."""


class _NotReady(Exception):
    pass


def _which(*names: str, extra_dirs: tuple[Path | str, ...] = ()) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
        for directory in (*extra_dirs, *_SBIN):
            candidate = Path(directory) / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    return None


def _privilege_drop() -> list[str]:
    """The command prefix that runs a server as an unprivileged user ([] when not root)."""
    if os.geteuid() != 0:
        return []
    runuser = _which("runuser")
    if runuser is None:
        raise DatabaseUnavailable(
            "running as root and `runuser` is missing: database servers refuse to run as root"
        )
    return [runuser, "-u", UNPRIVILEGED_USER, "--"]


def _hand_over(path: Path) -> None:
    """Give `path` to the unprivileged user when the servers run as that user."""
    if os.geteuid() == 0:
        import pwd

        entry = pwd.getpwnam(UNPRIVILEGED_USER)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def missing_postgres() -> str | None:
    """Why PostgreSQL cannot be started here, or None when it can."""
    missing = [n for n in ("initdb", "postgres") if _which(n, extra_dirs=_POSTGRES_DIRS) is None]
    if missing:
        return (
            f"PostgreSQL server binaries not found ({', '.join(missing)}); install "
            "postgresql (Debian: apt-get install postgresql) to run these tests"
        )
    try:
        _privilege_drop()
    except DatabaseUnavailable as error:
        return str(error)
    return None


def missing_mysql() -> str | None:
    """Why MariaDB/MySQL cannot be started here, or None when it can."""
    if _which("mariadbd", "mysqld") is None:
        return (
            "MariaDB/MySQL server not found (mariadbd or mysqld); install it "
            "(Debian: apt-get install mariadb-server) to run these tests"
        )
    if _which("mariadb-install-db", "mysql_install_db") is None and _which("mysqld") is None:
        return "MariaDB is installed without mariadb-install-db; cannot initialise a data dir"
    try:
        _privilege_drop()
    except DatabaseUnavailable as error:
        return str(error)
    return None


# TLS ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ServerCertificate:
    """A server certificate and its key (PEM), and the bundle of the CA that issued it."""

    hosts: tuple[str, ...]
    cert_pem: bytes = field(repr=False)
    key_pem: bytes = field(repr=False)
    ca_file: Path


class CertificateAuthority:
    """A throwaway certificate authority for one test session (EC P-256, valid for a day).

    Generated in-process with ``cryptography`` (no openssl binary). ``ca_file`` is the PEM
    bundle clients trust; ``issue()`` signs server certificates for the given host names and
    IP addresses (subjectAltName), which is what clients verify the host name against.
    """

    def __init__(self, directory: Path, name: str = "tfharness test CA") -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        self.name = name
        self._key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.UTC)
        public = self._key.public_key()
        self._cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        directory.mkdir(parents=True, exist_ok=True)
        self.ca_file = directory / f"{name.replace(' ', '-')}.pem"
        self.ca_file.write_bytes(self._cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, *hosts: str) -> ServerCertificate:
        """A server certificate for `hosts` (DNS names or IP addresses), signed by this CA."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        if not hosts:
            raise ValueError("issue() needs at least one host name or IP address")
        key = ec.generate_private_key(ec.SECP256R1())
        names: list[x509.GeneralName] = []
        for host in hosts:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
            .issuer_name(self._cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()),
                critical=False,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .sign(self._key, hashes.SHA256())
        )
        return ServerCertificate(
            hosts=tuple(hosts),
            cert_pem=cert.public_bytes(serialization.Encoding.PEM),
            key_pem=key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            ca_file=self.ca_file,
        )


def client_context(ca_file: Path | str) -> ssl.SSLContext:
    """A client TLS context that trusts only `ca_file` and verifies the host name."""
    return ssl.create_default_context(cafile=str(ca_file))


@dataclass
class DatabaseServer:
    """A running server: where it listens, its admin login, and test helpers."""

    engine: str  # "postgres" or "mysql"
    host: str
    port: int
    admin_user: str
    admin_password: str
    root: Path
    version: str = ""
    tls: ServerCertificate | None = None  # served and required when set
    _command: list[str] = field(default_factory=list, repr=False)
    _process: subprocess.Popen | None = field(default=None, repr=False)
    _log: Path | None = field(default=None, repr=False)

    # Connections ------------------------------------------------------------------------
    def connect(
        self,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        timeout: int = 5,
    ) -> Any:
        """A DB-API connection (admin unless user/password are given)."""
        user = user or self.admin_user
        password = self.admin_password if password is None else password
        # Explicitly TLS (verified against the server's CA) or explicitly plain: neither driver
        # is left to its own opportunistic, unverified default.
        context = client_context(self.tls.ca_file) if self.tls else None
        if self.engine == "postgres":
            import pg8000.dbapi

            return pg8000.dbapi.connect(
                user=user,
                password=password,
                host=self.host,
                port=self.port,
                database=database or "postgres",
                timeout=timeout,
                ssl_context=context or False,
            )
        import pymysql

        return pymysql.connect(
            host=self.host,
            port=self.port,
            user=user,
            password=password,
            database=database,
            connect_timeout=timeout,
            ssl=context,
            ssl_disabled=context is None,
        )

    def can_login(self, user: str, password: str, database: str | None = None) -> bool:
        """True when `user` logs in with `password` (False on an authentication failure)."""
        try:
            conn = self.connect(user, password, database)
        except Exception as error:
            if _is_auth_failure(self.engine, error):
                return False
            raise
        try:
            cursor = conn.cursor()
            cursor.execute("SELECT 1")
            cursor.fetchall()
        finally:
            conn.close()
        return True

    def execute(self, *statements: str) -> None:
        """Run statements as the admin user, autocommitted."""
        conn = self.connect()
        try:
            if self.engine == "postgres":
                conn.autocommit = True
            cursor = conn.cursor()
            for statement in statements:
                cursor.execute(statement)
            if self.engine != "postgres":
                conn.commit()
        finally:
            conn.close()

    def create_login(self, user: str, password: str, database: str) -> None:
        """A user owning `database`, able to change its own password (like an RDS master user)."""
        leaks.remember(password, f"the {self.engine} login {user}")
        if self.engine == "postgres":
            quoted = password.replace("'", "''")
            self.execute(
                f"CREATE ROLE \"{user}\" LOGIN PASSWORD '{quoted}'",
                f'CREATE DATABASE "{database}" OWNER "{user}"',
            )
        else:
            conn = self.connect()
            try:
                cursor = conn.cursor()
                cursor.execute("CREATE USER %s@'%%' IDENTIFIED BY %s", (user, password))
                cursor.execute(f"CREATE DATABASE `{database}`")
                cursor.execute(f"GRANT ALL PRIVILEGES ON `{database}`.* TO %s@'%%'", (user,))
                cursor.execute("GRANT CREATE USER ON *.* TO %s@'%%'", (user,))
                conn.commit()
            finally:
                conn.close()

    def secret_document(self, user: str, password: str, database: str) -> dict[str, Any]:
        """The connection document the RDS component stores in Secrets Manager."""
        return {
            "engine": self.engine,
            "host": self.host,
            "port": self.port,
            "username": user,
            "password": password,
            "dbname": database,
            # What the rds component writes: ssl = true (the instance forces TLS).
            "ssl": self.tls is not None,
        }

    # TLS --------------------------------------------------------------------------------
    @property
    def cert_file(self) -> Path:
        return self.root / "server.crt"

    @property
    def key_file(self) -> Path:
        return self.root / "server.key"

    def served_tls(self, conn: Any) -> str | None:
        """The TLS version of an open connection as the server sees it (None: not TLS)."""
        cursor = conn.cursor()
        try:
            if self.engine == "postgres":
                cursor.execute("SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            else:
                cursor.execute("SHOW SESSION STATUS LIKE 'Ssl_version'")
            rows = cursor.fetchall()
        finally:
            cursor.close()
        value = rows[0][-1] if rows else None
        return value or None

    @contextlib.contextmanager
    def serving(self, certificate: ServerCertificate) -> Iterator[None]:
        """Serve `certificate` instead of the server's own for the block (reloaded live).

        The admin connection that reloads is opened before the swap, so it can put the original
        back even though the new certificate is one the harness does not trust.
        """
        if self.tls is None:
            raise HarnessError("serving() needs a server started with tls=")
        original = self.tls
        conn = self.connect()
        try:
            _install_certificate(self, certificate)
            self._reload_tls(conn, certificate)
            try:
                yield
            finally:
                _install_certificate(self, original)
                self._reload_tls(conn, original)
        finally:
            conn.close()

    def _reload_tls(self, conn: Any, certificate: ServerCertificate) -> None:
        cursor = conn.cursor()
        try:
            # MariaDB's FLUSH SSL reloads before it returns (and fails on a bad file);
            # PostgreSQL's postmaster reloads when it handles the signal: wait for it.
            if self.engine == "postgres":
                cursor.execute("SELECT pg_reload_conf()")
                cursor.fetchall()
                conn.commit()
            else:
                cursor.execute("FLUSH SSL")
        finally:
            cursor.close()
        if self.engine == "postgres":
            _wait_until_served(self, certificate)

    # Lifecycle --------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        log = self._log.open("ab") if self._log else subprocess.DEVNULL
        try:
            self._process = subprocess.Popen(
                self._command,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                start_new_session=True,
            )
        finally:
            if log is not subprocess.DEVNULL:
                log.close()
        try:
            self._wait_ready()
        except Exception as error:
            self.stop()
            raise DatabaseStartError(
                f"{self.engine} server on {self.host}:{self.port} did not accept logins: "
                f"{error}\n--- server log ---\n{self.log_tail()}"
            ) from error

    @retry(
        stop=stop_after_delay(60),
        wait=wait_fixed(0.25),
        retry=retry_if_exception_type(_NotReady),
        reraise=True,
    )
    def _wait_ready(self) -> None:
        if self._process is None or self._process.poll() is not None:
            code = None if self._process is None else self._process.returncode
            raise DatabaseStartError(f"server exited with code {code}")
        if not _accepts(socket.AF_INET, (self.host, self.port)):
            raise _NotReady(f"nothing listens on {self.host}:{self.port} yet")
        try:
            self.connect(timeout=2).close()
        except Exception as error:
            raise _NotReady(str(error)) from error

    def stop(self) -> None:
        """Fast shutdown (SIGINT to postgres, SIGTERM to mariadbd), then kill if it hangs."""
        if self._process is None:
            return
        if self._process.poll() is None:
            sig = signal.SIGINT if self.engine == "postgres" else signal.SIGTERM
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, sig)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait(timeout=10)
        self._process = None

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """Stop the server for the block (clients get 'connection refused'), then restart it."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    def log_tail(self, lines: int = 40) -> str:
        if self._log is None or not self._log.is_file():
            return "(no log)"
        return "\n".join(self._log.read_text(errors="replace").splitlines()[-lines:])


def _accepts(family: int, address: Any) -> bool:
    """True when a server accepts connections at `address` (the probe socket is closed)."""
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        try:
            probe.connect(address)
        except OSError:
            return False
    return True


def _install_certificate(server: DatabaseServer, certificate: ServerCertificate) -> None:
    """Write the certificate and key the server reads (key 0600, owned by the server's user).

    Each file is written beside its target and renamed over it, so a reload never reads half.
    """
    for target, content, mode in (
        (server.cert_file, certificate.cert_pem, 0o644),
        (server.key_file, certificate.key_pem, 0o600),
    ):
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(content)
        partial.chmod(mode)
        _hand_over(partial)
        partial.replace(target)
    server.tls = certificate


def _served_postgres_certificate(host: str, port: int) -> bytes | None:
    """The DER certificate PostgreSQL presents after an SSLRequest (None when it declines)."""
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    probe.check_hostname = False
    probe.verify_mode = ssl.CERT_NONE  # only looks at which certificate is served
    with socket.create_connection((host, port), timeout=2) as raw:
        raw.sendall(struct.pack("!ii", 8, 80877103))
        if raw.recv(1) != b"S":
            return None
        with probe.wrap_socket(raw) as wrapped:
            return wrapped.getpeercert(binary_form=True)


@retry(
    stop=stop_after_delay(15),
    wait=wait_fixed(0.1),
    retry=retry_if_exception_type(_NotReady),
    reraise=True,
)
def _wait_until_served(server: DatabaseServer, certificate: ServerCertificate) -> None:
    wanted = ssl.PEM_cert_to_DER_cert(certificate.cert_pem.decode("ascii"))
    if _served_postgres_certificate(server.host, server.port) != wanted:
        raise _NotReady(
            f"PostgreSQL on {server.host}:{server.port} does not serve the new certificate "
            f"yet (a reload error is in its log):\n{server.log_tail()}"
        )


def _is_auth_failure(engine: str, error: Exception) -> bool:
    if engine == "postgres":
        import pg8000.exceptions

        if (
            isinstance(error, pg8000.exceptions.DatabaseError)
            and error.args
            and isinstance(error.args[0], dict)
        ):
            return error.args[0].get("C") in ("28P01", "28000")
        return False
    import pymysql

    return (
        isinstance(error, pymysql.err.OperationalError)
        and bool(error.args)
        and error.args[0] == 1045
    )


def _run(command: list[str], what: str, cwd: Path) -> None:
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=cwd, timeout=180
    )
    if done.returncode != 0:
        raise DatabaseStartError(
            f"{what} failed (exit {done.returncode}):\n"
            f"{(done.stderr or done.stdout).strip()[-3000:]}"
        )


def _workdir(prefix: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    _hand_over(root)
    return root


# PostgreSQL --------------------------------------------------------------------------------
@contextlib.contextmanager
def postgres_server(
    admin_user: str = "admin", tls: ServerCertificate | None = None
) -> Iterator[DatabaseServer]:
    """A fresh PostgreSQL server on a free loopback port (SCRAM authentication).

    With `tls`, the server serves that certificate and pg_hba.conf has ``hostssl`` lines only
    (plus the Unix socket): a TCP client without TLS is refused.
    """
    reason = missing_postgres()
    if reason:
        raise DatabaseUnavailable(reason)
    initdb = _which("initdb", extra_dirs=_POSTGRES_DIRS)
    postgres = _which("postgres", extra_dirs=_POSTGRES_DIRS)
    drop = _privilege_drop()
    root = _workdir("tfharness-pg-")
    leaks.track(root, exclude=("data",))  # its log and files: the secret scan reads them
    server = None
    try:
        password = secrets.token_urlsafe(18)
        leaks.remember(password, "the postgres admin password")
        pwfile = root / "admin.pw"
        pwfile.write_text(password + "\n")
        _hand_over(pwfile)
        data = root / "data"
        _run(
            [
                *drop,
                initdb,
                "-D",
                str(data),
                "-U",
                admin_user,
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
            "initdb",
            root,
        )
        pwfile.unlink()
        port = free_port()
        version = subprocess.run(
            [postgres, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        server = DatabaseServer(
            engine="postgres",
            host=HOST,
            port=port,
            admin_user=admin_user,
            admin_password=password,
            root=root,
            version=version,
            _log=root / "server.log",
            _command=[
                *drop,
                postgres,
                "-D",
                str(data),
                "-p",
                str(port),
                "-c",
                f"listen_addresses={HOST}",
                "-c",
                f"unix_socket_directories={root}",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "password_encryption=scram-sha-256",
            ],
        )
        if tls is not None:
            (data / "pg_hba.conf").write_text(
                "# tfharness: TLS required on TCP (no `host` lines)\n"
                "local all all scram-sha-256\n"
                f"hostssl all all {HOST}/32 scram-sha-256\n"
            )
            _install_certificate(server, tls)
            server._command += [
                "-c",
                "ssl=on",
                "-c",
                f"ssl_cert_file={server.cert_file}",
                "-c",
                f"ssl_key_file={server.key_file}",
            ]
        server.start()
        yield server
    finally:
        if server is not None:
            server.stop()
        leaks.release(root)  # kept in memory for the secret scan, then removed
        shutil.rmtree(root, ignore_errors=True)


# MariaDB / MySQL ---------------------------------------------------------------------------
@contextlib.contextmanager
def mysql_server(
    admin_user: str = "admin", tls: ServerCertificate | None = None
) -> Iterator[DatabaseServer]:
    """A fresh MariaDB (or MySQL) server on a free loopback port.

    With `tls`, the server serves that certificate and runs with
    ``require_secure_transport=ON``: a TCP client without TLS is refused (the Unix socket the
    harness creates the admin login through counts as secure).
    """
    reason = missing_mysql()
    if reason:
        raise DatabaseUnavailable(reason)
    mysqld = _which("mariadbd", "mysqld")
    install_db = _which("mariadb-install-db", "mysql_install_db")
    drop = _privilege_drop()
    root = _workdir("tfharness-mysql-")
    leaks.track(root, exclude=("data",))  # its log and files: the secret scan reads them
    server = None
    try:
        data = root / "data"
        socket_path = root / "mysqld.sock"
        common = ["--no-defaults", f"--datadir={data}"]
        if install_db is not None:
            _run(
                [
                    *drop,
                    install_db,
                    *common,
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    "--skip-name-resolve",
                    f"--basedir={_basedir(mysqld)}",
                ],
                "mariadb-install-db",
                root,
            )
        else:
            _run([*drop, mysqld, *common, "--initialize-insecure"], "mysqld --initialize", root)
        port = free_port()
        password = secrets.token_urlsafe(18)
        leaks.remember(password, "the mysql admin password")
        version = subprocess.run(
            [mysqld, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        server = DatabaseServer(
            engine="mysql",
            host=HOST,
            port=port,
            admin_user=admin_user,
            admin_password=password,
            root=root,
            version=version,
            _log=root / "server.log",
            _command=[
                *drop,
                mysqld,
                *common,
                f"--port={port}",
                f"--bind-address={HOST}",
                f"--socket={socket_path}",
                f"--pid-file={root / 'mysqld.pid'}",
                "--skip-name-resolve",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=32M",
                "--innodb-flush-log-at-trx-commit=0",
                "--performance-schema=OFF",
            ],
        )
        if tls is not None:
            _install_certificate(server, tls)
            server._command += [
                f"--ssl-cert={server.cert_file}",
                f"--ssl-key={server.key_file}",
                "--require-secure-transport=ON",
            ]
        elif "mariadb" in version.lower():
            # MariaDB 11.4+ turns TLS on by itself (generated certificate): a server started
            # without `tls` must not offer it.
            server._command.append("--skip-ssl")
        # The admin login does not exist yet: create it over the socket as root first.
        _start_and_create_admin(server, socket_path)
        yield server
    finally:
        if server is not None:
            server.stop()
        leaks.release(root)  # kept in memory for the secret scan, then removed
        shutil.rmtree(root, ignore_errors=True)


def _basedir(mysqld: str) -> str:
    # /usr/sbin/mariadbd -> /usr
    return str(Path(mysqld).resolve().parent.parent)


def _start_and_create_admin(server: DatabaseServer, socket_path: Path) -> None:
    import pymysql

    log = server._log.open("ab")
    try:
        server._process = subprocess.Popen(
            server._command,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=server.root,
            start_new_session=True,
        )
    finally:
        log.close()
    deadline = time.monotonic() + 60
    while True:
        if server._process.poll() is not None:
            raise DatabaseStartError(
                f"mysqld exited with code {server._process.returncode}:\n{server.log_tail()}"
            )
        if _accepts(socket.AF_UNIX, str(socket_path)):
            conn = pymysql.connect(
                unix_socket=str(socket_path), user="root", password="", connect_timeout=5
            )
            break
        if time.monotonic() > deadline:
            server.stop()
            raise DatabaseStartError(
                f"mysqld did not open its socket {socket_path}:\n{server.log_tail()}"
            )
        time.sleep(0.25)
    try:
        cursor = conn.cursor()
        cursor.execute(
            "CREATE USER %s@'%%' IDENTIFIED BY %s", (server.admin_user, server.admin_password)
        )
        cursor.execute(
            "GRANT ALL PRIVILEGES ON *.* TO %s@'%%' WITH GRANT OPTION", (server.admin_user,)
        )
        conn.commit()
    finally:
        conn.close()
    server._wait_ready()
