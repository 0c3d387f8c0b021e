import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/map`: the map's grid over a box, with the client list's filters and
/// scope and the heat map's recency per cell, for integrations drawing their own map.
extension APIController {
    func registerMaps(_ api: RouterGroup<SignedInContext>) {
        api.get("map") { request, context in try await self.mapCells(request, context) }
    }

    func mapCells(_ request: Request, _ context: SignedInContext) async throws -> Response {
        struct Pin: Encodable { let id: Int64, clientNumber: Int64, name: String, clientTypeId: Int64?, lastVisitAt: Date? }
        struct Cell: Encodable { let count: Int, latitude: Double, longitude: Double, recency: [String: Int], client: Pin? }
        struct Box: Encodable { let south: Double, west: Double, north: Double, east: Double }
        struct Map: Encodable { let box: Box?, cells: [Cell], recency: [String: Int], withoutCoordinates: Int }
        let query = QueryParameters(FormData.query(request))
        var errors: [FieldError] = []
        func number(_ name: String, _ range: ClosedRange<Double>) -> Double? {
            guard let raw = query.form.text(name) else { return nil }
            guard let value = Double(raw), range.contains(value) else { errors.append(FieldError(name, "invalid_decimal")); return nil }
            return value
        }
        let given = (number("south", -90...90), number("west", -180...180), number("north", -90...90), number("east", -180...180))
        let grid = (Int(query.form["columns"] ?? "20"), Int(query.form["rows"] ?? "12"))
        if grid.0 == nil || !(1...100).contains(grid.0!) { errors.append(FieldError("columns", "out_of_range", ["1", "100"])) }
        if grid.1 == nil || !(1...100).contains(grid.1!) { errors.append(FieldError("rows", "out_of_range", ["1", "100"])) }
        var visitsFrom: Date?
        if let raw = query.form.text("visitsFrom") {
            visitsFrom = CalendarDate(raw).flatMap { LocalDateTime.dayRange(from: $0.description, to: nil, timeZone: context.timeZone).from }
            if visitsFrom == nil { errors.append(FieldError("visitsFrom", "invalid_date")) }
        }
        let clientQuery = ClientQuery(search: query.form.text("q"), filters: try clientFilters(query))
        if !errors.isEmpty { throw ValidationFailure(errors) }
        let maps = env.stores.maps, scope = context.clientScope
        let rule = RecencyRule(settings: try await maps.settings(), now: env.clock.now(), visitsFrom: visitsFrom)
        var box: GeoBox?
        if let s = given.0, let w = given.1, let n = given.2, let e = given.3 {
            guard s < n, w < e else { throw ValidationFailure([FieldError("north", "before_start")]) }
            box = GeoBox(south: s, west: w, north: n, east: e)
        } else if given.0 != nil || given.1 != nil || given.2 != nil || given.3 != nil {
            throw ValidationFailure([FieldError("south", "required"), FieldError("west", "required"), FieldError("north", "required"),
                                     FieldError("east", "required")])
        } else {
            box = try await maps.bounds(clientQuery, scope: scope)
        }
        let cells = try await box.asyncMap { try await maps.cells(clientQuery, scope: scope, box: $0, columns: grid.0!, rows: grid.1!, rule: rule) } ?? []
        let (recency, without) = try await maps.summary(clientQuery, scope: scope, rule: rule)
        let keyed = { (r: [VisitRecency: Int]) in Dictionary(uniqueKeysWithValues: VisitRecency.allCases.map { ($0.rawValue, r[$0] ?? 0) }) }
        return try json(Map(
            box: box.map { Box(south: $0.south, west: $0.west, north: $0.north, east: $0.east) },
            cells: cells.map { c in
                Cell(count: c.count, latitude: c.latitude, longitude: c.longitude, recency: keyed(c.recency),
                     client: c.pin.map { Pin(id: $0.id.rawValue, clientNumber: $0.number, name: $0.name, clientTypeId: $0.typeID?.rawValue,
                                             lastVisitAt: $0.lastVisitAt) })
            },
            recency: keyed(recency), withoutCoordinates: without))
    }
}
