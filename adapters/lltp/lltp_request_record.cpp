#include "adapters/lltp/lltp_request_record.hpp"

#include <algorithm>
#include <string_view>

#include "gateway/core/common/json.hpp"

namespace lienthong::adapters::lltp {

namespace {

constexpr size_t kMaxCodeBytes = 64;
constexpr size_t kMaxShortText = 200;
// The members of LLTP_VNEIDParams.Request the province keeps; others are listed by name.
constexpr std::string_view kKnown[] = {"maTinh",      "tenTinh",        "maHoSoMCDT", "ngayTiepNhan",
                                       "nguonDangKy", "tenNguonDangKy", "toKhai",     "thongTinBienLai"};

Error invalid(std::string what) {
  return Error(ErrorKind::kParse, "criminal-record request: " + std::move(what));
}

bool printable_code(std::string_view s) {
  return !s.empty() && s.size() <= kMaxCodeBytes &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

// A short text member: absent/null → "", a string, or (nguonDangKy is an int? in the
// public model) a number written as text.
Result<std::string> short_text(const rapidjson::Value& d, const char* name, bool number_ok) {
  const auto* v = json::member(d, name);
  if (!v || v->IsNull()) return std::string();
  if (v->IsString()) {
    if (v->GetStringLength() > kMaxShortText) return invalid(std::string(name) + " is longer than 200 bytes");
    return std::string(v->GetString(), v->GetStringLength());
  }
  if (number_ok && v->IsInt64()) return std::to_string(v->GetInt64());
  return invalid(std::string(name) + (number_ok ? " is not a number or a string" : " is not a string"));
}

class LltpRequestKind final : public webhooks::RecordKind {
 public:
  // The record: {"c":maHoSoMCDT,"t":maTinh,"n":ngayTiepNhan,"g":nguonDangKy,"k":toKhai,
  // "b":thongTinBienLai|null,"x":[unread member names]}.
  Result<Read> read(const std::string& body) const override {
    LT_ASSIGN_OR_RETURN(auto d, json::parse(body, "criminal-record request"));
    if (!d.IsObject()) return invalid("the body is not a JSON object");
    LT_ASSIGN_OR_RETURN(std::string code, short_text(d, "maHoSoMCDT", false));
    if (!printable_code(code)) return invalid("maHoSoMCDT missing, or not 1-64 printable ASCII characters");
    LT_ASSIGN_OR_RETURN(std::string province, short_text(d, "maTinh", false));
    if (province.empty()) return invalid("maTinh missing");
    LT_ASSIGN_OR_RETURN(std::string received_on, short_text(d, "ngayTiepNhan", false));
    LT_ASSIGN_OR_RETURN(std::string channel, short_text(d, "nguonDangKy", true));
    LT_TRY(short_text(d, "tenTinh", false));
    LT_TRY(short_text(d, "tenNguonDangKy", false));
    const auto* form = json::member(d, "toKhai");
    if (!form || !form->IsObject()) return invalid("toKhai missing or not an object");
    const auto* receipt = json::member(d, "thongTinBienLai");
    if (receipt && !receipt->IsNull() && !receipt->IsObject())
      return invalid("thongTinBienLai is not an object");
    Read r;
    json::ObjectWriter w(r.record);
    w.str("c", code).str("t", province).str("n", received_on).str("g", channel);
    w.key("k");
    r.record += json::to_string(*form);
    w.key("b");
    r.record += receipt && receipt->IsObject() ? json::to_string(*receipt) : std::string("null");
    w.key("x");
    r.record.push_back('[');
    bool first = true;
    for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
      std::string_view name(it->name.GetString(), it->name.GetStringLength());
      if (std::find(std::begin(kKnown), std::end(kKnown), name) != std::end(kKnown)) continue;
      if (!first) r.record.push_back(',');
      first = false;
      json::append_string(r.record, name.substr(0, 64));
    }
    r.record.push_back(']');
    w.close();
    r.summary = "yêu cầu cấp phiếu lý lịch tư pháp " + code;
    r.key = std::move(code);
    return r;
  }

  Status apply(store::Database& db, const std::string& record, int64_t received_at_ms) const override {
    LT_ASSIGN_OR_RETURN(auto d, json::parse(record, "criminal-record record"));
    auto text = [&](const char* key) -> Result<std::string> {
      auto v = d.IsObject() ? json::get_string(d, key) : std::nullopt;
      if (!v) return make_error(ErrorKind::kParse, std::string("criminal-record record: no '") + key + "'");
      return std::move(*v);
    };
    LT_ASSIGN_OR_RETURN(std::string code, text("c"));
    LT_ASSIGN_OR_RETURN(std::string province, text("t"));
    LT_ASSIGN_OR_RETURN(std::string received_on, text("n"));
    LT_ASSIGN_OR_RETURN(std::string channel, text("g"));
    const auto* form = json::member(d, "k");
    const auto* receipt = json::member(d, "b");
    const auto* unread = json::member(d, "x");
    if (!form || !receipt || !unread)
      return make_error(ErrorKind::kParse, "criminal-record record: incomplete");
    // A code is claimed by one delivery only; DO NOTHING when the journal's record is
    // applied again after a crash between the commit and the journal's trim.
    LT_TRY(
        db.exec("INSERT INTO lltp_requests (code, province, received_on, channel, declaration, receipt,"
                " unread, received_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
                {code, province, received_on, channel, json::to_string(*form),
                 receipt->IsNull() ? std::string() : json::to_string(*receipt), json::to_string(*unread),
                 received_at_ms}));
    return {};
  }

  std::vector<store::Migration> migrations() const override {
    return {{"lltp_requests", 1,
             "CREATE TABLE lltp_requests ("
             " code TEXT PRIMARY KEY, province TEXT NOT NULL, received_on TEXT NOT NULL,"
             " channel TEXT NOT NULL, declaration TEXT NOT NULL, receipt TEXT NOT NULL,"
             " unread TEXT NOT NULL, received_at_ms INTEGER NOT NULL);"}};
  }
};

}  // namespace

std::shared_ptr<const webhooks::RecordKind> make_lltp_request_record_kind() {
  return std::make_shared<LltpRequestKind>();
}

void add_lltp_record_kinds(webhooks::RecordKinds& kinds) {
  kinds.add(kLltpRequestKind, make_lltp_request_record_kind());
}

Result<std::optional<LltpRequest>> find_lltp_request(store::Database& db, const std::string& code) {
  LT_ASSIGN_OR_RETURN(auto rows, db.query("SELECT code, province, received_on, channel, declaration, receipt,"
                                          " unread, received_at_ms FROM lltp_requests WHERE code = ?",
                                          {code}));
  if (rows.empty()) return std::optional<LltpRequest>();
  const auto& r = rows[0];
  LltpRequest q;
  q.code = r.str(0);
  q.province = r.str(1);
  q.received_on = r.str(2);
  q.channel = r.str(3);
  q.declaration = r.str(4);
  q.receipt = r.str(5);
  if (auto names = json::parse(r.str(6), "unread members"); names.ok() && names->IsArray()) {
    for (const auto& n : names->GetArray())
      if (n.IsString()) q.unread.emplace_back(n.GetString(), n.GetStringLength());
  }
  q.received_at_ms = r.i64(7);
  return std::optional<LltpRequest>(std::move(q));
}

Result<int64_t> count_lltp_requests(store::Database& db) {
  LT_ASSIGN_OR_RETURN(auto rows, db.query("SELECT count(*) FROM lltp_requests", {}));
  return rows.empty() ? 0 : rows[0].i64(0);
}

}  // namespace lienthong::adapters::lltp
