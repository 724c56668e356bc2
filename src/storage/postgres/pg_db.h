#pragma once
// PostgreSQL engine (libpqxx). Addresses, as accepted by OpenDatabase:
//   postgresql://user@host:port/dbname?…   a libpq URI, passed on as is
//   postgres://…                           the same
//   postgres:KEY=VALUE …                   a libpq key-value string after the prefix, e.g.
//                                          "postgres:host=/run/pg port=5433 dbname=voronka"
//                                          (a directory as host means a Unix socket)
//
// The SQL above the interface is written for both engines: `?` placeholders become $1, $2, …
// (a `?` inside a quoted string, quoted identifier or comment is left alone); every statement
// run with Query/Exec is prepared once per connection and kept (a connection that has
// collected too many distinct statements is closed and replaced).
//
// Transactions: kRead is REPEATABLE READ READ ONLY (one snapshot for all its statements; a
// write in it fails); kWrite is READ COMMITTED. Writers are not serialised: concurrent
// writers of the same row wait for each other, and guarded statements ("UPDATE … WHERE
// version = ?", "DELETE … WHERE <the row read>") decide who wins, also between processes.
// Write(fn) runs fn in its own transaction and runs it again (up to a few times) when
// PostgreSQL reports a unique violation, a deadlock or a serialisation failure, so that a
// concurrent request that inserted the same key first is seen on the next attempt.
//
// Results: int2/int4/int8/oid → int64; bool → 0/1; float4/float8 → double; numeric → int64
// when integral, else double; json/jsonb → compact JSON text; everything else → text;
// NULL → monostate.
//
// Errors: SQLSTATE 23505 → DbError kUnique. A connection that cannot be made or is lost,
// class 08 / 57P0x / 53xxx, deadlocks and serialisation failures → kUnavailable; a lost
// connection is closed and never returned to the pool, so the next Begin connects again
// (an idle pooled connection found dead on Begin is replaced at once). Everything else →
// kOther.
//
// Pool: at most DatabaseOptions::pool_size connections, opened on demand; Begin waits up to
// 30 s for one to come free, then throws kUnavailable. Thread-safety as in db.h.

#include <memory>
#include <string>
#include <string_view>

#include "storage/db.h"

namespace voronka::storage {

// True for the addresses above.
bool IsPostgresUrl(std::string_view url);

// Connects once (so that a bad address fails at start) and returns the engine.
// Throws DbError(kUnavailable) when PostgreSQL cannot be reached.
std::unique_ptr<Database> OpenPostgres(const std::string& url, const DatabaseOptions& options);

// The libpq connection string for an address above ("postgres:" prefix removed).
std::string PgConnInfo(std::string_view url);

// Rewrites `?` placeholders to $1, $2, … (exposed for tests).
std::string PgPlaceholders(std::string_view sql);

// Runs one statement outside any transaction (CREATE / DROP DATABASE) on a short-lived
// connection. Throws DbError like the engine.
void PgExecOutsideTransaction(const std::string& url, const std::string& sql);

}  // namespace voronka::storage
