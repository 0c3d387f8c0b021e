"""The sales funnel as a company uses it: a web quoter posts a lead through the
API (retried with the same Idempotency-Key, it lands once); the sales manager
opens the funnel on a phone-sized screen, narrows it to the project, finds the
person, records a follow-up from the lead's page, and sees them counted as
contacted — and downloads the phase as Excel."""
import io, uuid
import openpyxl, requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_browser import browser, login  # noqa: F401  (the fixture and the admin's login)


def test_web_lead_to_follow_up(browser, server, admin_token):
    api = {"Authorization": f"Bearer {admin_token}"}
    projects = requests.get(server.url + "/api/v1/sales-projects", headers=api).json()["items"]
    project = next(p for p in projects if p["name"] == "Torre Mirador")
    name = f"Valeria Cotizante {uuid.uuid4().hex[:6]}"
    body = {"name": name, "email": f"{uuid.uuid4().hex[:8]}@cotizador.pe", "phone": "+51 999 123 456", "projectId": project["id"],
            "stageId": project["stages"][0]["id"], "kind": "quote", "comment": "Cotizó un 2 dormitorios"}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = requests.post(server.url + "/api/v1/leads", json=body, headers={**api, **key})
    assert first.status_code == 201, first.text
    again = requests.post(server.url + "/api/v1/leads", json=body, headers={**api, **key})
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["leadId"] == first.json()["leadId"]
    bad = requests.post(server.url + "/api/v1/leads", json={"name": name}, headers=api)
    assert bad.status_code == 422 and bad.headers["Content-Type"].startswith("application/problem+json") and "projectId" in bad.text

    login(browser, server)
    browser.set_window_size(360, 800)
    browser.get(server.url + "/funnel?phase=quote")
    Select(browser.find_element(By.ID, "project")).select_by_visible_text("Torre Mirador")
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.url_contains("project="))
    search = browser.find_element(By.ID, "q")
    search.send_keys(name)
    search.submit()
    # The project's page may already list the lead: wait for the search's own
    # page, or the link found could be the old page's, gone by the click.
    WebDriverWait(browser, 10).until(EC.url_contains("q="))
    WebDriverWait(browser, 10).until(EC.element_to_be_clickable((By.LINK_TEXT, name))).click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "f-date")))
    assert "Cotizó un 2 dormitorios" in browser.find_element(By.TAG_NAME, "main").text
    browser.execute_script("document.getElementById('f-date').value = '2030-01-15'")
    Select(browser.find_element(By.ID, "f-expectation")).select_by_value("high")
    browser.find_element(By.ID, "f-comment").send_keys("Llamé; visita el sábado")
    browser.find_element(By.CSS_SELECTOR, "#follow-up button[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".flash")))
    assert "Llamé; visita el sábado" in browser.find_element(By.TAG_NAME, "main").text

    browser.get(server.url + f"/funnel?phase=quote&status=contacted&project={project['id']}")
    assert name in browser.find_element(By.TAG_NAME, "main").text
    browser.set_window_size(1280, 900)

    # The download carries the phase exactly as the table shows it.
    session = requests.Session()
    for cookie in browser.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    sheet = session.get(server.url + f"/funnel/export?format=xlsx&phase=quote&status=contacted&project={project['id']}&col=name&col=email")
    assert sheet.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Nombre y apellido", "Correo electrónico") and any(row[0] == name for row in rows[1:])
