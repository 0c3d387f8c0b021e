#ifndef CARTERA_SQLITE_PLANS_H
#define CARTERA_SQLITE_PLANS_H

/// Turns on SQLite's query planner stability guarantee for one connection (`db` is the
/// `sqlite3 *` of sqlite-nio's vendored SQLite). Returns SQLite's result code.
int cartera_sqlite_stable_plans(void *db);

#endif
