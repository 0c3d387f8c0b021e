/// Speed of the work orders list at a million clients (issue 9). Its default view, the
/// pending orders (open and in progress) by appointment, read every order of the company
/// to find them: 44 ms of PostgreSQL and 90 ms of SQLite's CPU a page with 754,853 orders,
/// of which 4,845 pending. Most orders of a company that has run for years are done, so
/// the pending ones are a short range of this index.
enum Migration034 {
    static let migration = Migration(version: 34, name: "work_order_status") { _ in
        ["CREATE INDEX work_orders_status ON work_orders (status)"]
    }
}
