"""A person in the browser: log in, create a client, find it by typing, open it, edit it."""
import datetime, zoneinfo
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=es"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def login(browser, server):
    browser.get(server.url + "/clients")
    assert "/login" in browser.current_url
    browser.find_element(By.ID, "email").send_keys(server.admin_email)
    browser.find_element(By.ID, "password").send_keys(server.admin_password)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "q")))


def test_create_find_open_edit(browser, server):
    login(browser, server)
    browser.find_element(By.LINK_TEXT, "Nuevo cliente").click()
    browser.find_element(By.ID, "legalName").send_keys("José Peña e Hijos S.A.")
    browser.find_element(By.ID, "phones").send_keys("+54 9 11 5555-1234")
    browser.find_element(By.ID, "city").send_keys("Córdoba")
    browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "creado"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("José Peña e Hijos S.A.")

    browser.get(server.url + "/clients")
    box = browser.find_element(By.ID, "q")
    box.send_keys("jose pena")  # typing is enough: the page searches after a pause
    WebDriverWait(browser, 10).until(EC.url_contains("q=jose+pena"))
    link = WebDriverWait(browser, 10).until(EC.element_to_be_clickable((By.LINK_TEXT, "José Peña e Hijos S.A.")))
    assert "1 cliente" in browser.page_source
    link.click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "José Peña"))
    assert "wa.me/5491155551234" in browser.page_source

    browser.find_element(By.LINK_TEXT, "Editar").click()
    trade = browser.find_element(By.ID, "tradeName")
    trade.clear()
    trade.send_keys("Peña Hnos.")
    browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "Cambios guardados"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Peña Hnos.")

    browser.find_element(By.LINK_TEXT, "Historial").click()
    assert "Peña Hnos." in browser.page_source and "Cliente modificado" in browser.page_source


def test_bad_input_keeps_what_was_typed(browser, server):
    login(browser, server)
    browser.get(server.url + "/clients/new")
    browser.find_element(By.ID, "tradeName").send_keys("Sin razón social")
    browser.find_element(By.ID, "emails").send_keys("no-es-un-correo")
    browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    errors = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "div.error"))).text
    assert "«Razón social» es obligatorio." in errors
    assert "no es un correo válido" in errors
    assert browser.find_element(By.ID, "tradeName").get_attribute("value") == "Sin razón social"
    assert browser.find_element(By.ID, "emails").get_attribute("value") == "no-es-un-correo"


def test_follow_up_from_the_card_to_the_panel_and_done(browser, server):
    login(browser, server)
    browser.get(server.url + "/clients/3")
    browser.find_element(By.LINK_TEXT, "Nuevo seguimiento").click()
    browser.find_element(By.ID, "title").send_keys("Confirmar visita técnica")
    browser.find_element(By.ID, "description").send_keys("Traer el manual del equipo.")
    # Due today at 23:59 in the demo admin's zone, so "Hoy" holds it whatever the hour of the run.
    today = datetime.datetime.now(zoneinfo.ZoneInfo("America/Argentina/Buenos_Aires")).date().isoformat()
    browser.execute_script("document.getElementById('dueDate').value = arguments[0];"
                           "document.getElementById('dueTime').value = '23:59';", today)
    browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "Seguimiento guardado"))
    assert "Confirmar visita técnica" in browser.find_element(By.ID, "follow-ups").text

    browser.find_element(By.LINK_TEXT, "Seguimientos").click()
    tabs = browser.find_element(By.CSS_SELECTOR, "nav.tabs").text
    assert "Hoy" in tabs and "Vencidos" in tabs and "Esta semana" in tabs and "Próxima semana" in tabs
    item = WebDriverWait(browser, 10).until(EC.presence_of_element_located(
        (By.XPATH, "//li[contains(@class,'followup')][.//strong[text()='Confirmar visita técnica']]")))
    item.find_element(By.CSS_SELECTOR, "button.primary").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "marcado como hecho"))
    assert "Confirmar visita técnica</strong>" not in browser.page_source
