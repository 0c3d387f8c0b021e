"""Writes an .xlsx of new clients for the import benchmark, with nothing but the
standard library (an .xlsx is a zip of XML parts; inline strings keep it one pass).
Rows look like the demo's: names built from the same words, so the duplicate hints
have work to do; no client numbers or tax ids, so every row creates a client.
    python3 scripts/lib/import_sheet.py OUT.xlsx ROWS"""
import random, sys, zipfile
from xml.sax.saxutils import escape

out, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(2026)
trades = ["Ferretería", "Distribuidora", "Panadería", "Climatización", "Farmacia", "Librería", "Óptica", "Imprenta"]
surnames = ["Peña", "Núñez", "Muñoz", "Gómez", "Pérez", "Ibáñez", "Quispe", "Mamani", "Acuña", "Zúñiga", "Bustos"]
cities = [("Rosario", "Santa Fe", "AR"), ("Arequipa", "Arequipa", "PE"), ("Puebla", "Puebla", "MX"), ("Mendoza", "Mendoza", "AR")]
headers = ["legalName", "tradeName", "clientType", "clientGroup", "street", "number", "city", "state", "country", "phones", "emails"]

def cell(column, row, text):
    return f'<c r="{column}{row}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'

def line(row, values):
    columns = "ABCDEFGHIJK"
    return f'<row r="{row}">' + "".join(cell(columns[i], row, v) for i, v in enumerate(values)) + "</row>"

with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
               '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Clientes" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
        sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        sheet.write(line(1, headers).encode())
        for n in range(count):
            trade, surname = rng.choice(trades), rng.choice(surnames)
            city, state, country = rng.choice(cities)
            values = [f"{trade} {surname} {n} S.R.L.", f"{trade} {surname}", "Comercio", "Zona Norte", "Av. Belgrano",
                      str(100 + n % 4000), city, state, country, f"+54 9 341 {rng.randrange(10**7, 10**8)}",
                      f"ventas{n}@{trade[:4].lower()}{n}.example"]
            sheet.write(line(n + 2, values).encode())
        sheet.write(b"</sheetData></worksheet>")
print(f"{out}: {count} rows")
