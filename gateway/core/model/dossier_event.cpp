#include "gateway/core/model/dossier_event.hpp"

#include <cstring>

#include "gateway/core/common/json.hpp"

namespace lienthong::model {

bool valid_status(int code) {
  return code >= 1 && code <= 10;
}

std::string DossierStatusEvent::event_key() const {
  return dossier_code + "#" + std::to_string(sequence);
}

namespace {
using rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

void put(Value& o, const char* k, const std::string& s, Alloc& a) {
  o.AddMember(rapidjson::StringRef(k), Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a), a);
}
void put(Value& o, const char* k, int64_t n, Alloc& a) {
  o.AddMember(rapidjson::StringRef(k), Value(n), a);
}
void put_opt(Value& o, const char* k, const std::optional<int64_t>& n, Alloc& a) {
  if (n) put(o, k, *n, a);
}

Value docs(const std::vector<Document>& v, Alloc& a) {
  Value arr(rapidjson::kArrayType);
  for (auto& d : v) {
    Value o(rapidjson::kObjectType);
    put(o, "code", d.code, a);
    put(o, "name", d.name, a);
    put(o, "url", d.url, a);
    arr.PushBack(o, a);
  }
  return arr;
}

struct Reader {
  const Value& v;
  std::optional<Error> err;
  // Members are looked up in the order the canonical form (and the mappings that make it)
  // writes them, so the next member is tried first instead of a scan of all of them.
  // `in_order`: every member before `next` was one asked for already, under another name;
  // the member at `next` is then the first of its name, as a scan would find it.
  rapidjson::SizeType next = 0;
  bool in_order = true;

  // Each field is looked up once.
  const Value* find(const char* k) {
    if (!v.IsObject()) return nullptr;
    size_t len = std::strlen(k);
    if (in_order && next < v.MemberCount()) {
      const auto& m = v.MemberBegin()[next];
      if (m.name.GetStringLength() == len && std::memcmp(m.name.GetString(), k, len) == 0) {
        ++next;
        return &m.value;
      }
    }
    auto it = v.FindMember(Value(rapidjson::StringRef(k, static_cast<rapidjson::SizeType>(len))));
    if (it == v.MemberEnd()) return nullptr;  // absent: the order still holds
    in_order = false;
    return &it->value;
  }
  static bool present(const Value* m) { return m && !m->IsNull(); }

  std::string str(const char* k, bool required) {
    const Value* m = find(k);
    if (!m || !m->IsString()) {
      if (required || present(m)) fail(k, "a string");
      return {};
    }
    if (required && m->GetStringLength() == 0) fail(k, "a non-empty string");
    return std::string(m->GetString(), m->GetStringLength());
  }
  int64_t i64(const Value* m, const char* k, bool required) {
    if (!m || !m->IsInt64()) {
      if (required || present(m)) fail(k, "an integer");
      return 0;
    }
    return m->GetInt64();
  }
  int64_t i64(const char* k, bool required) { return i64(find(k), k, required); }
  std::optional<int64_t> opt_i64(const char* k) {
    const Value* m = find(k);
    if (!present(m)) return std::nullopt;
    return i64(m, k, true);
  }
  bool boolean(const char* k) {
    const Value* m = find(k);
    if (m && m->IsBool()) return m->GetBool();
    if (present(m)) fail(k, "true or false");
    return false;
  }
  void fail(const char* k, const char* what) {
    if (!err) err = Error(ErrorKind::kValidation, std::string("field '") + k + "': expected " + what);
  }
};

std::vector<Document> read_docs(Reader& r, const char* k) {
  std::vector<Document> out;
  const Value* arr = r.find(k);
  if (!arr || arr->IsNull()) return out;
  if (!arr->IsArray()) {
    r.fail(k, "an array");
    return out;
  }
  out.reserve(arr->Size());
  for (auto& e : arr->GetArray()) {
    if (!e.IsObject()) {
      r.fail(k, "an array of objects");
      return out;
    }
    Reader er{e, {}};
    Document d{er.str("code", false), er.str("name", false), er.str("url", false)};
    if (er.err) r.err = er.err->context(k);
    out.push_back(std::move(d));
  }
  return out;
}
}  // namespace

