/// The foundation schema: company, organisation, people, sessions, tokens,
/// client catalogues, clients, contacts, idempotency keys, audit log and quick-search indexes.
enum Migration001 {
    static let migration = Migration(version: 1, name: "foundation") { kind in
        shared.map { DDL.expand($0, kind) } + (kind == .sqlite ? sqliteSearch : postgresSearch)
    }

    static let shared: [String] = [
        """
        CREATE TABLE company (
            id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, country TEXT NOT NULL,
            currency TEXT NOT NULL, locale TEXT NOT NULL, time_zone TEXT NOT NULL, version {bigint} NOT NULL DEFAULT 1)
        """,
        "CREATE TABLE counters (kind TEXT PRIMARY KEY, last_value {bigint} NOT NULL)",
        "INSERT INTO counters (kind, last_value) VALUES ('client', 0), ('contact', 0)",
        """
        CREATE TABLE branches (id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
            active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1)
        """,
        """
        CREATE TABLE departments (id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
            active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1)
        """,
        """
        CREATE TABLE roles (id {id}, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
            permissions TEXT NOT NULL, version {bigint} NOT NULL DEFAULT 1)
        """,
        """
        CREATE TABLE users (
            id {id}, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, name_key TEXT NOT NULL,
            password_hash TEXT, access_level INTEGER NOT NULL CHECK (access_level BETWEEN 1 AND 4),
            branch_id {bigint} REFERENCES branches(id), department_id {bigint} REFERENCES departments(id),
            manager_id {bigint} REFERENCES users(id), locale TEXT NOT NULL, time_zone TEXT NOT NULL,
            active {bool} NOT NULL DEFAULT {true}, client_columns TEXT,
            version {bigint} NOT NULL DEFAULT 1, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
        """,
        "CREATE INDEX users_manager ON users (manager_id)",
        """
        CREATE TABLE user_roles (user_id {bigint} NOT NULL REFERENCES users(id),
            role_id {bigint} NOT NULL REFERENCES roles(id), PRIMARY KEY (user_id, role_id))
        """,
        """
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY, user_id {bigint} NOT NULL REFERENCES users(id), csrf_secret TEXT NOT NULL,
            created_at {ts} NOT NULL, last_seen_at {ts} NOT NULL, expires_at {ts} NOT NULL)
        """,
        "CREATE INDEX sessions_user ON sessions (user_id)",
        """
        CREATE TABLE api_tokens (
            id {id}, user_id {bigint} NOT NULL REFERENCES users(id), name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE, created_at {ts} NOT NULL, last_used_at {ts}, revoked_at {ts})
        """,
        "CREATE INDEX api_tokens_user ON api_tokens (user_id)",
        """
        CREATE TABLE login_failures (id {id}, account TEXT NOT NULL, address TEXT NOT NULL, at {ts} NOT NULL)
        """,
        "CREATE INDEX login_failures_account ON login_failures (account, at)",
        "CREATE INDEX login_failures_address ON login_failures (address, at)",
        """
        CREATE TABLE client_types (id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, color TEXT NOT NULL,
            icon TEXT NOT NULL, active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1)
        """,
        """
        CREATE TABLE client_groups (id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
            active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1)
        """,
        """
        CREATE TABLE client_group_users (group_id {bigint} NOT NULL REFERENCES client_groups(id),
            user_id {bigint} NOT NULL REFERENCES users(id), PRIMARY KEY (group_id, user_id))
        """,
        "CREATE INDEX client_group_users_user ON client_group_users (user_id)",
        """
        CREATE TABLE custom_fields (
            id {id}, entity TEXT NOT NULL, key TEXT NOT NULL, label_es TEXT NOT NULL, label_en TEXT NOT NULL,
            type TEXT NOT NULL, required {bool} NOT NULL, show_in_list {bool} NOT NULL, choices TEXT NOT NULL,
            position INTEGER NOT NULL, active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1,
            UNIQUE (entity, key))
        """,
        """
        CREATE TABLE clients (
            id {id}, client_number {bigint} NOT NULL UNIQUE, legal_name TEXT NOT NULL, trade_name TEXT,
            name_key TEXT NOT NULL, tax_id TEXT, tax_id_kind TEXT, tax_id_key TEXT,
            client_type_id {bigint} REFERENCES client_types(id), client_group_id {bigint} REFERENCES client_groups(id),
            branch_id {bigint} REFERENCES branches(id), sales_agent_id {bigint} REFERENCES users(id),
            collector_id {bigint} REFERENCES users(id),
            street TEXT, street_number TEXT, city TEXT, state TEXT, postal_code TEXT, country TEXT,
            latitude {double}, longitude {double}, emails TEXT NOT NULL, phones TEXT NOT NULL, description TEXT,
            custom_fields {json} NOT NULL, search_words TEXT NOT NULL, search_digits TEXT NOT NULL,
            archived {bool} NOT NULL DEFAULT {false}, version {bigint} NOT NULL DEFAULT 1,
            created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
        """,
        "CREATE INDEX clients_name ON clients (name_key, id)",
        "CREATE INDEX clients_group ON clients (client_group_id)",
        "CREATE INDEX clients_agent ON clients (sales_agent_id)",
        "CREATE INDEX clients_collector ON clients (collector_id)",
        "CREATE INDEX clients_type ON clients (client_type_id)",
        "CREATE INDEX clients_branch ON clients (branch_id)",
        // One active client per tax id, also under concurrent writers on PostgreSQL.
        "CREATE UNIQUE INDEX clients_tax_id_active ON clients (tax_id_key) WHERE archived = {false} AND tax_id_key IS NOT NULL",
        """
        CREATE TABLE contacts (
            id {id}, contact_key {bigint} NOT NULL UNIQUE, client_id {bigint} NOT NULL REFERENCES clients(id),
            name TEXT NOT NULL, name_key TEXT NOT NULL, role TEXT, email TEXT, phone TEXT, phone_digits TEXT NOT NULL,
            archived {bool} NOT NULL DEFAULT {false}, version {bigint} NOT NULL DEFAULT 1,
            created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
        """,
        "CREATE INDEX contacts_client ON contacts (client_id, name_key)",
        "CREATE INDEX contacts_name ON contacts (name_key, id)",
        """
        CREATE TABLE idempotency_keys (
            user_id {bigint} NOT NULL REFERENCES users(id), key TEXT NOT NULL, entity TEXT NOT NULL, entity_id {bigint},
            request_hash TEXT NOT NULL, created_at {ts} NOT NULL, PRIMARY KEY (user_id, key))
        """,
        """
        CREATE TABLE audit_events (
            id {id}, at {ts} NOT NULL, user_id {bigint} REFERENCES users(id), entity TEXT NOT NULL,
            entity_id {bigint} NOT NULL, client_id {bigint}, action TEXT NOT NULL, changes TEXT NOT NULL)
        """,
        "CREATE INDEX audit_events_client ON audit_events (client_id, id)",
        "CREATE INDEX audit_events_entity ON audit_events (entity, entity_id, id)",
    ]

