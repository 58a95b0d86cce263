#include "adapters/dvcqg/dvcqg.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <array>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/mapping/mapping.hpp"
#include "gateway/core/mapping/status_machine.hpp"
#include "gateway/core/model/dossier_event.hpp"
#include "gateway/flows/codes/table_resolver.hpp"
#include "gateway/flows/kpi/procedures/procedure_catalogue.hpp"

namespace lienthong::adapters::dvcqg {

namespace {

using rapidjson::Value;

// Services of POST {base_url}{integration_path} (docs/contracts/dvcqg.md).
constexpr const char* kSyncDossiers = "DongBoHoSoMC";         // create or update dossiers
constexpr const char* kSyncProgress = "CapNhatTienDoHoSoMC";  // processing-progress records
constexpr const char* kLookup = "TraCuuHoSo";                 // look a dossier up

// The answer's error_code as a number: "0", "00" and 0 are all success, as OpenCPS reads
// it (getInt); nullopt when it is not a number.
std::optional<int64_t> numeric_code(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size() || s.size() - i > 18) return std::nullopt;
  int64_t v = 0;
  for (size_t k = i; k < s.size(); ++k) {
    if (s[k] < '0' || s[k] > '9') return std::nullopt;
    v = v * 10 + (s[k] - '0');
  }
  return s[0] == '-' ? -v : v;
}

// The codes the public clients do not show (session refused, dossier not found, record
// invalid): settings, defaulting to the project's simulator's (docs/contracts/dvcqg.md).
std::set<int64_t> code_set(const ConfigNode& node, const char* key, std::vector<std::string> fallback) {
  std::set<int64_t> out;
  for (const auto& c : node.strings_or(key, std::move(fallback))) {
    auto n = numeric_code(c);
    if (!n) node.fail(key, "'" + c + "' is not a numeric answer code");
    out.insert(*n);
  }
  return out;
}

std::string path_setting(const ConfigNode& node, const char* key, const char* fallback) {
  std::string p = node.string_or(key, fallback);
  if (p.empty() || p[0] != '/')
    node.fail(key,
              "expected a path starting with '/' (appended to base_url), such as " + std::string(fallback));
  return p;
}

std::vector<std::string> config_keys() {
  std::vector<std::string> keys = {"base_url",         "username",
                                   "password",         "madonvi",
                                   "batch_size",       "dossier_mapping",
                                   "progress_mapping", "transitions",
                                   "verify_retries",   "events_per_message",
                                   "codes_dir",        "auth_path",
                                   "integration_path", "dstcode",
                                   "donvixuly",        "agency_names",
                                   "procedures",       "ghichu",
                                   "progress_dates",   "status_5_6_8",
                                   "extended_fields",  "session_refused_codes",
                                   "not_found_codes",  "invalid_record_codes"};
  for (auto& k : http::ClientOptions::config_keys()) keys.push_back(k);
  return keys;
}

// What goes on the wire beyond the mapping files: endpoint paths, the routing header and
// the choices where the public clients disagree (each one a setting; defaults follow
// OpenCPS, docs/contracts/dvcqg.md says why).
struct WireOptions {
  std::string auth_path, integration_path, dstcode;
  bool agency_name = true;          // donvixuly: "name" (both clients) | "code"
  bool send_ghichu = true;          // ghichu: "send" (OpenCPS) | "omit" (.NET)
  bool blank_progress = false;      // progress_dates: "filled" | "blank" (OpenCPS)
  bool resolved_for_5_6_8 = false;  // status_5_6_8: "as_is" (OpenCPS) | "resolved" (.NET sends 9)
  bool extended_fields = false;     // the .NET client's newer keys
  std::set<int64_t> session_refused, not_found, invalid;

