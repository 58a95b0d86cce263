// The answers in the shape each sender reads (SourceConfig::answer):
//   standard  202 {"status":"accepted"|"quarantined", "source", "webhook_id", "event"|"reason"};
//             refusals RFC 9457 problems with their own status (docs/webhooks.md);
//   dvcqg     DVCQG's pushes: HTTP 200 {"error_code":0,"message":…} when kept (accepted
//             or quarantined); a refusal {"error_code":-1,"message":…,"reason":…}, HTTP 200
//             too, except 429/503 (nothing kept, send again later), which keep their status
//             and Retry-After so that a sender retrying on HTTP errors does;
//   lltp      the criminal-record service: HTTP 200 {"statusCode":"00","errorDetail":""} when
//             kept, {"statusCode":"01","errorDetail":…,"reason":…} refused (429/503 as above).
// docs/contracts/dvcqg_push.md gives the sources. Never personal data: codes and reasons only.
#pragma once

#include <string>
#include <string_view>

#include "gateway/core/model/dossier_event.hpp"
#include "gateway/flows/webhooks/outcome.hpp"
#include "gateway/flows/webhooks/webhook_config.hpp"

namespace lienthong::webhooks {

struct ShapedAnswer {
  int status = 202;
  std::string body;
};

// The answer to a delivery that is kept: `e` when translated, else `quarantine_reason`.
ShapedAnswer kept_answer(AnswerShape shape, std::string_view source, std::string_view webhook_id,
                         const model::DossierStatusEvent* e, std::string_view quarantine_reason);

// The answer to a record of another kind (record_kind.hpp), kept: `summary` says what.
ShapedAnswer kept_record_answer(AnswerShape shape, std::string_view source, std::string_view webhook_id,
                                std::string_view kind, std::string_view summary);

// A refusal (`o.problem`) in the source's shape: status and JSON body. For kStandard the
// caller writes the RFC 9457 problem itself (webhook_routes.cpp).
ShapedAnswer refusal_answer(AnswerShape shape, const Outcome& o);

}  // namespace lienthong::webhooks
