import CarteraCore

/// Word lists and places for the demo company: Spanish names with accents,
/// cities with coordinates in Argentina, Mexico and Peru.
enum DemoData {
    struct City { let name: String; let state: String; let country: String; let lat: Double; let lon: Double }

    static let cities: [City] = [
        City(name: "Buenos Aires", state: "CABA", country: "AR", lat: -34.6037, lon: -58.3816),
        City(name: "Córdoba", state: "Córdoba", country: "AR", lat: -31.4201, lon: -64.1888),
        City(name: "Rosario", state: "Santa Fe", country: "AR", lat: -32.9442, lon: -60.6505),
        City(name: "Mendoza", state: "Mendoza", country: "AR", lat: -32.8895, lon: -68.8458),
        City(name: "San Miguel de Tucumán", state: "Tucumán", country: "AR", lat: -26.8083, lon: -65.2176),
        City(name: "Ciudad de México", state: "CDMX", country: "MX", lat: 19.4326, lon: -99.1332),
        City(name: "Guadalajara", state: "Jalisco", country: "MX", lat: 20.6597, lon: -103.3496),
        City(name: "Monterrey", state: "Nuevo León", country: "MX", lat: 25.6866, lon: -100.3161),
        City(name: "Puebla", state: "Puebla", country: "MX", lat: 19.0414, lon: -98.2063),
        City(name: "Lima", state: "Lima", country: "PE", lat: -12.0464, lon: -77.0428),
        City(name: "Arequipa", state: "Arequipa", country: "PE", lat: -16.4090, lon: -71.5375),
        City(name: "Trujillo", state: "La Libertad", country: "PE", lat: -8.1091, lon: -79.0215),
    ]

    static let surnames = ["Peña", "Núñez", "Muñoz", "Gómez", "Pérez", "Ibáñez", "Fernández", "Rodríguez", "Martínez",
                           "Sánchez", "Díaz", "Álvarez", "Romero", "Suárez", "Domínguez", "Ramírez", "Gutiérrez", "Castañeda",
                           "Ordóñez", "Benítez", "Villalobos", "Quispe", "Mamani", "Huamán", "Chávez", "Hernández", "López",
                           "González", "Acuña", "Saldaña", "Echeverría", "Muñiz", "Zúñiga", "Cáceres", "Montaño", "Bustos"]
    static let givenNames = ["José", "María", "Lucía", "Martín", "Sofía", "Andrés", "Camila", "Julián", "Valentina",
                             "Tomás", "Inés", "Ramón", "Florencia", "Agustín", "Renata", "Nicolás", "Ximena", "Raúl"]
    static let trades = ["Ferretería", "Distribuidora", "Panadería", "Climatización", "Constructora", "Farmacia",
                         "Transportes", "Librería", "Metalúrgica", "Óptica", "Lácteos", "Imprenta", "Agroinsumos",
                         "Refrigeración", "Electricidad", "Textil", "Carpintería", "Veterinaria"]
    static let suffixes = ["S.A.", "S.R.L.", "e Hijos S.A.", "Hnos.", "S.A.C.", "S.A. de C.V.", "y Asociados", "EIRL"]
    static let streets = ["Av. Corrientes", "San Martín", "Belgrano", "Av. Insurgentes", "Reforma", "Av. Arequipa",
                          "Jr. de la Unión", "Rivadavia", "Hidalgo", "Morelos", "Av. Larco", "Mitre", "Sarmiento"]
    static let industries = ["Comercio minorista", "Industria alimentaria", "Construcción", "Salud", "Logística",
                             "Agro", "Educación", "Hotelería", "Servicios"]
}