rapidjson::Document to_json(const DossierStatusEvent& e) {
  rapidjson::Document d;
  to_json(e, d, d.GetAllocator());
  return d;
}

void to_json(const DossierStatusEvent& e, rapidjson::Value& d, Alloc& a) {
  d.SetObject();
  put(d, "source", e.source, a);
  put(d, "dossier_code", e.dossier_code, a);
  put(d, "procedure_code", e.procedure_code, a);
  put(d, "procedure_name", e.procedure_name, a);
  put(d, "field_code", e.field_code, a);
  put(d, "channel", e.channel, a);
  put(d, "owner_type", e.owner_type, a);
  put(d, "owner_name", e.owner_name, a);
  put(d, "owner_id_number", e.owner_id_number, a);
  // Written only when known, so that events stored before these keys read back the same.
  if (!e.owner_email.empty()) put(d, "owner_email", e.owner_email, a);
  if (!e.owner_phone.empty()) put(d, "owner_phone", e.owner_phone, a);
  if (!e.owner_account.empty()) put(d, "owner_account", e.owner_account, a);
  put(d, "agency_code", e.agency_code, a);
  put(d, "agency_level", e.agency_level, a);
  put(d, "received_at_ms", e.received_at_ms, a);
  put(d, "due_at_ms", e.due_at_ms, a);
  put_opt(d, "returned_at_ms", e.returned_at_ms, a);
  put_opt(d, "finished_at_ms", e.finished_at_ms, a);
  put(d, "status", e.status, a);
  put(d, "status_at_ms", e.status_at_ms, a);
  put(d, "sequence", e.sequence, a);
  put(d, "officer", e.officer, a);
  put(d, "officer_title", e.officer_title, a);
  put(d, "department", e.department, a);
  put(d, "note", e.note, a);
  d.AddMember("online_payment", e.online_payment, a);
  d.AddMember("digitised", e.digitised, a);
  Value fees(rapidjson::kArrayType);
  for (auto& f : e.fees) {
    Value o(rapidjson::kObjectType);
    put(o, "code", f.code, a);
    put(o, "name", f.name, a);
    put(o, "amount_vnd", f.amount_vnd, a);
    fees.PushBack(o, a);
  }
  d.AddMember("fees", fees, a);
  d.AddMember("documents", docs(e.documents, a), a);
  d.AddMember("results", docs(e.results, a), a);
}

namespace {
void append_docs(json::ObjectWriter& w, std::string& out, std::string_view k,
                 const std::vector<Document>& v) {
  w.key(k);
  out.push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out.push_back(',');
    json::ObjectWriter o(out);
    o.str("code", v[i].code).str("name", v[i].name).str("url", v[i].url).close();
  }
  out.push_back(']');
}
}  // namespace

// The same members in the same order as to_json, and the same text as json::to_string of
// its document (checked by the model's tests).
void append_json(std::string& out, const DossierStatusEvent& e) {
  json::ObjectWriter w(out);
  w.str("source", e.source)
      .str("dossier_code", e.dossier_code)
      .str("procedure_code", e.procedure_code)
      .str("procedure_name", e.procedure_name)
      .str("field_code", e.field_code)
      .num("channel", e.channel)
      .num("owner_type", e.owner_type)
      .str("owner_name", e.owner_name)
      .str("owner_id_number", e.owner_id_number);
  if (!e.owner_email.empty()) w.str("owner_email", e.owner_email);
  if (!e.owner_phone.empty()) w.str("owner_phone", e.owner_phone);
  if (!e.owner_account.empty()) w.str("owner_account", e.owner_account);
  w.str("agency_code", e.agency_code)
      .str("agency_level", e.agency_level)
      .num("received_at_ms", e.received_at_ms)
      .num("due_at_ms", e.due_at_ms);
  if (e.returned_at_ms) w.num("returned_at_ms", *e.returned_at_ms);
  if (e.finished_at_ms) w.num("finished_at_ms", *e.finished_at_ms);
  w.num("status", e.status)
      .num("status_at_ms", e.status_at_ms)
      .num("sequence", e.sequence)
      .str("officer", e.officer)
      .str("officer_title", e.officer_title)
      .str("department", e.department)
      .str("note", e.note)
      .boolean("online_payment", e.online_payment)
      .boolean("digitised", e.digitised);
  w.key("fees");
  out.push_back('[');
  for (size_t i = 0; i < e.fees.size(); ++i) {
    if (i > 0) out.push_back(',');
    json::ObjectWriter o(out);
    o.str("code", e.fees[i].code).str("name", e.fees[i].name).num("amount_vnd", e.fees[i].amount_vnd).close();
  }
  out.push_back(']');
  append_docs(w, out, "documents", e.documents);
  append_docs(w, out, "results", e.results);
  w.close();
}

