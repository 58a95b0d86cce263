// Mã hồ sơ cấp trước (dossier codes handed out before the dossier): the criminal-record
// service of the national citizen app first asks the province for a new dossier code
// (`GET …/LayMaHoSo`), then pushes the request under that code (`POST …/TaoHoSo`,
// docs/contracts/national_push.md). A code is written to the store before it is answered,
// and the table's primary key makes it unique: a code handed out is never handed out
// again, across restarts and across instances sharing a store (two instances that pick
// the same next number: one insert wins, the other takes the next). A push may then use
// a code only when it was handed out to its source and not yet used by another push.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::webhooks {

// What claim() found.
enum class CodeClaim {
  kClaimed,       // handed out to this source, now (or already) used by this delivery
  kUnknown,       // never handed out to this source
  kUsedByAnother  // used by another delivery (another content under the same code)
};

class IssuedCodes {
 public:
  explicit IssuedCodes(store::Database& db) : db_(db) {}
  static std::vector<store::Migration> migrations();

  // A new code "<unit>-<yyMMdd>-<NNNN>" (the day in Vietnam's time, UTC+7, at `now_ms`;
  // the number from 1 each day, at least four digits), stored before it is returned.
  Result<std::string> issue(const std::string& source, const std::string& unit, int64_t now_ms);
  // Marks `code` as used by the delivery `delivery_id`; the same delivery may claim it again
  // (a push re-sent after its first copy could not be recorded).
  Result<CodeClaim> claim(const std::string& source, const std::string& code, const std::string& delivery_id,
                          int64_t now_ms);

 private:
  store::Database& db_;
};

}  // namespace lienthong::webhooks
