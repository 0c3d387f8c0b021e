"""`cartera backup` copies the live SQLite database while the server writes to it:
the copy opens, passes SQLite's integrity check and holds the clients of the
moment it began; it never overwrites an existing file."""
import pathlib, sqlite3, tempfile, threading, time, uuid
import pytest, requests
from conftest import DATABASE_URL

pytestmark = pytest.mark.skipif(DATABASE_URL is not None, reason="copies SQLite; PostgreSQL is backed up with pg_dump")


def test_backup_while_writing(server, admin_token):
    api = {"Authorization": f"Bearer {admin_token}"}
    stop = threading.Event()
    made = []

    def write():
        while not stop.is_set():
            answer = requests.post(server.url + "/api/v1/clients", json={"legalName": f"Durante la copia {uuid.uuid4().hex[:8]}"}, headers=api)
            assert answer.status_code == 201, answer.text
            made.append(answer.json()["id"])

    writer = threading.Thread(target=write)
    writer.start()
    target = pathlib.Path(tempfile.mkdtemp()) / "copia.sqlite"
    try:
        while len(made) < 5:
            time.sleep(0.05)
        copy = server.cli("backup", "--to", str(target))
    finally:
        stop.set()
        writer.join()
    assert copy.returncode == 0, copy.stderr
    assert "Backup written to" in copy.stdout
    with sqlite3.connect(target) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copied = db.execute("SELECT COUNT(*) FROM clients WHERE legal_name LIKE 'Durante la copia %'").fetchone()[0]
    assert 5 <= copied <= len(made)
    again = server.cli("backup", "--to", str(target))
    assert again.returncode != 0 and "already exists" in again.stderr
