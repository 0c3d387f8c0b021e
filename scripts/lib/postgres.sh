# Starts a throwaway PostgreSQL cluster on a free loopback port.
# Sets PG_URL (a superuser URL to the `postgres` database) and PG_DIR.
# Stop it with pg_stop.

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$dir" ] && echo "$dir"
}

pg_install() {
    if [ -z "$(pg_bin)" ] || [ -z "$(ls /usr/share/postgresql/*/extension/pg_trgm.control 2>/dev/null)" ]; then
        echo "== installing PostgreSQL from Debian"
        apt_install postgresql postgresql-contrib
    fi
}

pg_start() {
    local bin port
    bin=$(pg_bin)
    PG_DIR=$(mktemp -d /tmp/cartera-pg.XXXXXX)
    chown postgres "$PG_DIR" 2>/dev/null || true
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    run_as_postgres "$bin/initdb -D $PG_DIR/data -U cartera --auth=trust -E UTF8 --locale=C.UTF-8" > "$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log"; return 1; }
    run_as_postgres "$bin/pg_ctl -D $PG_DIR/data -l $PG_DIR/server.log -w -o '-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR -c fsync=off -c max_connections=400' start" > /dev/null \
        || { cat "$PG_DIR/server.log"; return 1; }
    PG_URL="postgres://cartera@127.0.0.1:$port/postgres"
    export PG_URL PG_DIR
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    run_as_postgres "$(pg_bin)/pg_ctl -D $PG_DIR/data -m fast stop" > /dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=""
}

# PostgreSQL refuses to run as root.
run_as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        su postgres -s /bin/sh -c "$1"
    else
        sh -c "$1"
    fi
}
