/// Speed of the work orders list at a million clients (issue 9). Its default view, the
/// pending orders by appointment (none last), found them off `work_orders_status` but then
/// sorted all 4,845 of them for each page of fifty: 21 ms of PostgreSQL a page. This index
/// holds only the pending orders, in the list's order, so a page reads its fifty and stops.
/// The key's first column is the list's "no appointment last" (the expression the ORDER BY
/// names, since SQLite's `NULLS LAST` cannot use an index); its predicate is the filter's
/// text for those two statuses (`WorkOrderStore.filter`), which is what lets SQLite use it.
enum Migration035 {
    static let migration = Migration(version: 35, name: "work_orders_pending") { _ in
        ["""
         CREATE INDEX work_orders_pending ON work_orders ((appointment_at IS NULL), appointment_at, order_number)
         WHERE status IN ('in_progress', 'open')
         """]
    }
}
