"""Starts Cartera the way it ships: the binary and its resource folder copied to
a fresh directory, a new SQLite file, the demo company. Tests talk to it over HTTP.
With CARTERA_E2E_DATABASE_URL (an empty PostgreSQL database; scripts/test's second
run) the same server serves from PostgreSQL instead."""
import os, pathlib, re, shutil, socket, subprocess, tempfile, time
import pytest, requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
BUILD = ROOT / ".build" / "debug"
DATABASE_URL = os.environ.get("CARTERA_E2E_DATABASE_URL")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workdir):
        self.workdir = pathlib.Path(workdir)
        self.binary = self.workdir / "bin" / "cartera"
        self.database = DATABASE_URL or f"sqlite://{self.workdir / 'cartera.sqlite'}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def cli(self, *args, stdin=None):
        return subprocess.run([str(self.binary), *args, "--database", self.database], input=stdin,
                              capture_output=True, text=True, cwd=self.workdir, timeout=120)


def server_environment():
    env = {**os.environ, "CARTERA_MAIL_POLL_SECONDS": "1"}
    if DATABASE_URL:
        # On SQLite the server makes a key file beside the database; PostgreSQL needs one given (SecretKeySource).
        env["CARTERA_SECRET_KEY"] = "una clave de prueba del servidor"
    return env


@pytest.fixture(scope="session")
def server():
    workdir = tempfile.mkdtemp(prefix="cartera-e2e-")
    bindir = pathlib.Path(workdir) / "bin"
    bindir.mkdir()
    shutil.copy2(BUILD / "cartera", bindir / "cartera")
    shutil.copytree(BUILD / "Cartera_CarteraWeb.resources", bindir / "Cartera_CarteraWeb.resources")
    s = Server(workdir)
    log = open(pathlib.Path(workdir) / "server.log", "w+")
    process = subprocess.Popen([str(s.binary), "serve", "--database", s.database, "--port", str(s.port), "--demo",
                                "--demo-clients", "300"], cwd=workdir, stdout=log, stderr=subprocess.STDOUT,
                               env=server_environment())
    s.pid = process.pid
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            log.seek(0)
            found = re.search(r"Demo admin login: (\S+)\s+password: (\S+)", log.read())
            if found:
                try:
                    if requests.get(s.url + "/healthz", timeout=2).ok:
                        s.admin_email, s.admin_password = found.group(1), found.group(2)
                        break
                except requests.ConnectionError:
                    pass
            if process.poll() is not None:
                break
            time.sleep(0.3)
        else:
            pass
        if not hasattr(s, "admin_password"):
            log.seek(0)
            raise RuntimeError("server did not start:\n" + log.read())
        yield s
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def admin_token(server):
    answer = requests.post(server.url + "/api/v1/tokens", json={"email": server.admin_email, "password": server.admin_password})
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]
