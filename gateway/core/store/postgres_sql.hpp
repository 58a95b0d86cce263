// SQL text rewriting for the PostgreSQL backend, exposed for its tests.
#pragma once

#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"

namespace lienthong::store::pg_sql {

// `?` placeholders to `$1..$n`, not inside '...' literals, "..." identifiers or comments.
// Fails (kInternal, like a wrong count on SQLite) when the count is not `params`.
Result<std::string> translate_placeholders(std::string_view sql, size_t params);

// A module's migration, written for SQLite, as PostgreSQL needs it: INTEGER (64-bit on
// SQLite) as BIGINT, and the rowid alias `INTEGER PRIMARY KEY [AUTOINCREMENT]` as a
// BIGINT identity column. Text inside '...' literals is left alone.
std::string translate_migration(std::string_view sql);

}  // namespace lienthong::store::pg_sql