  static WireOptions from(const ConfigNode& node) {
    WireOptions o;
    o.auth_path = path_setting(node, "auth_path", "/auth");
    o.integration_path = path_setting(node, "integration_path", "/integration");
    o.dstcode = node.string_or("dstcode", "");
    o.agency_name = node.choice("donvixuly", {"name", "code"}, "name") == "name";
    o.send_ghichu = node.choice("ghichu", {"send", "omit"}, "send") == "send";
    o.blank_progress = node.choice("progress_dates", {"filled", "blank"}, "filled") == "blank";
    o.resolved_for_5_6_8 = node.choice("status_5_6_8", {"as_is", "resolved"}, "as_is") == "resolved";
    o.extended_fields = node.boolean_or("extended_fields", false);
    o.session_refused = code_set(node, "session_refused_codes", {"1001"});
    o.not_found = code_set(node, "not_found_codes", {"1005"});
    o.invalid = code_set(node, "invalid_record_codes", {"1002", "1003", "1007"});
    return o;
  }
};

// ddd.dd.dd.Hdd, e.g. 000.00.12.H56 (checked by hand: this runs for every event, and a
// std::regex match cost more than the rest of the lookup).
bool is_agency_code(std::string_view s) {
  constexpr std::string_view kShape = "ddd.dd.dd.Hdd";
  if (s.size() != kShape.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool ok = kShape[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == kShape[i];
    if (!ok) return false;
  }
  return true;
}

// Mã đơn vị (national agency code) when no code tables are configured (codes_dir): a code
// is sent as the source gave it once its format is right.
class NationalAgencyCodes final : public mapping::CodeResolver {
 public:
  Result<std::string> resolve(const std::string& kind, const std::string& code, int64_t) const override {
    if (kind != "agency") return Error(ErrorKind::kMapping, "no code table of kind '" + kind + "'");
    if (!is_agency_code(code))
      return Error(ErrorKind::kMapping,
                   "DonViXuLy: '" + code + "' is not a national agency code such as 000.00.12.H56");
    return code;
  }
};

std::string code_of(const Value& v, const char* key) {
  const Value* m = json::member(v, key);
  if (!m) return "";
  if (m->IsString()) return m->GetString();
  if (m->IsInt64()) return std::to_string(m->GetInt64());
  return "";
}

struct Answer {
  std::string code, message;
  rapidjson::Document doc;
  const Value* data = nullptr;    // per-record results, when given (no public source)
  const Value* result = nullptr;  // TraCuuHoSo's dossiers found
};

// Outcome of one record of a call, as the public clients read the portal's answer.
struct RecordOutcome {
  enum Kind { kOk, kExists, kNotFound, kRefused };
  Kind kind = kRefused;
  std::string code, message;
};

bool says_already_exists(std::string_view message) {
  return message.find("đã tồn tại") != std::string_view::npos ||
         message.find("Đã tồn tại") != std::string_view::npos;
}

// error_code 0/"0"/"00" is success (OpenCPS's numeric compare); 0, 3 or -3 with a message
// containing "đã tồn tại" is "already exists" (the .NET client), and so is 3/-3 alone.
RecordOutcome classify(std::string code, std::string message, const WireOptions& w) {
  RecordOutcome r;
  auto n = numeric_code(code);
  bool existing_code = n && (*n == 3 || *n == -3);
  if ((n && *n == 0 && says_already_exists(message)) || existing_code)
    r.kind = RecordOutcome::kExists;
  else if (n && *n == 0)
    r.kind = RecordOutcome::kOk;
  else if (n && w.not_found.count(*n))
    r.kind = RecordOutcome::kNotFound;
  r.code = std::move(code);
  r.message = std::move(message);
  return r;
}

Error refused(const char* service, const RecordOutcome& r, const WireOptions& w) {
  // The portal's codes for a record it will never accept as sent (invalid_record_codes).
  auto n = numeric_code(r.code);
  bool invalid = n && w.invalid.count(*n);
  Error e(invalid ? ErrorKind::kValidation : ErrorKind::kServer,
          std::string("DVCQG ") + service + " refused the record: code " + r.code + ": " + r.message +
              (invalid ? " (fix the record at the source; it is not retried)" : " (retried)"));
  e.code = r.code;
  return e;
}

// The portal's answer to an integration call: {"error_code", "message", "data"?, "result"?}.
Result<Answer> read_answer(std::string_view body) {
  auto doc = json::parse(body, "DVCQG answer");
  if (!doc.ok() || !doc->IsObject() || !json::member(*doc, "error_code"))
    return Error(ErrorKind::kProtocol, "answered without {\"error_code\",\"message\"}");
  Answer a;
  a.doc = std::move(doc).value();
  a.code = code_of(a.doc, "error_code");
  a.message = code_of(a.doc, "message");
  const Value* d = json::member(a.doc, "data");
  a.data = d && d->IsArray() ? d : nullptr;
  const Value* r = json::member(a.doc, "result");
  a.result = r && r->IsArray() ? r : nullptr;
  return a;
}

// What a queued "dvcqg_records" message holds, read in one validating pass of RapidJSON's
// SAX reader: the records' text is sent as queued, so no document is built for it (the
// delivery read each message as a document and then scanned it again for the text).
// Spans are offsets into the message; a key given twice counts once, as a document's
// lookup would.
struct QueuedRecords {
  struct Event {
    bool sequence_seen = false, sequence_ok = false, progress_seen = false;
    int sequence = 0;
    size_t progress_begin = 0, progress_end = 0;  // progress_end > 0: it is an object
  };
  bool code_ok = false, code_seen = false;
  std::string code;
  bool dossier_seen = false;
  size_t dossier_begin = 0, dossier_end = 0;  // dossier_end > 0: it is an object
  bool events_seen = false, events_array = false;
  Event single;               // prepare()'s form: sequence and progress at the top
  std::vector<Event> events;  // combine()'s; an element that is not an object has nothing set
};

template <class Stream>
class QueuedRecordsReader
    : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, QueuedRecordsReader<Stream>> {
 public:
  QueuedRecordsReader(const Stream& in, QueuedRecords& out) : in_(in), out_(out) {}

  // Depth 1: the message's members; depth 2: elements of "events"; depth 3: their members.
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    std::string_view k(s, n);
    if (depth_ == 1) {
      top_ = kOther;
      if (k == "MaHoSo") top_ = claim(out_.code_seen, kCode);
      if (k == "dossier") top_ = claim(out_.dossier_seen, kDossier);
      if (k == "events") top_ = claim(out_.events_seen, kEvents);
      if (k == "sequence") top_ = claim(out_.single.sequence_seen, kSequence);
      if (k == "progress") top_ = claim(out_.single.progress_seen, kProgress);
    } else if (depth_ == 3 && in_events_) {
      QueuedRecords::Event& e = out_.events.back();
      inner_ = kOther;
      if (k == "sequence") inner_ = claim(e.sequence_seen, kSequence);
      if (k == "progress") inner_ = claim(e.progress_seen, kProgress);
    }
    return true;
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 1 && top_ == kCode) {
      out_.code.assign(s, n);
      out_.code_ok = true;
    }
    return scalar();
  }
  bool Int(int v) { return integer(v); }
  bool Uint(unsigned v) {
    if (v > static_cast<unsigned>(std::numeric_limits<int>::max())) return scalar();
    return integer(static_cast<int>(v));
  }
  bool Default() { return scalar(); }  // null, booleans, 64-bit and floating-point numbers
  bool StartObject() {
    if (depth_ == 2 && in_events_) out_.events.emplace_back();
    return open();
  }
  bool EndObject(rapidjson::SizeType) {
    --depth_;
    size_t begin = begins_[depth_], end = in_.Tell();  // from '{' to past '}'
    if (depth_ == 1 && top_ == kDossier) {
      out_.dossier_begin = begin;
      out_.dossier_end = end;
    } else if (depth_ == 1 && top_ == kProgress) {
      out_.single.progress_begin = begin;
      out_.single.progress_end = end;
    } else if (depth_ == 3 && in_events_ && inner_ == kProgress) {
      out_.events.back().progress_begin = begin;
      out_.events.back().progress_end = end;
    }
    return closed();
  }
  bool StartArray() {
    if (depth_ == 1 && top_ == kEvents) {
      out_.events_array = true;
      in_events_ = true;
    } else if (depth_ == 2 && in_events_) {
      out_.events.emplace_back();
    }
    return open();
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    if (depth_ == 1) in_events_ = false;
    return closed();
  }

