#include "gateway/flows/webhooks/answer_shape.hpp"

#include "gateway/core/common/json.hpp"

namespace lienthong::webhooks {

namespace {

std::string standard_body(std::string_view status, std::string_view source, std::string_view webhook_id,
                          const model::DossierStatusEvent* e, std::string_view reason) {
  // Written directly (every accepted delivery is answered with one): the same compact JSON
  // a rapidjson document gave, without building the document first.
  std::string out;
  out.reserve(128 + source.size() + webhook_id.size() + reason.size() +
              (e ? e->dossier_code.size() + e->procedure_code.size() : 0));
  json::ObjectWriter w(out);
  w.str("status", status).str("source", source).str("webhook_id", webhook_id);
  if (e) {
    // Codes and sequence only: no personal data in answers. A sequence the sender did
    // not give is assigned when the event is applied to the store, after the answer.
    w.key("event");
    json::ObjectWriter ev(out);
    ev.str("dossier_code", e->dossier_code);
    if (e->sequence > 0) ev.num("sequence", e->sequence);
    ev.str("procedure_code", e->procedure_code).num("status", e->status).close();
  }
  if (!reason.empty()) w.str("reason", reason);
  w.close();
  return out;
}

std::string kept_message(const model::DossierStatusEvent* e, std::string_view quarantine_reason) {
  if (e) return "Đã tiếp nhận hồ sơ " + e->dossier_code;
  return "Đã tiếp nhận, chờ cán bộ xử lý: " + std::string(quarantine_reason);
}

// 429 and 503 mean "nothing kept, send again": their HTTP status stays.
bool keeps_status(int status) {
  return status == 429 || status == 503;
}

}  // namespace

ShapedAnswer kept_answer(AnswerShape shape, std::string_view source, std::string_view webhook_id,
                         const model::DossierStatusEvent* e, std::string_view quarantine_reason) {
  ShapedAnswer a;
  if (shape == AnswerShape::kStandard) {
    a.body = standard_body(e ? "accepted" : "quarantined", source, webhook_id, e, quarantine_reason);
    return a;
  }
  json::ObjectWriter w(a.body);
  switch (shape) {
    case AnswerShape::kStandard:
      break;
    case AnswerShape::kDvcqg:
      a.status = 200;
      w.num("error_code", 0).str("message", kept_message(e, quarantine_reason));
      break;
    case AnswerShape::kLltp:
      a.status = 200;
      w.str("statusCode", "00").str("errorDetail", e ? std::string() : kept_message(e, quarantine_reason));
      break;
  }
  w.close();
  return a;
}

ShapedAnswer kept_record_answer(AnswerShape shape, std::string_view source, std::string_view webhook_id,
                                std::string_view kind, std::string_view summary) {
  ShapedAnswer a;
  json::ObjectWriter w(a.body);
  switch (shape) {
    case AnswerShape::kStandard:
      w.str("status", "accepted").str("source", source).str("webhook_id", webhook_id).str("kind", kind);
      w.str("summary", summary);
      break;
    case AnswerShape::kDvcqg:
      a.status = 200;
      w.num("error_code", 0).str("message", "Đã tiếp nhận " + std::string(summary));
      break;
    case AnswerShape::kLltp:
      a.status = 200;
      w.str("statusCode", "00").str("errorDetail", "");
      break;
  }
  w.close();
  return a;
}

ShapedAnswer refusal_answer(AnswerShape shape, const Outcome& o) {
  ShapedAnswer a;
  a.status = keeps_status(o.status) ? o.status : 200;
  json::ObjectWriter w(a.body);
  switch (shape) {
    case AnswerShape::kStandard:
      a.status = o.status;
      w.str("status", "refused").str("reason", o.reason).str("detail", o.detail);
      break;
    case AnswerShape::kDvcqg:
      w.num("error_code", -1).str("message", o.title + ": " + o.detail).str("reason", o.reason);
      break;
    case AnswerShape::kLltp:
      w.str("statusCode", "01").str("errorDetail", o.title + ": " + o.detail).str("reason", o.reason);
      break;
  }
  w.close();
  return a;
}

}  // namespace lienthong::webhooks
