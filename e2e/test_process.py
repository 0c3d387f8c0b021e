"""The process as it runs: the allocator setting the binary starts itself with
(`AllocatorTuning`, docs/decisions.md)."""
import os, pathlib, subprocess, time
import requests
from conftest import free_port


def environment(pid):
    return pathlib.Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")


def test_server_runs_with_a_larger_allocator_cache(server):
    # The fixture starts the server without the variable (unless the caller's environment has it).
    if "GLIBC_TUNABLES" not in os.environ:
        assert b"GLIBC_TUNABLES=glibc.malloc.tcache_count=256" in environment(server.pid)


def test_an_operators_own_setting_is_kept(server, tmp_path):
    own = "glibc.malloc.tcache_count=9"
    port = free_port()
    process = subprocess.Popen([str(server.binary), "serve", "--database", f"sqlite://{tmp_path / 'own.sqlite'}", "--port", str(port)],
                               env={**os.environ, "GLIBC_TUNABLES": own}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and process.poll() is None:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        assert process.poll() is None, f"the server stopped ({process.returncode})"
        found = [entry for entry in environment(process.pid) if entry.startswith(b"GLIBC_TUNABLES=")]
        assert found == [f"GLIBC_TUNABLES={own}".encode()]
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_connection_count_that_is_no_number_is_refused(server, tmp_path):
    done = subprocess.run([str(server.binary), "migrate", "--database", f"sqlite://{tmp_path / 'count.sqlite'}"],
                          env={**os.environ, "CARTERA_POSTGRES_CONNECTIONS": "muchas"}, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "CARTERA_POSTGRES_CONNECTIONS" in done.stderr and "muchas" in done.stderr
    assert not (tmp_path / "count.sqlite").exists()