std::string to_json_string(const DossierStatusEvent& e) {
  // Written directly, without a document first: every stored event (sync and webhooks)
  // and every accepted webhook's journal record is serialised here.
  std::string out;
  out.reserve(512 + e.procedure_name.size() + e.owner_name.size() + e.note.size() + e.officer.size() +
              e.department.size() + 128 * (e.fees.size() + e.documents.size() + e.results.size()));
  append_json(out, e);
  return out;
}

Result<DossierStatusEvent> from_json(const rapidjson::Value& v) {
  if (!v.IsObject()) return Error(ErrorKind::kValidation, "dossier event: expected a JSON object");
  Reader r{v, {}};
  DossierStatusEvent e;
  e.source = r.str("source", false);
  e.dossier_code = r.str("dossier_code", true);
  e.procedure_code = r.str("procedure_code", true);
  e.procedure_name = r.str("procedure_name", false);
  e.field_code = r.str("field_code", false);
  e.channel = static_cast<int>(r.i64("channel", false));
  e.owner_type = static_cast<int>(r.i64("owner_type", false));
  e.owner_name = r.str("owner_name", false);
  e.owner_id_number = r.str("owner_id_number", false);
  e.owner_email = r.str("owner_email", false);
  e.owner_phone = r.str("owner_phone", false);
  e.owner_account = r.str("owner_account", false);
  e.agency_code = r.str("agency_code", false);
  e.agency_level = r.str("agency_level", false);
  e.received_at_ms = r.i64("received_at_ms", true);
  e.due_at_ms = r.i64("due_at_ms", false);
  e.returned_at_ms = r.opt_i64("returned_at_ms");
  e.finished_at_ms = r.opt_i64("finished_at_ms");
  e.status = static_cast<int>(r.i64("status", true));
  e.status_at_ms = r.i64("status_at_ms", true);
  e.sequence = static_cast<int>(r.i64("sequence", false));
  e.officer = r.str("officer", false);
  e.officer_title = r.str("officer_title", false);
  e.department = r.str("department", false);
  e.note = r.str("note", false);
  e.online_payment = r.boolean("online_payment");
  e.digitised = r.boolean("digitised");
  if (const Value* fees = r.find("fees"); fees && !fees->IsNull()) {
    if (!fees->IsArray()) {
      r.fail("fees", "an array");
    } else {
      for (auto& f : fees->GetArray()) {
        Reader fr{f, {}};
        if (!f.IsObject()) {
          r.fail("fees", "an array of objects");
          break;
        }
        e.fees.push_back({fr.str("code", false), fr.str("name", false), fr.i64("amount_vnd", false)});
        if (fr.err) r.err = fr.err->context("fees");
      }
    }
  }
  e.documents = read_docs(r, "documents");
  e.results = read_docs(r, "results");
  if (r.err) return *r.err;
  if (!valid_status(e.status)) {
    return Error(ErrorKind::kValidation,
                 "field 'status': " + std::to_string(e.status) + " is not a TrangThaiHoSo code (1-10)");
  }
  return e;
}

Result<DossierStatusEvent> from_json_string(std::string_view text) {
  LT_ASSIGN_OR_RETURN(rapidjson::Document d, json::parse(text, "dossier event"));
  return from_json(d);
}

}  // namespace lienthong::model
