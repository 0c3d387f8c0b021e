"""Spreadsheets back in: an exported file fixed in Excel (openpyxl here) uploads
with a preview, commits all at once, and a bad file changes nothing."""
import io, re, time
import openpyxl, requests
from test_export import signed_in


def csrf(session, server):
    return session.get(server.url + "/clients").text.split('name="_csrf" value="')[1].split('"')[0]


def settled(session, answer, seen=None):
    """Follows an import's progress page (it refreshes itself) until the report or the list shows."""
    for _ in range(900):
        if 'class="import-progress"' not in answer.text:
            return answer
        if seen is not None:
            seen.append(answer)
        time.sleep(0.2)
        answer = session.get(answer.url)
    raise AssertionError("the import is still running")


def upload(session, server, content, name, seen=None, **fields):
    token = csrf(session, server)
    return settled(session, session.post(server.url + "/clients/import", params={"_csrf": token},
                                         files={"file": (name, content)}, data={"updateBy": "number", **fields}), seen)


def commit(session, server, page):
    action = re.search(r'<form method="post" action="(/clients/import/[\w-]+)"', page).group(1)
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    return settled(session, session.post(server.url + action, data={**form, "action": "commit"}))


def exported(session, server, **query):
    answer = session.get(server.url + "/clients/export", params={"format": "xlsx", **query})
    assert answer.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(answer.content))


def test_round_trip_changes_nothing(server):
    session = signed_in(server)
    book = exported(session, server, f_city="Córdoba")
    rows = book.active.max_row - 1
    buffer = io.BytesIO(); book.save(buffer)
    page = upload(session, server, buffer.getvalue(), "cordoba.xlsx").text
    assert f"Se crearían 0 clientes, se modificarían 0 y {rows} quedarían igual. Problemas: 0." in page


def test_fix_in_excel_then_commit(server, admin_token):
    session = signed_in(server)
    book = exported(session, server, f_city="Rosario", sort="number")
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    number = sheet.cell(row=2, column=header.index("N.º") + 1).value
    sheet.cell(row=2, column=header.index("Nombre comercial") + 1).value = "Corregido en Excel"
    sheet.append([None, "Cliente Nuevo desde Excel"] + [None] * (len(header) - 2))
    buffer = io.BytesIO(); book.save(buffer)
    preview = upload(session, server, buffer.getvalue(), "rosario.xlsx")
    assert "Se crearían 1 clientes, se modificarían 1" in preview.text
    done = commit(session, server, preview.text)
    assert "Importación guardada: 1 creados, 1 modificados" in done.text
    found = requests.get(server.url + "/api/v1/clients", params={"q": str(number)},
                         headers={"Authorization": f"Bearer {admin_token}"}).json()["items"]
    assert any(c["clientNumber"] == number and c["tradeName"] == "Corregido en Excel" for c in found)


def test_bad_rows_are_listed_and_nothing_is_written(server):
    session = signed_in(server)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Razón social", "Correos", "Tipo de cliente", "Color favorito"])
    sheet.append(["Buena SA", "buena@ejemplo.com", "Comercio", "azul"])
    sheet.append(["Mala SA", "no-es-correo", "Tipo inventado", "rojo"])
    buffer = io.BytesIO(); book.save(buffer)
    page = upload(session, server, buffer.getvalue(), "mala.xlsx").text
    assert "«Correos electrónicos» no es un correo válido." in page
    assert "«Tipo de cliente» no existe." in page
    assert "sin reconocer" in page  # "Color favorito"
    assert 'value="commit"' not in page
    assert "Buena SA" not in session.get(server.url + "/clients", params={"q": "buena"}).text.split("<tbody>")[-1]


def test_csv_in_windows_1252_with_semicolons(server):
    session = signed_in(server)
    content = "Razón social;Ciudad\r\nPanadería Muñoz;Córdoba\r\n".encode("cp1252")
    page = upload(session, server, content, "latin1.csv").text
    assert "Se crearían 1 clientes" in page


def test_not_a_spreadsheet(server):
    session = signed_in(server)
    answer = upload(session, server, b"%PDF-1.4\x00\x01binary", "factura.pdf")
    assert answer.status_code == 422 and "no es un Excel (.xlsx) ni un CSV" in answer.text


def test_revert_an_import_from_the_log(server, admin_token):
    session = signed_in(server)
    content = "Razón social;Ciudad\r\nReversible SRL;Tacna\r\n".encode("utf-8")
    preview = upload(session, server, content, "reversible.csv")
    assert "Importación guardada: 1 creados" in commit(session, server, preview.text).text
    log = session.get(server.url + "/clients/imports").text
    assert "reversible.csv" in log
    revert_url = re.search(r'action="(/clients/imports/\d+/revert)"', log).group(1)
    token = log.split('name="_csrf" value="')[1].split('"')[0]
    done = session.post(server.url + revert_url, data={"_csrf": token})
    assert "Importación revertida: 0 clientes restaurados, 1 archivados." in done.text
    found = requests.get(server.url + "/api/v1/clients", params={"q": "reversible", "archived": "all"},
                         headers={"Authorization": f"Bearer {admin_token}"}).json()["items"]
    assert [c["archived"] for c in found] == [True]


def test_contacts_round_trip_and_add(server):
    session = signed_in(server)
    answer = session.get(server.url + "/contacts/export", params={"format": "xlsx", "q": "maria"})
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    sheet = book.active
    rows = sheet.max_row - 1
    client_number = sheet.cell(row=2, column=6).value
    sheet.append([None, "Contacto Nuevo", "Compras", "nuevo@ejemplo.com", "+54 11 4000 0000", client_number, None])
    buffer = io.BytesIO(); book.save(buffer)
    page = upload(session, server, buffer.getvalue(), "contactos.xlsx", kind="contacts").text
    assert f"Se crearían 1 contactos, se modificarían 0 y {rows} quedarían igual. Problemas: 0." in page
    assert "Contactos importados" not in page
    done = commit(session, server, page)
    assert "Importación guardada: 1 creados" in done.text
    assert "Contacto Nuevo" in session.get(server.url + "/contacts", params={"q": "contacto nuevo"}).text


def test_a_large_file_shows_its_progress_then_its_report(server):
    session = signed_in(server)
    rows = 30_000
    text = "Razón social;Ciudad\n" + "".join(f"Empresa Progreso {i};Mendoza\n" for i in range(rows))
    seen = []
    page = upload(session, server, text.encode(), "grande.csv", seen=seen).text
    assert "Se crearían 30.000 clientes, se modificarían 0 y 0 quedarían igual. Problemas: 0." in page
    assert seen, "a 30,000-row dry run should outlast the first two seconds"
    first = seen[0]
    assert first.headers.get("Refresh") == "1"
    assert re.search(r"Comprobando: [\d.]+ filas leídas \(\d+ % del archivo\)", first.text)
    assert "<progress" in first.text
