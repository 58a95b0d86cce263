// What a webhook sender gets back, before the HTTP server turns it into a response
// (webhook_routes.cpp). Problems carry a stable `reason`, the suffix of their problem type.
#pragma once

#include <cstdint>
#include <string>

#include "gateway/flows/webhooks/intake_record.hpp"

namespace lienthong::webhooks {

struct Outcome {
  int status = 0;
  bool problem = false;
  std::string reason;         // problem: e.g. "stale-timestamp"; success: accepted | duplicate | quarantined
  std::string title, detail;  // problem only
  int64_t retry_after_s = 0;  // 429 / 503
  std::string body;           // success: the JSON answer (stored in the receipt)
  bool replayed = false;      // answered from the receipt of an earlier delivery
};

Outcome problem(int status, std::string reason, std::string title, std::string detail,
                int64_t retry_after = 0);
// The answer an accepted delivery was given (or, `replayed`, is given again).
Outcome answered(const IntakeAnswer& answer, bool replayed = false);
// 503 "store-unavailable" with `detail` and Retry-After.
Outcome store_unavailable(std::string detail, int64_t retry_after);

}  // namespace lienthong::webhooks
