#include "gateway/flows/webhooks/outcome.hpp"

namespace lienthong::webhooks {

Outcome problem(int status, std::string reason, std::string title, std::string detail, int64_t retry_after) {
  Outcome o;
  o.status = status;
  o.problem = true;
  o.reason = std::move(reason);
  o.title = std::move(title);
  o.detail = std::move(detail);
  o.retry_after_s = retry_after;
  return o;
}

Outcome answered(const IntakeAnswer& answer, bool replayed) {
  Outcome out;
  out.status = answer.status;
  out.reason = answer.outcome;
  out.body = answer.body;
  out.replayed = replayed;
  return out;
}

Outcome store_unavailable(std::string detail, int64_t retry_after) {
  return problem(503, "store-unavailable", "Store unavailable", std::move(detail), retry_after);
}

}  // namespace lienthong::webhooks
