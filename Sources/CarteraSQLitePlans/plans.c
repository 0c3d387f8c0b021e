#include "CarteraSQLitePlans.h"

// sqlite-nio's vendored SQLite, linked into every Cartera binary through SQLiteNIO. Its
// header is not reachable from this package, and Swift cannot call a C variadic
// function, hence this one declaration and call.
extern int sqlite_nio_sqlite3_db_config(void *db, int op, ...);

// SQLITE_DBCONFIG_ENABLE_QPSG in sqlite3.h.
#define CARTERA_DBCONFIG_ENABLE_QPSG 1007

int cartera_sqlite_stable_plans(void *db) {
    return sqlite_nio_sqlite3_db_config(db, CARTERA_DBCONFIG_ENABLE_QPSG, 1, (int *)0);
}
