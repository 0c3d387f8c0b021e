"""The command line on the same database as the running server: filtered
exports, and imports that show their progress."""
import io, pathlib
import openpyxl
from test_export import signed_in


def test_export_with_filters_matches_the_page(server, tmp_path):
    out = tmp_path / "cordoba.xlsx"
    done = server.cli("export", "clients", "--format", "xlsx", "--filter", "f_city=Córdoba", "--filter", "archived=active",
                      "-o", str(out))
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    cities = [row[header.index("Ciudad")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cities and set(cities) == {"Córdoba"}
    page = signed_in(server).get(server.url + "/clients/export", params={"format": "xlsx", "f_city": "Córdoba"})
    assert openpyxl.load_workbook(io.BytesIO(page.content)).active.max_row == sheet.max_row


def test_unknown_filter_is_refused(server, tmp_path):
    done = server.cli("export", "clients", "--filter", "color=rojo", "-o", str(tmp_path / "x.xlsx"))
    assert done.returncode != 0 and "color=rojo" in done.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_import_dry_run_prints_progress_and_writes_nothing(server, tmp_path):
    rows = 5_000
    file = tmp_path / "nuevos.csv"
    file.write_text("Razón social;Ciudad\n" + "".join(f"Desde la terminal {i};Salta\n" for i in range(rows)), encoding="utf-8")
    done = server.cli("import", "clients", str(file), "--dry-run", "--as", server.admin_email)
    assert done.returncode == 0, done.stderr
    assert "Comprobando: 5000 filas leídas (" in done.stderr
    assert f"Se crearían {rows} clientes, se modificarían 0 y 0 quedarían igual. Problemas: 0." in done.stdout
    search = signed_in(server).get(server.url + "/clients", params={"q": "desde la terminal"}).text
    assert "Desde la terminal 1" not in search
