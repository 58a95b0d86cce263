#include "gateway/flows/webhooks/intake_record.hpp"

#include "gateway/core/common/json.hpp"

namespace lienthong::webhooks {

namespace {

ErrorKind error_kind_from(std::string_view name) {
  for (int k = 0; k <= static_cast<int>(ErrorKind::kInternal); ++k) {
    if (to_string(static_cast<ErrorKind>(k)) == name) return static_cast<ErrorKind>(k);
  }
  return ErrorKind::kInternal;
}

}  // namespace

std::string encode_record(const IntakeRecord& j) {
  // Written straight into one string sized up front (every accepted delivery passes here
  // on the server thread): a rapidjson Writer grew its buffer by doubling and the result
  // was copied out again. The same JSON object as before, member for member.
  size_t size = 192 + j.source.size() + j.webhook_id.size() + j.answer.body_hash.size() +
                j.answer.outcome.size() + j.answer.body.size() + j.answer.body.size() / 4;
  if (j.quarantine) size += j.quarantine->message.size() + j.body.size() + j.body.size() / 4;
  size += j.kind.size() + j.record.size() + j.record.size() / 4;
  if (j.event) size += 2048;
  std::string out;
  out.reserve(size);
  json::ObjectWriter w(out);
  w.num("v", 1)
      .str("source", j.source)
      .str("webhook_id", j.webhook_id)
      .str("body_sha256", j.answer.body_hash)
      .num("received_at_ms", j.received_at_ms)
      .num("status", j.answer.status)
      .str("outcome", j.answer.outcome)
      .str("answer", j.answer.body);
  if (!j.kind.empty()) w.str("kind", j.kind).str("record", j.record);
  if (j.event) {
    w.key("event");
    model::append_json(out, *j.event);
  }
  if (j.quarantine) {
    w.str("quarantine_kind", to_string(j.quarantine->kind))
        .str("quarantine_reason", j.quarantine->message)
        .str("body", j.body);
  }
  w.close();
  return out;
}

Result<IntakeRecord> decode_record(std::string_view payload) {
  LT_ASSIGN_OR_RETURN(rapidjson::Document d, json::parse(payload, "journal record"));
  if (!d.IsObject() || json::get_int(d, "v").value_or(0) != 1) {
    return make_error(ErrorKind::kParse, "journal record: not a version 1 intake record");
  }
  IntakeRecord j;
  auto need = [&](const char* key) -> Result<std::string> {
    auto v = json::get_string(d, key);
    if (!v) return make_error(ErrorKind::kParse, std::string("journal record: no '") + key + "'");
    return *v;
  };
  LT_ASSIGN_OR_RETURN(j.source, need("source"));
  LT_ASSIGN_OR_RETURN(j.webhook_id, need("webhook_id"));
  LT_ASSIGN_OR_RETURN(j.answer.body_hash, need("body_sha256"));
  LT_ASSIGN_OR_RETURN(j.answer.outcome, need("outcome"));
  LT_ASSIGN_OR_RETURN(j.answer.body, need("answer"));
  if (j.source.empty() || j.webhook_id.empty() || j.answer.body_hash.size() != 64) {
    return make_error(ErrorKind::kParse,
                      "journal record: empty source or webhook id, or not a SHA-256 body hash");
  }
  j.received_at_ms = json::get_int(d, "received_at_ms").value_or(0);
  j.answer.status = static_cast<int>(json::get_int(d, "status").value_or(0));
  if (auto kind = json::get_string(d, "kind")) {
    j.kind = *kind;
    LT_ASSIGN_OR_RETURN(j.record, need("record"));
    if (j.kind.empty()) return make_error(ErrorKind::kParse, "journal record: empty record kind");
  } else if (const rapidjson::Value* ev = json::member(d, "event")) {
    LT_ASSIGN_OR_RETURN(auto e, model::from_json(*ev));
    j.event = std::move(e);
  } else {
    LT_ASSIGN_OR_RETURN(std::string kind, need("quarantine_kind"));
    LT_ASSIGN_OR_RETURN(std::string reason, need("quarantine_reason"));
    LT_ASSIGN_OR_RETURN(j.body, need("body"));
    j.quarantine = Error(error_kind_from(kind), reason);
  }
  if (j.answer.status < 200 || j.answer.status > 299) {
    return make_error(ErrorKind::kParse, "journal record: status " + std::to_string(j.answer.status));
  }
  return j;
}

}  // namespace lienthong::webhooks
