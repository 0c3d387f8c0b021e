"""Maps as a field-service manager uses them: the heat map filtered to one
group shows at once how many clients nobody visited in three months; the
legend opens the printable list of exactly those. A client is placed by a
click on the map (the little JavaScript of app.js)."""
import re
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_browser import browser, login  # noqa: F401  (the fixture and the admin's login)


def test_heat_map_to_printable_list(browser, server):
    login(browser, server)
    browser.get(server.url + "/map?mode=heat")
    Select(browser.find_element(By.ID, "m-group")).select_by_visible_text("Zona Norte")
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.url_contains("group="))
    legend = browser.find_element(By.PARTIAL_LINK_TEXT, "Sin visita hace más de 90 días")
    count = int(re.search(r"(\d+)\s*$", legend.text).group(1))
    assert count > 0
    assert browser.find_elements(By.CSS_SELECTOR, "svg.map circle.marker")
    legend.click()
    WebDriverWait(browser, 10).until(EC.url_contains("/map/list"))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
    assert len(rows) == count
    assert all(int(row.find_elements(By.TAG_NAME, "td")[5].text) >= 90 for row in rows)
    assert browser.find_element(By.CSS_SELECTOR, "button[data-print]")


def test_place_a_client_with_a_click(browser, server):
    login(browser, server)
    # Tall enough that the whole map is in view: WebDriver clicks the middle of the visible part.
    browser.set_window_size(1280, 1600)
    browser.get(server.url + "/clients/12/place?z=15&lat=-12.046&lon=-77.043")
    svg = browser.find_element(By.CSS_SELECTOR, "svg[data-pick]")
    # The middle of the drawing is the view's centre.
    ActionChains(browser).move_to_element(svg).click().perform()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".flash")))
    flash = browser.find_element(By.CSS_SELECTOR, ".flash").text
    latitude, longitude = map(float, re.search(r"(-?\d+\.\d+), (-?\d+\.\d+)", flash).groups())
    assert abs(latitude - -12.046) < 0.0002 and abs(longitude - -77.043) < 0.0002, flash
    browser.set_window_size(1280, 900)
