"""Downloads of the client list open in Excel's reader with typed cells and the
same rows the page shows."""
import csv, io
import openpyxl, requests


def signed_in(server):
    session = requests.Session()
    page = session.get(server.url + "/login").text
    token = page.split('name="_csrf" value="')[1].split('"')[0]
    session.post(server.url + "/login", data={"_csrf": token, "email": server.admin_email, "password": server.admin_password})
    return session


def test_xlsx_is_what_the_page_shows(server):
    session = signed_in(server)
    query = {"f_city": "Lima", "sort": "number", "dir": "desc"}
    page = session.get(server.url + "/clients", params=query).text
    shown = int(page.split('aria-live="polite">')[1].split(" ")[0])
    answer = session.get(server.url + "/clients/export", params=query | {"format": "xlsx"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    sheet = book.active
    assert sheet.title == "Clientes"
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["N.º", "Razón social"] and sheet["A1"].font.b
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == shown > 0
    numbers = [row[0] for row in rows]
    assert all(isinstance(n, int) for n in numbers) and numbers == sorted(numbers, reverse=True)
    city = header.index("Ciudad")
    assert {row[city] for row in rows} == {"Lima"}


def test_csv_for_spanish_excel(server):
    session = signed_in(server)
    answer = session.get(server.url + "/clients/export", params={"format": "csv", "f_country": "PE"})
    assert answer.status_code == 200 and answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["N.º", "Razón social"] and len(rows) > 1


def test_export_needs_a_signed_in_user_with_the_permission(server):
    assert requests.get(server.url + "/clients/export?format=xlsx", allow_redirects=False).status_code == 303


def test_api_export_every_column(server, admin_token):
    answer = requests.get(server.url + "/api/v1/clients/export", params={"format": "xlsx", "archived": "all"},
                          headers={"Authorization": f"Bearer {admin_token}", "Accept-Language": "en"})
    assert answer.status_code == 200, answer.text
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["No.", "Legal name", "Trade name"] and "Created" in header
    created = header.index("Created")
    assert sheet.cell(row=2, column=created + 1).is_date
    listed = requests.get(server.url + "/api/v1/clients", params={"archived": "all", "limit": 1},
                          headers={"Authorization": f"Bearer {admin_token}"}).json()
    assert sheet.max_row > 300 and listed["items"]


def test_command_line_export(server, tmp_path):
    target = tmp_path / "clientes.csv"
    run = server.cli("export", "clients", "--format", "csv", "-o", str(target))
    assert run.returncode == 0, run.stderr
    text = target.read_text(encoding="utf-8-sig")
    assert text.startswith("N.º;Razón social;") and text.count("\n") > 300


def test_contacts_catalogue_downloads(server):
    session = signed_in(server)
    answer = session.get(server.url + "/contacts/export", params={"format": "xlsx"})
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet.title == "Contactos" and [c.value for c in sheet[1]][:2] == ["Clave", "Nombre"]
    assert sheet.max_row > 100 and isinstance(sheet["A2"].value, int)