 private:
  enum Slot { kNone, kOther, kCode, kSequence, kDossier, kProgress, kEvents };
  static Slot claim(bool& seen, Slot s) {
    if (seen) return kOther;
    seen = true;
    return s;
  }
  bool open() {
    if (depth_ >= static_cast<size_t>(json::kMaxDepth)) return false;  // as json::parse
    begins_[depth_++] = in_.Tell() - 1;                                // at the '{' or '['
    return true;
  }
  // A value ended at the current depth: its key no longer applies.
  bool closed() {
    if (depth_ == 1) top_ = kNone;
    if (depth_ == 3) inner_ = kNone;
    return true;
  }
  bool scalar() {
    if (depth_ == 2 && in_events_) out_.events.emplace_back();
    return closed();
  }
  bool integer(int v) {
    if (depth_ == 1 && top_ == kSequence) {
      out_.single.sequence = v;
      out_.single.sequence_ok = true;
    } else if (depth_ == 3 && in_events_ && inner_ == kSequence) {
      out_.events.back().sequence = v;
      out_.events.back().sequence_ok = true;
    }
    return scalar();
  }

  const Stream& in_;
  QueuedRecords& out_;
  size_t depth_ = 0;
  bool in_events_ = false;
  Slot top_ = kNone, inner_ = kNone;
  std::array<size_t, json::kMaxDepth> begins_{};
};

template <class Stream>
Status read_queued(Stream& in, QueuedRecords& out) {
  QueuedRecordsReader<Stream> handler(in, out);
  rapidjson::Reader reader;
  rapidjson::ParseResult r = reader.Parse<rapidjson::kParseDefaultFlags>(in, handler);
  if (!r.IsError()) return {};
  if (r.Code() == rapidjson::kParseErrorTermination)
    return Error(ErrorKind::kParse, "queued DVCQG records: JSON nested deeper than " +
                                        std::to_string(json::kMaxDepth) + " levels");
  return Error(ErrorKind::kParse, "queued DVCQG records: malformed JSON at byte " +
                                      std::to_string(r.Offset()) + ": " +
                                      rapidjson::GetParseError_En(r.Code()));
}

// The vectorised scan reads aligned 16-byte blocks past the text's end, which AddressSanitizer
// and ThreadSanitizer report (as json.cpp's LIENTHONG_SANITIZED; LIENTHONG_ASAN was never
// defined, so sanitized builds took this path and failed).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LIENTHONG_DVCQG_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LIENTHONG_DVCQG_SANITIZED 1
#endif
#endif

