/// PostgreSQL's b-tree of active clients' legal-name words (migration 032): a subset of a
/// quick search's matches, read in order to count a broad search up to its cap. This is
/// the one place that reads it or fills it outside its triggers.
enum ClientNameWords {
    static let table = "client_name_words"

    /// How many active clients have a word of their legal name starting with `prefix`,
    /// read off the table in order and stopped once `atLeast` are surely found; `nil` on
    /// SQLite. Every client counted is a match of the search, not every match is counted:
    /// only a count above the caller's cap is an answer. A client with two such words
    /// comes twice off the index, so `atLeast` rows may hold fewer clients: the first read
    /// takes `atLeast` rows and answers when they are as many clients or the range ended
    /// there; otherwise a second read takes twice as many rows. Most prefixes are one word
    /// or a few, whose clients do not repeat in the first rows, and the sort behind
    /// `count(DISTINCT)` over 1,001 ids took 0.33 ms where 2,002 took 0.61. The prefix is a
    /// range, not `LIKE`: a kept statement's generic plan cannot turn a bound pattern into
    /// one. In the column's byte order, the words from `prefix` up to `prefix` followed by
    /// the last code point are those that start with it.
    static func matches(_ session: Session, prefix: String, atLeast: Int) async throws -> Int? {
        guard session.kind == .postgres else { return nil }
        func read(_ rows: Int) async throws -> (rows: Int, clients: Int) {
            let row = try await session.first("""
                SELECT count(*) AS n_rows, count(DISTINCT client_id) AS n FROM (
                    SELECT client_id FROM client_name_words WHERE word >= \(bind: prefix) AND word < \(bind: prefix + "\u{10FFFF}")
                    LIMIT \(literal: rows)
                ) found
                """)!
            return (Int(try row.int("n_rows")), Int(try row.int("n")))
        }
        let first = try await read(atLeast)
        guard first.rows == atLeast, first.clients < atLeast else { return first.clients }
        return try await read(2 * atLeast).clients
    }

    /// What fills the table again after a bulk load of clients, which drops its triggers:
    /// one `INSERT … SELECT` over a million clients takes seconds, where the trigger over
    /// each block of the demo's `COPY` added about twenty seconds.
    static let refill = [
        "DELETE FROM client_name_words",
        "INSERT INTO client_name_words (word, client_id) SELECT w, c.id FROM clients c, client_name_words(c.name_key) w WHERE NOT c.archived",
    ]
}