    /// FTS5 over the normalised words (prefix queries) and a trigram index over
    /// phone and tax-id digits (substring queries), kept in step by triggers.
    static let sqliteSearch: [String] = [
        """
        CREATE VIRTUAL TABLE client_words USING fts5(search_words, content='clients', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3')
        """,
        "CREATE VIRTUAL TABLE client_digits USING fts5(search_digits, content='clients', content_rowid='id', tokenize='trigram')",
        """
        CREATE TRIGGER clients_search_insert AFTER INSERT ON clients BEGIN
            INSERT INTO client_words (rowid, search_words) VALUES (new.id, new.search_words);
            INSERT INTO client_digits (rowid, search_digits) VALUES (new.id, new.search_digits);
        END
        """,
        """
        CREATE TRIGGER clients_search_update AFTER UPDATE OF search_words, search_digits ON clients BEGIN
            INSERT INTO client_words (client_words, rowid, search_words) VALUES ('delete', old.id, old.search_words);
            INSERT INTO client_digits (client_digits, rowid, search_digits) VALUES ('delete', old.id, old.search_digits);
            INSERT INTO client_words (rowid, search_words) VALUES (new.id, new.search_words);
            INSERT INTO client_digits (rowid, search_digits) VALUES (new.id, new.search_digits);
        END
        """,
    ]

    /// A `simple` tsvector over the same normalised words, and pg_trgm for digits.
    static let postgresSearch: [String] = [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX clients_words ON clients USING GIN (to_tsvector('simple', search_words))",
        "CREATE INDEX clients_digits ON clients USING GIN (search_digits gin_trgm_ops)",
        "CREATE INDEX contacts_name_trgm ON contacts USING GIN (name_key gin_trgm_ops)",
    ]
}
