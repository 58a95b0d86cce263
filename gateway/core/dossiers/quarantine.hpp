// Quarantine: records that could not be translated or validated, kept with their reason
// so that an operator can see, fix and release them; they never block other records.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::dossiers {

struct QuarantinedRecord {
  int64_t id = 0;
  std::string source;       // "one_stop_shop", "webhook:bo-tu-phap", ...
  std::string record_key;   // e.g. dossier code + sequence; no personal data
  std::string reason_kind;  // to_string(ErrorKind): mapping, validation, ...
  std::string reason;       // operator-facing message (names fields, never values of personal fields)
  std::string payload;      // the record as received (may hold personal data: shown only on request)
  int64_t quarantined_at_ms = 0;
  int64_t released_at_ms = 0;  // 0 while in quarantine
};

class Quarantine {
 public:
  explicit Quarantine(store::Database& db) : db_(db) {}
  static std::vector<store::Migration> migrations();

  // Idempotent on (source, record_key): a record quarantined again keeps one row, with
  // the latest reason. Joins the caller's transaction.
  Result<int64_t> put(const std::string& source, const std::string& record_key, const Error& reason,
                      const std::string& payload, int64_t now_ms);
  Result<std::vector<QuarantinedRecord>> list(const std::string& source = "", bool include_released = false,
                                              int64_t limit = 1000);
  Result<std::optional<QuarantinedRecord>> get(int64_t id);
  Result<bool> contains(const std::string& source, const std::string& record_key);
  // Marks released (after an operator fixed the source record); kept for the record.
  Status release(int64_t id, int64_t now_ms);
  Result<int64_t> count(const std::string& source = "");

 private:
  store::Database& db_;
};

}  // namespace lienthong::dossiers
