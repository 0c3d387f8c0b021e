/// Speed (issue 9): the client card read the master tables, the price-list items
/// of the delivery form's suggestions and the form templates on every request
/// (three of its 23 statements). They join the catalogues `CatalogueCache` keeps,
/// so their writes bump the counter as those of migration 023's tables do.
enum Migration029 {
    static let tables = ["master_tables", "master_items", "price_lists", "item_prices",
                         "form_templates", "form_template_versions"]

    static let migration = Migration(version: 29, name: "more_catalogues") { kind in
        Migration023.triggers(on: tables, kind)
    }
}
