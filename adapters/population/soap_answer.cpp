#include "adapters/population/soap_answer.hpp"

#include <pugixml.hpp>

#include "adapters/population/name_key.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/common/markup.hpp"
#include "gateway/core/common/vn_time.hpp"

namespace lienthong::population::wire {
namespace {

std::string_view local_name(const pugi::xml_node& n) {
  std::string_view name = n.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  }
  return {};
}

std::string text_of(const pugi::xml_node& parent, std::string_view name) {
  pugi::xml_node c = child(parent, name);
  return c ? std::string(c.child_value()) : std::string();
}

std::string trimmed(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// HoVaTen either as {Ho, ChuDem, Ten} or as one text.
void read_name(const pugi::xml_node& n, std::string& family, std::string& middle, std::string& given) {
  if (child(n, "Ho") || child(n, "Ten")) {
    family = trimmed(text_of(n, "Ho"));
    middle = trimmed(text_of(n, "ChuDem"));
    given = trimmed(text_of(n, "Ten"));
  } else {
    family = trimmed(n.child_value());
  }
}

std::string joined_name(const pugi::xml_node& n) {
  std::string f, m, g;
  read_name(n, f, m, g);
  std::string out = f;
  for (auto* p : {&m, &g}) {
    if (p->empty()) continue;
    if (!out.empty()) out += ' ';
    out += *p;
  }
  return out;
}

model::Address read_address(const pugi::xml_node& n) {
  model::Address a;
  if (!n) return a;
  a.province_code = trimmed(text_of(n, "MaTinhThanh"));
  a.district_code = trimmed(text_of(n, "MaQuanHuyen"));
  a.ward_code = trimmed(text_of(n, "MaPhuongXa"));
  a.detail = trimmed(text_of(n, "ChiTiet"));
  return a;
}

std::optional<model::PersonRef> read_person(const pugi::xml_node& n) {
  if (!n) return std::nullopt;
  model::PersonRef p;
  p.personal_id = trimmed(text_of(n, "SoDinhDanh"));
  if (auto hv = child(n, "HoVaTen")) p.full_name = joined_name(hv);
  if (p.personal_id.empty() && p.full_name.empty()) return std::nullopt;
  return p;
}

Error protocol(std::string what) {
  return Error(ErrorKind::kProtocol, "population database answer: " + what);
}

// A code as the caller wants it: its name from `table` when names are asked for and the
// table lists it, the code otherwise.
std::string named(const std::string& code, const CodeTable* table) {
  if (!table || code.empty()) return code;
  const std::string* name = table->name_of(code);
  return name ? *name : code;
}

// CongdanCollection directly under Body (as the .NET client reads it) or inside an
// operation response element.
pugi::xml_node collection_of(const pugi::xml_node& body) {
  if (pugi::xml_node c = child(body, "CongdanCollection")) return c;
  for (pugi::xml_node n = body.first_child(); n; n = n.next_sibling()) {
    if (n.type() != pugi::node_element) continue;
    if (pugi::xml_node c = child(n, "CongdanCollection")) return c;
  }
  return {};
}

}  // namespace

std::string wire_date(std::string_view iso, bool dashed) {
  if (iso.size() == 4) return "";
  if (dashed) return std::string(iso);
  std::string out;
  for (char c : iso) {
    if (c != '-') out += c;
  }
  return out;
}

std::string build_soap_request(const Query& q, const RequestSettings& s) {
  const std::string& service = q.service_code.empty() ? s.default_service_code : q.service_code;
  auto el = [](std::string_view name, std::string_view value) {
    return "<qldc:" + std::string(name) + ">" + markup_escape(value) + "</qldc:" + std::string(name) + ">";
  };
  std::string out =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:qldc=\"";
  out += kNamespace;
  out += "\"><soapenv:Header/><soapenv:Body><qldc:";
  out += kOperation;
  out += ">";
  out += el("MaYeuCau", q.request_id) + el("MaDVC", service) + el("MaTichHop", s.integration_code) +
         el("MaCanBo", q.official_code) + el("SoDinhDanh", q.personal_id) +
         el("HoVaTen", wire_name(q.full_name));
  std::string date = wire_date(q.date_of_birth, s.dashed_date);
  out += "<qldc:NgayThangNamSinh>" +
         (date.empty() ? el("Nam", q.date_of_birth.substr(0, 4)) : el("NgayThangNam", date)) +
         "</qldc:NgayThangNamSinh>";
  out += "</qldc:";
  out += kOperation;
  out += "></soapenv:Body></soapenv:Envelope>";
  return out;
}

std::string build_adapter_request(const Query& q, const RequestSettings& s) {
  const std::string& service = q.service_code.empty() ? s.default_service_code : q.service_code;
  std::string date = wire_date(q.date_of_birth, s.dashed_date);
  std::string year = date.empty() ? q.date_of_birth.substr(0, 4) : std::string();
  std::string out = "{";
  auto put = [&](std::string_view key, std::string_view value) {
    if (out.size() > 1) out += ',';
    json::append_string(out, key);
    out += ':';
    json::append_string(out, value);
  };
  put("HoVaTen", wire_name(q.full_name));
  put("SoDinhDanh", q.personal_id);
  put("SoCMND", "");
  put("NgayThangNam", date);
  put("Nam", year);
  put("MaTichHop", s.integration_code);
  put("MaDVC", service);
  put("MaCanBo", q.official_code);
  put("MaYeuCau", q.request_id);
  return out + "}";
}

std::string build_lgsp_envelope(std::string_view token, std::string_view lgsp_access_token,
                                std::string_view auth_hash, std::string_view soap_request) {
  std::string out = "{\"accessToken\":";
  json::append_string(out, "Bearer " + std::string(token));
  out += ",\"lgspAccessToken\":";
  json::append_string(out, lgsp_access_token);
  out += ",\"AuthHash\":";
  json::append_string(out, auth_hash);
  out += ",\"data\":";
  json::append_string(out, soap_request);
  return out + "}";
}

Result<std::string> unwrap_adapter_answer(std::string_view text) {
  if (text.size() > kMaxAnswerBytes)
    return protocol("larger than " + std::to_string(kMaxAnswerBytes) + " bytes");
  auto doc = json::parse(text, "population adapter answer");
  if (!doc.ok() || !doc->IsObject()) return protocol("the adapter's answer is not a JSON object");
  const rapidjson::Value* code = json::member(*doc, "error_code");
  const rapidjson::Value* message = json::member(*doc, "message");
  if (!code || !(code->IsString() || code->IsInt64()))
    return protocol("the adapter's answer has no error_code");
  if (!message || !message->IsString()) return protocol("the adapter's answer has no message text");
  std::string_view msg(message->GetString(), message->GetStringLength());
  // A SOAP answer (found, not found or a fault) is read whatever error_code says.
  if (msg.find("Envelope") != std::string_view::npos) return std::string(msg);
  std::string c = code->IsString() ? std::string(code->GetString()) : std::to_string(code->GetInt64());
  bool zero = !c.empty() && c.find_first_not_of('0') == std::string::npos;
  if (zero) return protocol("the adapter answered error_code 0 without a SOAP answer in message");
  Error e(ErrorKind::kServer, "population adapter answered error_code " + c.substr(0, 40));
  e.code = c.substr(0, 40);
  return e;
}

std::optional<std::string> iso_date_from_wire(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto num = [&](size_t pos, size_t n) { return std::stoi(std::string(s.substr(pos, n))); };
  if (s.size() == 8) {
    if (!vn_time::valid_date(num(0, 4), num(4, 2), num(6, 2))) return std::nullopt;
    return std::string(s.substr(0, 4)) + "-" + std::string(s.substr(4, 2)) + "-" +
           std::string(s.substr(6, 2));
  }
  if (s.size() == 6) {
    if (num(4, 2) < 1 || num(4, 2) > 12) return std::nullopt;
    return std::string(s.substr(0, 4)) + "-" + std::string(s.substr(4, 2));
  }
  if (s.size() == 4) return std::string(s);
  return std::nullopt;
}

Result<Answer> parse_answer(std::string_view xml, std::string_view expected_id, const AnswerSettings& s) {
  if (xml.size() > kMaxAnswerBytes)
    return protocol("larger than " + std::to_string(kMaxAnswerBytes) + " bytes");
  pugi::xml_document doc;
  // No DOCTYPE processing: entities from outside input are never expanded.
  auto parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_doctype,
                                pugi::encoding_utf8);
  if (!parsed) {
    return protocol("malformed XML at byte " + std::to_string(parsed.offset) + ": " + parsed.description());
  }
  pugi::xml_node env = doc.document_element();
  if (local_name(env) != "Envelope") return protocol("root element is not a SOAP Envelope");
  pugi::xml_node body = child(env, "Body");
  if (!body) return protocol("no Envelope/Body");
  if (pugi::xml_node fault = child(body, "Fault")) {
    std::string code = trimmed(text_of(child(fault, "detail"), "MaLoi"));
    if (!s.mismatch_fault_code.empty() && code == s.mismatch_fault_code)
      return Answer{Outcome::kMismatch, {}, 1};
    Error e(ErrorKind::kServer, "population database answered a SOAP Fault" +
                                    (code.empty() ? std::string() : " with MaLoi " + code.substr(0, 40)));
    e.code = code.substr(0, 40);
    return e;
  }
  pugi::xml_node coll = collection_of(body);
  if (!coll) return protocol("no Body/CongdanCollection");
  pugi::xml_node cd = child(coll, "CongDan");
  if (!cd) return Answer{Outcome::kNotFound, {}, 1};
  for (pugi::xml_node n = cd.next_sibling(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_element && local_name(n) == "CongDan") {
      return protocol("more than one CongDan for one identification number");
    }
  }
  Answer a;
  a.outcome = Outcome::kFound;
  model::CitizenRecord& r = a.record;
  r.personal_id = trimmed(text_of(cd, "SoDinhDanh"));
  if (r.personal_id != expected_id)
    return protocol("CongDan/SoDinhDanh is not the number that was asked for");
  pugi::xml_node name = child(cd, "HoVaTen");
  if (!name) return protocol("CongDan has no HoVaTen");
  read_name(name, r.family_name, r.middle_name, r.given_name);
  std::string g = trimmed(text_of(cd, "GioiTinh"));
  r.gender = g == "1" ? "male" : g == "2" ? "female" : "unknown";
  pugi::xml_node birth = child(cd, "NgayThangNamSinh");
  if (!birth) return protocol("CongDan has no NgayThangNamSinh");
  pugi::xml_node full = child(birth, "NgayThangNam");
  pugi::xml_node year = child(birth, "Nam");
  if (!full && !year) return protocol("CongDan/NgayThangNamSinh has neither NgayThangNam nor Nam");
  std::string dob = trimmed(full ? std::string(full.child_value()) : std::string());
  if (dob.empty()) {
    dob = trimmed(year ? std::string(year.child_value()) : std::string());
    if (dob.size() != 4) return protocol("CongDan/NgayThangNamSinh/Nam is not a yyyy year");
  }
  auto iso = iso_date_from_wire(dob);
  if (!iso) return protocol("CongDan/NgayThangNamSinh/NgayThangNam is not a yyyyMMdd date");
  r.date_of_birth = *iso;
  const CodeTables* t = s.names.get();
  r.ethnicity = named(trimmed(text_of(cd, "DanToc")), t ? &t->ethnicity : nullptr);
  r.religion = named(trimmed(text_of(cd, "TonGiao")), t ? &t->religion : nullptr);
  r.nationality = named(trimmed(text_of(cd, "QuocTich")), t ? &t->nationality : nullptr);
  r.hometown = read_address(child(cd, "QueQuan"));
  r.permanent_address = read_address(child(cd, "ThuongTru"));
  r.current_address = read_address(child(cd, "NoiOHienTai"));
  if (pugi::xml_node ch = child(cd, "ChuHo")) {
    if (auto p = read_person(ch))
      r.household_head =
          model::HouseholdHead{named(trimmed(text_of(ch, "QuanHe")), t ? &t->relation : nullptr), *p};
  }
  r.father = read_person(child(cd, "Cha"));
  r.mother = read_person(child(cd, "Me"));
  r.spouse = read_person(child(cd, "VoChong"));
  return a;
}

}  // namespace lienthong::population::wire