Status read_queued(const std::string& payload, QueuedRecords& out) {
#if defined(RAPIDJSON_SSE2) && !defined(LIENTHONG_DVCQG_SANITIZED)
  // As json::parse: a NUL-terminated text without a NUL inside is read through the
  // StringStream, whose string scan is vectorised.
  if (std::memchr(payload.data(), '\0', payload.size()) == nullptr) {
    rapidjson::StringStream in(payload.c_str());
    return read_queued(in, out);
  }
#endif
  rapidjson::MemoryStream bytes(payload.data(), payload.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
  return read_queued(in, out);
}

class DvcqgTarget final : public sync::SyncTarget {
 public:
  DvcqgTarget(const ConfigNode& node, const Clock& clock, dossiers::Quarantine* quarantine)
      : base_url_(node.string("base_url")),
        username_(node.string("username")),
        password_(node.secret("password")),
        madonvi_(node.string("madonvi")),
        batch_size_(static_cast<size_t>(node.integer_or("batch_size", 100, 1, 1000))),
        events_per_message_(static_cast<size_t>(node.integer_or("events_per_message", 50, 1, 1000))),
        verify_retries_(node.boolean_or("verify_retries", true)),
        dossier_map_(load(node, "dossier_mapping", "mappings/dvcqg/dossier.json")),
        progress_map_(load(node, "progress_mapping", "mappings/dvcqg/progress.json")),
        machine_(load_machine(node)),
        wire_(WireOptions::from(node)),
        tables_(load_tables(node)),
        agencies_(make_resolver(tables_, clock)),
        agency_names_(wire_.agency_name ? load_agency_names(node)
                                        : std::map<std::string, std::string, std::less<>>{}),
        procedures_(load_procedures(node)),
        client_(http::ClientOptions::from_config(node)),
        clock_(clock),
        quarantine_(quarantine) {
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  }

  static mapping::Mapping load(const ConfigNode& node, const char* key, const char* fallback) {
    auto m = mapping::Mapping::load_file(node.file_path_or(key, node.resolve_path(fallback)));
    if (!m.ok()) throw ConfigError(node.key_path(key) + ": " + m.error().message);
    return std::move(m).value();
  }
  static std::shared_ptr<const codes::CodeTables> load_tables(const ConfigNode& node) {
    if (!node.has("codes_dir")) return nullptr;
    auto tables = codes::CodeTables::load_dir(node.file_path("codes_dir"));
    if (!tables.ok()) throw ConfigError(node.key_path("codes_dir") + ": " + tables.error().message);
    return std::make_shared<const codes::CodeTables>(std::move(tables).value());
  }
  // With codes_dir, DonViXuLy is the agency code valid today for the code the event carried
  // on its date (mergers and renames followed through the effective-dated code tables).
  static std::unique_ptr<mapping::CodeResolver> make_resolver(std::shared_ptr<const codes::CodeTables> tables,
                                                              const Clock& clock) {
    if (!tables) return std::make_unique<NationalAgencyCodes>();
    return std::make_unique<codes::TableResolver>(std::move(tables), clock);
  }
  // {"agencies": {"000.00.12.H56": "Sở Xây dựng", ...}}: DonViXuLy's name for agencies the
  // code tables do not hold.
  static std::map<std::string, std::string, std::less<>> load_agency_names(const ConfigNode& node) {
    std::string path =
        node.file_path_or("agency_names", node.resolve_path("mappings/dvcqg/agency_names.json"));
    auto doc = json::parse_file(path);
    if (!doc.ok()) throw ConfigError(node.key_path("agency_names") + ": " + doc.error().message);
    const Value* list = doc->IsObject() ? json::member(*doc, "agencies") : nullptr;
    if (!list || !list->IsObject())
      throw ConfigError(node.key_path("agency_names") + ": " + path +
                        ": expected {\"agencies\": {\"<agency code>\": \"<name>\", ...}}");
    std::map<std::string, std::string, std::less<>> out;
    for (const auto& m : list->GetObject()) {
      if (!m.value.IsString() || m.value.GetStringLength() == 0)
        throw ConfigError(node.key_path("agency_names") + ": " + path + ": agencies." + m.name.GetString() +
                          ": expected the agency's name (a non-empty string)");
      out.emplace(m.name.GetString(), m.value.GetString());
    }
    return out;
  }
  static std::shared_ptr<const procedures::ProcedureCatalogue> load_procedures(const ConfigNode& node) {
    auto c = procedures::ProcedureCatalogue::load(
        node.file_path_or("procedures", node.resolve_path("mappings/procedures.json")));
    if (!c.ok()) throw ConfigError(node.key_path("procedures") + ": " + c.error().message);
    return std::make_shared<const procedures::ProcedureCatalogue>(std::move(c).value());
  }
  static mapping::StatusMachine load_machine(const ConfigNode& node) {
    auto m = mapping::StatusMachine::load_file(
        node.file_path_or("transitions", node.resolve_path("mappings/dvcqg/status_transitions.json")));
    if (!m.ok()) throw ConfigError(node.key_path("transitions") + ": " + m.error().message);
    return std::move(m).value();
  }

  std::string name() const override { return std::string(kName); }
  size_t max_batch() const override { return batch_size_; }

  Status check(const model::DossierStatusEvent& e, std::optional<int> previous) const override {
    json::ScratchPool<> pool;
    Value canonical, dossier, progress;
    model::to_json(e, canonical, pool.allocator());
    LT_TRY(translate(e, canonical, pool.allocator(), dossier, progress));
    return machine_.check(previous, e.status);
  }

  // The portal's two records, translated and validated once, when the event is queued:
  // {"MaHoSo", "sequence", "dossier": DongBoHoSoMC record, "progress": CapNhatTienDoHoSoMC
  // record}. An operator reading `outbox show` sees exactly what goes to the portal.
  Result<sync::Prepared> prepare(const model::DossierStatusEvent& e,
                                 const std::string& canonical) const override {
    (void)canonical;
    return prepare_records(e, model::to_json(e), true);
  }

  // For the record path: when events may travel together, the payload is left to combine()
  // (also for one event): a dossier with several new events would otherwise have each
  // one's single-event payload written and thrown away.
  Result<sync::Prepared> prepare_from(const model::DossierStatusEvent& e, const std::string&,
                                      const rapidjson::Value& canonical_doc) const override {
    return prepare_records(e, canonical_doc, events_per_message_ == 1);
  }

  Status check_prepared(const model::DossierStatusEvent& e, std::optional<int> previous) const override {
    return machine_.check(previous, e.status);
  }

  size_t max_events_per_message() const override { return events_per_message_; }

  // Several events of one dossier: {"MaHoSo", "dossier": the latest event's dossier record
  // (the only one sent), "events": [{"sequence", "progress"}, ...] in order}. One event
  // whose payload prepare_from() left out: prepare()'s form.
  Result<sync::Prepared> combine(const std::string& dossier_code,
                                 const std::vector<sync::Prepared>& parts) const override {
    if (parts.size() == 1 && !parts[0].payload.empty()) return parts[0];
    for (const auto& p : parts)
      if (p.kind != kRecordsKind || p.fragments.size() != 3)
        return Error(ErrorKind::kInternal, "dvcqg: can only combine records this adapter prepared");
    if (parts.empty()) return Error(ErrorKind::kInternal, "dvcqg: nothing to combine");
    if (parts.size() == 1) {
      const auto& f = parts[0].fragments;
      return sync::Prepared{std::string(kRecordsKind), single_payload(dossier_code, f[2], f[0], f[1]), {}};
    }
    // Sized once and appended to: this runs inside the page's transaction.
    std::string code = log::json_escape(dossier_code);
    size_t size = code.size() + parts.back().fragments[0].size() + 48;
    for (const auto& p : parts) size += p.fragments[1].size() + p.fragments[2].size() + 32;
    std::string out;
    out.reserve(size);
    out.append("{\"MaHoSo\":\"").append(code).append("\",\"dossier\":").append(parts.back().fragments[0]);
    out.append(",\"events\":[");
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i) out.push_back(',');
      out.append("{\"sequence\":").append(parts[i].fragments[2]);
      out.append(",\"progress\":").append(parts[i].fragments[1]).push_back('}');
    }
    out.append("]}");
    return sync::Prepared{std::string(kRecordsKind), std::move(out), {}};
  }

  std::vector<Status> deliver(const std::vector<outbox::Message>& batch) override {
    std::vector<Status> out(batch.size());
    // Reserved: items hold pointers into their own documents and must not move.
    std::vector<Item> items;
    items.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      Item& it = items.emplace_back();
      it.index = i;
      it.retry = batch[i].attempts > 1;
      Status st = batch[i].kind == kRecordsKind ? load_records(batch[i], it) : load_event(batch[i], it);
      if (!st.ok()) {
        out[i] = st.error().context("outbox message " + std::to_string(batch[i].id));
        items.pop_back();
        continue;
      }
      it.create = it.parts.front().sequence == 1;
    }
    if (verify_retries_) verify(items);
    push_dossiers(items);
    push_progress(items);
    for (auto& it : items) {
      if (!it.failed) continue;
      out[it.index] = it.error;
      if (quarantine_ && it.error.kind == ErrorKind::kValidation && !it.error.code.empty()) {
        auto q = quarantine_->put(name(), it.dossier_code + "#" + std::to_string(it.failed_sequence),
                                  it.error, batch[it.index].payload, clock_.now_ms());
        if (!q.ok())
          log::error("dvcqg", "quarantine_failed",
                     "could not quarantine a refused record: " + q.error().message,
                     {{"upstream", "dvcqg"}, {"error_kind", to_string(q.error().kind)}});
      }
    }
    return out;
  }

 private:
  // Kind of the messages prepare() and combine() queue, whichever flow recorded the event
  // (gateway/core/dossiers/event_recorder.hpp). Messages of kind "dossier_status" carry the
  // canonical event: what builds before the one record path queued from webhooks, still
  // translated when delivered so that an existing store's queue drains.
  static constexpr std::string_view kRecordsKind = "dvcqg_records";

  // One status event of a message: its place in the dossier's history and its progress
  // record.
  struct Part {
    int sequence = 0;
    const Value* progress = nullptr;  // set when translated at delivery (older "dossier_status")
    std::string_view progress_raw;    // else its text in the queued message
    bool progress_done = false;
  };

  // A record to send: its text as queued when known (copied into the request as is), else
  // the value, written out.
  struct Record {
    const Value* value = nullptr;
    std::string_view raw;
  };

  // One outbox message: one or more events of one dossier, in order, and the one dossier
  // record sent for them (the latest event's: the portal's dossier record is a state).
  struct Item {
    size_t index = 0;
    std::string dossier_code;
    std::vector<Part> parts;
    rapidjson::Document doc;         // owns what the pointers point at
    const Value* dossier = nullptr;  // as Part::progress
    std::string_view dossier_raw;
    bool create = true;
    bool retry = false;
    bool dossier_done = false;
    bool failed = false;
    int failed_sequence = 0;
    Error error;
    Part* next_progress() {
      for (auto& p : parts)
        if (!p.progress_done) return &p;
      return nullptr;
    }
  };

  // Translates `e` and keeps the two records' text as fragments (dossier, progress,
  // sequence) for combine(); the single-event payload too when `with_payload`.
  Result<sync::Prepared> prepare_records(const model::DossierStatusEvent& e,
                                         const rapidjson::Value& canonical_doc, bool with_payload) const {
    json::ScratchPool<> pool;  // the two records live only until they are written out
    Value dossier_record, progress_record;
    LT_TRY(translate(e, canonical_doc, pool.allocator(), dossier_record, progress_record));
    std::string dossier, progress;
    json::append_to(dossier, dossier_record);
    json::append_to(progress, progress_record);
    std::string seq = std::to_string(e.sequence);
    std::string payload =
        with_payload ? single_payload(e.dossier_code, seq, dossier, progress) : std::string();
    return sync::Prepared{std::string(kRecordsKind),
                          std::move(payload),
                          {std::move(dossier), std::move(progress), std::move(seq)}};
  }

  static std::string single_payload(const std::string& dossier_code, const std::string& seq,
                                    const std::string& dossier, const std::string& progress) {
    std::string code = log::json_escape(dossier_code);
    std::string payload;
    payload.reserve(dossier.size() + progress.size() + code.size() + seq.size() + 48);
    payload.append("{\"MaHoSo\":\"").append(code).append("\",\"sequence\":").append(seq);
    payload.append(",\"dossier\":").append(dossier).append(",\"progress\":").append(progress).append("}");
    return payload;
  }

  static Status load_part(const QueuedRecords::Event& e, std::string_view payload, Part& p) {
    if (!e.sequence_ok || e.progress_end == 0)
      return Error(ErrorKind::kValidation,
                   "queued DVCQG records lack sequence or progress; the message was edited or written "
                   "by another version (replay it from the source)");
    p.sequence = e.sequence;
    p.progress_raw = payload.substr(e.progress_begin, e.progress_end - e.progress_begin);
    return {};
  }

  // prepare()'s form (one event: MaHoSo, sequence, dossier, progress) or combine()'s
  // (MaHoSo, dossier, events: [{sequence, progress}, ...]). The records are sent as their
  // text in the message (batch outlives the items), so only that text is located.
  Status load_records(const outbox::Message& m, Item& it) const {
    QueuedRecords q;
    LT_TRY(read_queued(m.payload, q));
    if (!q.code_ok) return Error(ErrorKind::kValidation, "queued DVCQG records lack MaHoSo");
    it.dossier_code = std::move(q.code);
    if (q.dossier_end == 0)
      return Error(ErrorKind::kValidation, "queued DVCQG records lack the dossier record (\"dossier\")");
    std::string_view payload = m.payload;
    it.dossier_raw = payload.substr(q.dossier_begin, q.dossier_end - q.dossier_begin);
    if (!q.events_seen) return load_part(q.single, payload, it.parts.emplace_back());
    if (!q.events_array || q.events.empty())
      return Error(ErrorKind::kValidation, "queued DVCQG records: \"events\" is not a non-empty array");
    for (const auto& e : q.events) LT_TRY(load_part(e, payload, it.parts.emplace_back()));
    for (size_t i = 1; i < it.parts.size(); ++i)
      if (it.parts[i].sequence <= it.parts[i - 1].sequence)
        return Error(ErrorKind::kValidation, "queued DVCQG records: events are not in history order");
    return {};
  }

  Status load_event(const outbox::Message& m, Item& it) const {
    LT_ASSIGN_OR_RETURN(model::DossierStatusEvent ev, model::from_json_string(m.payload));
    it.doc.SetObject();
    auto& al = it.doc.GetAllocator();
    Value canonical, dossier, progress;
    model::to_json(ev, canonical, al);
    LT_TRY(translate(ev, canonical, al, dossier, progress));
    it.dossier_code = ev.dossier_code;
    it.doc.AddMember("dossier", dossier, al);
    it.doc.AddMember("progress", progress, al);
    it.dossier = json::member(it.doc, "dossier");
    Part& p = it.parts.emplace_back();
    p.sequence = ev.sequence;
    p.progress = json::member(it.doc, "progress");
    return {};
  }

  // The event's DongBoHoSoMC and CapNhatTienDoHoSoMC records, validated, made with `alloc`,
  // then the wire settings applied (names for codes, the keys where the clients disagree).
  Status translate(const model::DossierStatusEvent& e, const rapidjson::Value& canonical,
                   rapidjson::MemoryPoolAllocator<>& alloc, Value& dossier, Value& progress) const {
    mapping::Context ctx;
    ctx.event_time_ms = e.status_at_ms;
    ctx.codes = agencies_.get();
    LT_TRY(dossier_map_.apply_into(canonical, dossier, alloc, ctx));
    LT_TRY(dossier_map_.validate(dossier));
    LT_TRY(progress_map_.apply_into(canonical, progress, alloc, ctx));
    LT_TRY(progress_map_.validate(progress));
    return apply_wire_options(e, alloc, dossier, progress);
  }

  static void set_string(Value& obj, const char* key, std::string_view v,
                         rapidjson::MemoryPoolAllocator<>& a) {
    Value s(v.data(), static_cast<rapidjson::SizeType>(v.size()), a);
    if (auto m = obj.FindMember(key); m != obj.MemberEnd()) {
      m->value = std::move(s);
    } else {
      obj.AddMember(rapidjson::StringRef(key), s, a);
    }
  }
  static std::string_view string_of(const Value& obj, const char* key) {
    const Value* m = json::member(obj, key);
    return m && m->IsString() ? std::string_view(m->GetString(), m->GetStringLength()) : std::string_view();
  }

  // DonViXuLy's name: the code tables' entry valid today, else adapters.dvcqg.agency_names.
  Result<std::string> agency_name(std::string_view code) const {
    if (tables_) {
      auto entry = tables_->lookup("agency", code, codes::day_of(clock_.now_ms()));
      if (entry.ok()) return (*entry)->name;
    }
    if (auto it = agency_names_.find(code); it != agency_names_.end()) return it->second;
    return Error(ErrorKind::kMapping, "DonViXuLy: no name known for agency code '" + std::string(code) +
                                          "' (the portal takes the agency's name: add it to the code tables "
                                          "(codes_dir) or to adapters.dvcqg.agency_names)");
  }

  Status apply_wire_options(const model::DossierStatusEvent& e, rapidjson::MemoryPoolAllocator<>& a,
                            Value& dossier, Value& progress) const {
    if (wire_.agency_name) {
      LT_ASSIGN_OR_RETURN(std::string name, agency_name(string_of(dossier, "DonViXuLy")));
      set_string(dossier, "DonViXuLy", name, a);
    }
    if (string_of(dossier, "TenTTHC").empty()) {
      if (const auto* p = procedures_->find(e.procedure_code)) set_string(dossier, "TenTTHC", p->name, a);
      if (string_of(dossier, "TrichYeuHoSo").empty())
        set_string(dossier, "TrichYeuHoSo", string_of(dossier, "TenTTHC"), a);
    }
    if (!wire_.send_ghichu) dossier.RemoveMember("GhiChu");
    if (wire_.resolved_for_5_6_8 && (e.status == 5 || e.status == 6 || e.status == 8))
      set_string(dossier, "TrangThaiHoSo", "9", a);
    if (wire_.extended_fields) {
      // The .NET client's newer keys; its hard-coded values where the event has nothing.
      set_string(dossier, "NoiNopHoSo", "2", a);
      set_string(dossier, "TaiKhoanDuocXacThucVoiVNeID", "0", a);
      set_string(dossier, "NgayNopHoSo", string_of(dossier, "NgayTiepNhan"), a);
      Value ids(rapidjson::kArrayType);
      std::string_view id = string_of(dossier, "SoGiayToChuHoSo");
      bool digits = !id.empty() && id.find_first_not_of("0123456789") == std::string_view::npos;
      if (digits && (id.size() == 12 || id.size() == 9)) {
        Value one(rapidjson::kObjectType);
        set_string(one, "LoaiDinhDanh", id.size() == 12 ? "1" : "2", a);  // 1: CCCD, 2: CMND
        set_string(one, "SoDinhDanh", id, a);
        ids.PushBack(one, a);
      }
      dossier.RemoveMember("DinhDanhCHS");
      dossier.AddMember("DinhDanhCHS", ids, a);
      dossier.RemoveMember("DSKetNoiCSDL");
      dossier.AddMember("DSKetNoiCSDL", Value(rapidjson::kArrayType), a);
    }
    if (wire_.blank_progress) {
      for (const char* k : {"PhongBanXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh"})
        set_string(progress, k, "", a);
    }
    return {};
  }

  // Retried messages: skip what the portal already has. TraCuuHoSo takes one dossier
  // (top-level "mahoso") and answers the dossiers found in "result", as OpenCPS sends and
  // reads it; the progress records of a found dossier ("DanhSachTienDo") have no public
  // source (docs/contracts/dvcqg.md): without them every progress record is sent again.
  void verify(std::vector<Item>& items) {
    for (auto& item : items) {
      if (!item.retry) continue;
      Item& it = item;
      std::string rest = ",\"mahoso\":";
      json::append_string(rest, it.dossier_code);
      auto ans = call(kLookup, rest);
      // Without an answer the portal may or may not hold the status: never resend blind.
      if (!ans.ok()) {
        fail(it, ans.error().context("looking the dossier up before sending it again"));
        continue;
      }
      auto n = numeric_code(ans->code);
      const Value* found = nullptr;
      if (ans->result) {
        if (ans->result->Size() > 0) found = &(*ans->result)[0];
      } else if (!(n && (*n == 0 || wire_.not_found.count(*n)))) {
        Error e(ErrorKind::kServer, "DVCQG TraCuuHoSo answered code " + ans->code + " without \"result\": " +
                                        ans->message + "; not sending again blind (retried)");
        fail(it, e);
        continue;
      }
      if (!found || !found->IsObject()) continue;  // not there: create as usual
      it.create = false;
      const Value* list = json::member(*found, "DanhSachTienDo");
      if (!list || !list->IsArray()) continue;
      for (Part& part : it.parts) {
        // Queued records are read as a document only here, for a retried message.
        rapidjson::Document queued;
        const Value* progress = part.progress;
        if (!progress) {
          auto d = json::parse(part.progress_raw, "queued DVCQG progress record");
          if (!d.ok()) continue;  // cannot happen: the message was read whole
          queued = std::move(d).value();
          progress = &queued;
        }
        std::string at = code_of(*progress, "ThoiDiemXuLy");
        auto status = numeric_code(code_of(*progress, "TrangThai"));
        for (const Value& p : list->GetArray()) {
          if (p.IsObject() && code_of(p, "ThoiDiemXuLy") == at &&
              numeric_code(code_of(p, "TrangThai")) == status) {
            part.progress_done = true;
            break;
          }
        }
      }
      // Everything there: nothing to send, not even the dossier record.
      if (!it.next_progress()) it.dossier_done = true;
    }
  }

  // The request's "data" member: the records' text as queued, or written out.
  static std::string data_member(const std::vector<Record>& data) {
    std::string out = ",\"data\":[";
    for (size_t i = 0; i < data.size(); ++i) {
      if (i) out.push_back(',');
      if (!data[i].raw.empty()) {
        out.append(data[i].raw);
      } else {
        json::append_to(out, *data[i].value);
      }
    }
    out.push_back(']');
    return out;
  }

  // DongBoHoSoMC: one record per message, the dossier as of its latest event (the
  // portal's dossier record is a state; the history goes as progress records).
  void push_dossiers(std::vector<Item>& items) {
    // A create refused as existing becomes an update and vice versa; twice at most.
    for (int round = 0; round < 3; ++round) {
      std::map<bool, std::vector<Item*>> groups;  // isUpdating → items
      for (auto& it : items) {
        if (it.failed || it.dossier_done) continue;
        groups[!it.create].push_back(&it);
      }
      if (groups.empty()) return;
      bool switched = false;
      for (auto& [updating, group] : groups) {
        for (size_t start = 0; start < group.size(); start += batch_size_) {
          size_t end = std::min(group.size(), start + batch_size_);
          std::vector<Record> records;
          records.reserve(end - start);
          for (size_t k = start; k < end; ++k) records.push_back({group[k]->dossier, group[k]->dossier_raw});
          // isUpdating is the string "True"/"False" (OpenCPS; the .NET client's bool
          // serialised the same way), and only on this service.
          std::string rest = updating ? ",\"isUpdating\":\"True\"" : ",\"isUpdating\":\"False\"";
          rest += data_member(records);
          auto ans = call(kSyncDossiers, rest);
          for (size_t k = start; k < end; ++k) {
            Item& it = *group[k];
            if (!ans.ok()) {
              fail(it, ans.error());
              continue;
            }
            RecordOutcome r = outcome(*ans, k - start, end - start);
            if (r.kind == RecordOutcome::kOk) {
              it.dossier_done = true;
            } else if (r.kind == RecordOutcome::kExists && it.create) {
              it.create = false;
              switched = true;
            } else if (r.kind == RecordOutcome::kNotFound && !it.create) {
              it.create = true;
              switched = true;
            } else {
              fail(it, refused(kSyncDossiers, r, wire_));
            }
          }
        }
      }
      if (!switched) return;
    }
  }

  // CapNhatTienDoHoSoMC in rounds: each call carries at most one progress record per
  // dossier, the earliest one not yet at the portal, so a record the portal refuses (or
  // a call that fails) never lets a later status of that dossier through before it.
  void push_progress(std::vector<Item>& items) {
    for (;;) {
      std::vector<std::pair<Item*, Part*>> round;
      for (auto& it : items) {
        if (it.failed || !it.dossier_done) continue;
        if (Part* p = it.next_progress()) round.emplace_back(&it, p);
      }
      if (round.empty()) return;
      for (size_t start = 0; start < round.size(); start += batch_size_) {
        size_t end = std::min(round.size(), start + batch_size_);
        std::vector<Record> records;
        records.reserve(end - start);
        for (size_t k = start; k < end; ++k)
          records.push_back({round[k].second->progress, round[k].second->progress_raw});
        auto ans = call(kSyncProgress, data_member(records));
        for (size_t k = start; k < end; ++k) {
          auto [it, part] = round[k];
          if (!ans.ok()) {
            fail(*it, ans.error());
            continue;
          }
          RecordOutcome r = outcome(*ans, k - start, end - start);
          if (r.kind == RecordOutcome::kOk) {
            part->progress_done = true;
          } else {
            fail(*it, refused(kSyncProgress, r, wire_));
          }
        }
      }
    }
  }

  // The message fails at its earliest event not yet at the portal (its quarantine key).
  static void fail(Item& it, Error e) {
    it.failed = true;
    const Part* p = it.next_progress();
    it.failed_sequence = p ? p->sequence : it.parts.back().sequence;
    it.error = std::move(e);
  }

  // Per-record results in "data" when the portal gives them (no public source); else the
  // call's own code stands for each of its records, as the public clients read it.
  RecordOutcome outcome(const Answer& a, size_t i, size_t n) const {
    if (a.data && a.data->IsArray() && a.data->Size() == n) {
      const Value& r = (*a.data)[static_cast<rapidjson::SizeType>(i)];
      if (r.IsObject() && json::member(r, "error_code"))
        return classify(code_of(r, "error_code"), code_of(r, "message"), wire_);
    }
    RecordOutcome whole = classify(a.code, a.message, wire_);
    if (whole.kind == RecordOutcome::kRefused && n > 1 && numeric_code(a.code) == 2) {
      whole.message = "the portal gave no per-record result for a partly refused call";
      whole.code = "?";
    }
    return whole;
  }

  // POST {base_url}{integration_path} {"session","madonvi","service"<rest>}; a refused
  // session (session_refused_codes, or HTTP 401) is renewed once and the call retried.
  Result<Answer> call(const char* service, std::string_view rest) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      LT_ASSIGN_OR_RETURN(std::string session, session_token());
      // Written straight from the records: no copy of them into a request document.
      http::ClientRequest req;
      req.body.reserve(rest.size() + session.size() + madonvi_.size() + 64);
      req.body.append("{\"session\":");
      json::append_string(req.body, session);
      req.body.append(",\"madonvi\":");
      json::append_string(req.body, madonvi_);
      req.body.append(",\"service\":");
      json::append_string(req.body, service);
      req.body.append(rest);
      req.body.push_back('}');
      req.method = "POST";
      req.url = base_url_ + wire_.integration_path;
      req.system = "dvcqg";
      req.operation = service;
      add_headers(req);
      // DongBoHoSoMC and CapNhatTienDoHoSoMC change the portal: the client sends them on
      // fresh connections (no silent resend). A look-up may reuse one.
      req.idempotent = std::string_view(service) == kLookup;
      LT_ASSIGN_OR_RETURN(http::ClientResponse res, client_.send(req));
      if (res.status == 401 && attempt == 0) {
        drop_session(session);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        Error e(http::kind_for_status(res.status),
                std::string("DVCQG ") + service + " answered HTTP " + std::to_string(res.status));
        e.upstream_status = res.status;
        return e;
      }
      auto parsed = read_answer(res.body);
      if (!parsed.ok())
        return Error(ErrorKind::kProtocol, std::string("DVCQG ") + service + " " + parsed.error().message +
                                               "; check base_url and integration_path");
      Answer a = std::move(parsed).value();
      auto n = numeric_code(a.code);
      if (n && wire_.session_refused.count(*n)) {
        drop_session(session);
        if (attempt == 0) continue;
        break;
      }
      return a;
    }
    return Error(ErrorKind::kServer, std::string("DVCQG ") + service +
                                         " refused a freshly opened session (session_refused_codes or HTTP "
                                         "401); retried later");
  }

  void add_headers(http::ClientRequest& req) const {
    req.headers.push_back({"Content-Type", "application/json"});
    req.headers.push_back({"Accept", "application/json"});
    // OpenCPS's routing header for the adapter/NGSP in front of the portal.
    if (!wire_.dstcode.empty()) req.headers.push_back({"dstcode", wire_.dstcode});
  }

  Result<std::string> session_token() {
    std::lock_guard lock(mu_);
    if (!session_.empty()) return session_;
    rapidjson::Document body(rapidjson::kObjectType);
    auto& al = body.GetAllocator();
    body.AddMember("username", Value(username_.c_str(), al), al);
    body.AddMember("password", Value(password_.reveal().c_str(), al), al);
    http::ClientRequest req;
    req.method = "POST";
    req.url = base_url_ + wire_.auth_path;
    req.system = "dvcqg";
    req.operation = "session";
    add_headers(req);
    req.idempotent = true;
    req.body = json::to_string(body);
    LT_ASSIGN_OR_RETURN(http::ClientResponse res, client_.send(req));
    if (res.status < 200 || res.status >= 300) {
      Error e(http::kind_for_status(res.status), "DVCQG auth answered HTTP " + std::to_string(res.status));
      e.upstream_status = res.status;
      return e;
    }
    auto doc = json::parse(res.body, "DVCQG auth answer");
    if (!doc.ok() || !doc->IsObject())
      return Error(ErrorKind::kProtocol,
                   "DVCQG auth answered without a JSON object; check base_url and auth_path");
    std::string code = code_of(*doc, "error_code");
    auto session = json::get_string(*doc, "session");
    if (numeric_code(code) != 0 || !session || session->empty()) {
      Error e(ErrorKind::kUnauthorized, "DVCQG auth refused the account (code " + code +
                                            "); check adapters.dvcqg.username and password");
      e.code = code;
      return e;
    }
    ++sessions_opened_;
    session_ = *session;
    return session_;
  }

  void drop_session(const std::string& s) {
    std::lock_guard lock(mu_);
    if (session_ == s) session_.clear();
  }

  std::string base_url_, username_;
  Secret password_;
  std::string madonvi_;
  size_t batch_size_;
  size_t events_per_message_;
  bool verify_retries_;
  mapping::Mapping dossier_map_, progress_map_;
  mapping::StatusMachine machine_;
  WireOptions wire_;
  std::shared_ptr<const codes::CodeTables> tables_;
  std::unique_ptr<mapping::CodeResolver> agencies_;
  std::map<std::string, std::string, std::less<>> agency_names_;
  std::shared_ptr<const procedures::ProcedureCatalogue> procedures_;
  http::HttpClient client_;
  const Clock& clock_;
  dossiers::Quarantine* quarantine_;
  std::mutex mu_;
  std::string session_;
  int64_t sessions_opened_ = 0;
};

}  // namespace

