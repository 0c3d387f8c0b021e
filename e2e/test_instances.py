"""Two `cartera serve` processes on one PostgreSQL database, as a company runs
them behind a load balancer: a session made on one works on the other (and
ends on both), and reminders written through one are sent exactly once
although both instances' jobs poll the same outbox every second. The second
instance reaches the server through its socket (when scripts/test names the
socket's directory) and holds the connections it is given.
Runs when scripts/test provides CARTERA_E2E_POSTGRES_URL."""
import datetime, glob, os, re, shutil, subprocess, tempfile, time, urllib.parse, uuid, zoneinfo
from concurrent.futures import ThreadPoolExecutor
import pytest, requests
from conftest import BUILD, free_port
from test_mail import Sink, wait_for
from aiosmtpd.controller import Controller

ADMIN_URL = os.environ.get("CARTERA_E2E_POSTGRES_URL")
SOCKETS = os.environ.get("CARTERA_E2E_POSTGRES_SOCKETS")
pytestmark = pytest.mark.skipif(not ADMIN_URL, reason="needs CARTERA_E2E_POSTGRES_URL (scripts/test sets it)")


def start(binary, workdir, database, *extra, connections=None):
    port = free_port()
    log = open(os.path.join(workdir, f"server-{port}.log"), "w+")
    env = {**os.environ, "CARTERA_MAIL_POLL_SECONDS": "1", "CARTERA_SECRET_KEY": "una clave de prueba de instancias"}
    if connections:
        env["CARTERA_POSTGRES_CONNECTIONS"] = str(connections)
    process = subprocess.Popen([binary, "serve", "--database", database, "--port", str(port), *extra], cwd=workdir, stdout=log,
                               stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    assert wait_for(lambda: process.poll() is None and ready(url), 120), open(log.name).read()[-3000:]
    log.seek(0)
    return process, url, log


def ready(url):
    try:
        return requests.get(url + "/readyz", timeout=2).ok
    except requests.ConnectionError:
        return False


def csrf(session, url):
    return re.search(r'name="_csrf" value="([^"]+)"', session.get(url + "/admin/mail").text).group(1)


def test_two_instances_share_sessions_and_send_each_reminder_once():
    psql = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
    name = "cartera_e2e_" + uuid.uuid4().hex[:10]
    subprocess.run([psql, ADMIN_URL, "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    database = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    workdir = tempfile.mkdtemp(prefix="cartera-instances-")
    shutil.copy2(BUILD / "cartera", os.path.join(workdir, "cartera"))
    shutil.copytree(BUILD / "Cartera_CarteraWeb.resources", os.path.join(workdir, "Cartera_CarteraWeb.resources"))
    binary = os.path.join(workdir, "cartera")
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    processes = []
    try:
        first, a, log = start(binary, workdir, database, "--demo", "--demo-clients", "50")
        processes.append(first)
        password = re.search(r"password: (\S+)", log.read()).group(1)
        # libpq's form for a server on the same machine: user, database, the socket's directory and port.
        server = urllib.parse.urlsplit(ADMIN_URL)
        local = f"postgres://{server.username}@/{name}?host={SOCKETS}&port={server.port}"
        second, b, _ = start(binary, workdir, local if SOCKETS else database, connections=2)
        processes.append(second)

        # Signed in on A, the same cookie works on B.
        session = requests.Session()
        token = re.search(r'name="_csrf" value="([^"]+)"', session.get(a + "/login").text).group(1)
        session.post(a + "/login", data={"_csrf": token, "email": "admin@demo.cartera", "password": password})
        on_b = session.get(b + "/clients", allow_redirects=False)
        assert on_b.status_code == 200 and "/login" not in on_b.url

        # The company's mail account saved through A; six reminders written through B.
        saved = session.post(a + "/admin/mail", data={"_csrf": csrf(session, a), "host": "127.0.0.1", "port": str(smtp.port),
                                                      "security": "none", "fromName": "Instancias", "fromAddress": "avisos@demo.example"})
        assert saved.status_code == 200, saved.text[:300]
        due = datetime.datetime.now(zoneinfo.ZoneInfo("America/Argentina/Buenos_Aires")) + datetime.timedelta(minutes=30)
        token = csrf(session, b)
        titles = [f"Llamada {n} desde la instancia B" for n in range(6)]
        for title in titles:
            made = session.post(b + "/clients/1/follow-ups", data={
                "_csrf": token, "title": title, "dueDate": due.strftime("%Y-%m-%d"), "dueTime": due.strftime("%H:%M"),
                "responsibleId": "1", "colour": "blue", "remindMinutesBefore": "60"})
            assert made.status_code == 200, made.text[:300]
        subjects = [f"Recordatorio: {title}" for title in titles]
        assert wait_for(lambda: all(sink.with_subject(s) for s in subjects), 90), sink.attempts
        time.sleep(5)   # both instances keep polling: nothing may go twice
        assert all(len(sink.with_subject(s)) == 1 and sink.attempts[s] == 1 for s in subjects), sink.attempts

        # B, loaded with pages from sixteen clients at once, holds at most the two connections it was
        # given (one per core, rounded up), through the socket: PostgreSQL sees no client address.
        if SOCKETS:
            with ThreadPoolExecutor(16) as pool:
                assert all(r.status_code == 200 for r in pool.map(lambda path: session.get(b + path), ["/clients", "/funnel"] * 32))
            held = subprocess.run([psql, ADMIN_URL, "-Atc", f"SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '{name}' "
                                   "AND client_addr IS NULL AND backend_type = 'client backend'"],
                                  check=True, capture_output=True, text=True).stdout.strip()
            assert 1 <= int(held) <= max(2, os.cpu_count()), held

        # Signing out on B ends the session on A too.
        session.post(b + "/logout", data={"_csrf": csrf(session, b)})
        assert "/login" in session.get(a + "/clients").url
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
        smtp.stop()
        subprocess.run([psql, ADMIN_URL, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)