void validate_config(const ConfigNode& node) {
  node.allow_only(config_keys());
  std::string base = node.string("base_url");
  if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0)
    node.fail("base_url",
              "expected an http:// or https:// URL of the portal's adapter (…/auth, …/integration)");
  (void)node.string("username");
  (void)node.secret("password");
  std::string unit = node.string("madonvi");
  if (unit.empty()) node.fail("madonvi", "expected the province's unit code registered with DVCQG");
  (void)node.integer_or("batch_size", 100, 1, 1000);
  (void)node.integer_or("events_per_message", 50, 1, 1000);
  (void)node.boolean_or("verify_retries", true);
  (void)http::ClientOptions::from_config(node);
  (void)DvcqgTarget::load(node, "dossier_mapping", "mappings/dvcqg/dossier.json");
  (void)DvcqgTarget::load(node, "progress_mapping", "mappings/dvcqg/progress.json");
  (void)DvcqgTarget::load_machine(node);
  WireOptions wire = WireOptions::from(node);
  (void)DvcqgTarget::load_tables(node);
  if (wire.agency_name) (void)DvcqgTarget::load_agency_names(node);
  (void)DvcqgTarget::load_procedures(node);
}

Status read_portal_answer(std::string_view body) {
  LT_ASSIGN_OR_RETURN(Answer a, read_answer(body));
  WireOptions w;
  w.session_refused = {1001};
  w.not_found = {1005};
  w.invalid = {1002, 1003, 1007};
  size_t n = a.data ? a.data->Size() : 1;
  for (size_t i = 0; i < n && i < 1000; ++i) {
    // As deliver() reads a call's records, then TraCuuHoSo's dossiers and their progress.
    RecordOutcome r;
    if (a.data && (*a.data)[static_cast<rapidjson::SizeType>(i)].IsObject()) {
      const Value& rec = (*a.data)[static_cast<rapidjson::SizeType>(i)];
      r = classify(code_of(rec, "error_code"), code_of(rec, "message"), w);
    } else {
      r = classify(a.code, a.message, w);
    }
    if (r.kind == RecordOutcome::kRefused) (void)refused(kSyncDossiers, r, w);
  }
  if (a.result && a.result->Size() > 0 && (*a.result)[0].IsObject()) {
    const Value* list = json::member((*a.result)[0], "DanhSachTienDo");
    if (list && list->IsArray())
      for (const Value& p : list->GetArray())
        if (p.IsObject()) (void)numeric_code(code_of(p, "TrangThai"));
  }
  return {};
}

std::unique_ptr<sync::SyncTarget> make_target(const ConfigNode& node, const Clock& clock,
                                              dossiers::Quarantine* quarantine) {
  return std::make_unique<DvcqgTarget>(node, clock, quarantine);
}

}  // namespace lienthong::adapters::dvcqg
