#include "sim/population/population_sim.hpp"

#include <chrono>
#include <pugixml.hpp>
#include <thread>

#include "adapters/population/name_key.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/common/markup.hpp"

namespace lienthong::sim::population {
namespace {

std::string el(std::string_view name, std::string_view value) {
  return "<" + std::string(name) + ">" + markup_escape(value) + "</" + std::string(name) + ">";
}

// The codes of the values the generator uses, as mappings/citizen/ lists them (the
// simulator keeps its own copy so that a wrong table in the gateway shows in the tests).
std::string code_of(std::string_view name) {
  static const std::map<std::string, std::string, std::less<>> codes = {
      {"Kinh", "01"},      {"Tày", "02"},     {"Thái", "03"},     {"Hoa", "04"},      {"Khơ-me", "05"},
      {"Mường", "06"},     {"Nùng", "07"},    {"HMông", "08"},    {"Không", "00"},    {"Phật giáo", "01"},
      {"Công giáo", "02"}, {"Cao đài", "05"}, {"Tin lành", "08"}, {"Việt Nam", "VN"}, {"Chủ hộ", "CH01"},
      {"Vợ", "CH02"},      {"Chồng", "CH03"}, {"Con", "CH04"}};
  auto it = codes.find(name);
  return it == codes.end() ? std::string(name) : it->second;
}

std::string address(std::string_view name, const model::Address& a) {
  return "<" + std::string(name) + ">" + el("MaTinhThanh", a.province_code) +
         el("MaQuanHuyen", a.district_code) + el("MaPhuongXa", a.ward_code) + el("ChiTiet", a.detail) + "</" +
         std::string(name) + ">";
}

// HoVaTen as {Ho, ChuDem, Ten}: the first word, the middle words, the last word.
std::string structured_name(std::string_view full) {
  size_t first = full.find(' '), last = full.rfind(' ');
  std::string_view ho = full.substr(0, first), ten = full, chu_dem;
  if (first != std::string_view::npos) {
    ten = full.substr(last + 1);
    if (last > first) chu_dem = full.substr(first + 1, last - first - 1);
  } else {
    ho = {};
  }
  return "<HoVaTen>" + el("Ho", ho) + el("ChuDem", chu_dem) + el("Ten", ten) + "</HoVaTen>";
}

// Cha, Me, VoChong as CongdanCollection.xsd shapes Cha and Me: SoDinhDanh, QuocTich,
// HoVaTen{Ho, ChuDem, Ten}.
std::string person(std::string_view name, const std::optional<model::PersonRef>& p) {
  if (!p) return "";
  return "<" + std::string(name) + ">" + el("SoDinhDanh", p->personal_id) + el("QuocTich", "VN") +
         structured_name(p->full_name) + "</" + std::string(name) + ">";
}

std::string envelope(const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
         "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>" +
         body + "</soap:Body></soap:Envelope>";
}

std::string compact_date(const std::string& iso) {
  std::string out;
  for (char c : iso) {
    if (c != '-') out += c;
  }
  return out;
}

SimReply reply(int status, std::string body, std::string type = "text/xml; charset=utf-8") {
  return SimReply{status, std::move(type), std::move(body)};
}

}  // namespace

std::string soap_found(const model::CitizenRecord& r) {
  std::string cd = "<CongDan>" + el("SoDinhDanh", r.personal_id) + el("SoCMND", "") + "<HoVaTen>" +
                   el("Ho", r.family_name) + el("ChuDem", r.middle_name) + el("Ten", r.given_name) +
                   "</HoVaTen>" + "<NgayThangNamSinh>" + el("NgayThangNam", compact_date(r.date_of_birth)) +
                   "</NgayThangNamSinh>" +
                   el("GioiTinh", r.gender == "male"     ? "1"
                                  : r.gender == "female" ? "2"
                                                         : "0") +
                   el("DanToc", code_of(r.ethnicity)) + el("TonGiao", code_of(r.religion)) +
                   el("QuocTich", code_of(r.nationality)) + address("QueQuan", r.hometown) +
                   address("ThuongTru", r.permanent_address) + address("NoiOHienTai", r.current_address);
  if (r.household_head) {
    cd += "<ChuHo>" + el("QuanHe", code_of(r.household_head->relationship)) +
          el("SoDinhDanh", r.household_head->person.personal_id) + el("SoCMND", "") +
          el("HoVaTen", r.household_head->person.full_name) + "</ChuHo>";
  }
  cd += person("Cha", r.father) + person("Me", r.mother) + person("VoChong", r.spouse) + "</CongDan>";
  return envelope("<CongdanCollection xmlns=\"http://www.mic.gov.vn/dancu/1.0\">" + cd +
                  "</CongdanCollection>");
}

std::string soap_not_found() {
  return envelope("<CongdanCollection xmlns=\"http://www.mic.gov.vn/dancu/1.0\"/>");
}

std::string adapter_wrap(std::string_view error_code, std::string_view soap) {
  std::string out = "{\"error_code\":";
  json::append_string(out, error_code);
  out += ",\"message\":";
  json::append_string(out, soap);
  return out + "}";
}

std::string soap_fault(std::string_view code, std::string_view text) {
  return envelope("<soap:Fault><faultcode>soap:Client</faultcode>" + el("faultstring", text) + "<detail>" +
                  el("MaLoi", code) + "</detail></soap:Fault>");
}

PopulationSim::PopulationSim(SimOptions options)
    : options_(std::move(options)), population_(Population::generate(options_.seed, options_.households)) {}

SimReply PopulationSim::handle(std::string_view method, std::string_view path, const Headers& headers,
                               std::string_view body) {
  if (path == "/_sim/population/control" && method == "POST") return control(body);
  if (path.rfind("/_sim/population/citizens", 0) == 0 && method == "GET") return sample(path);
  if (path == "/token" && method == "POST") return issue_token(headers, body);
  const bool adapter = path == options_.adapter_path;
  const bool envelope = path == options_.envelope_path;
  if (path != options_.lookup_path && !adapter && !envelope)
    return reply(404, soap_fault("KHONG_TON_TAI", "no such endpoint"));
  if (method != "POST") return reply(405, soap_fault("PHUONG_THUC", "use POST"));
  // On the envelope route the token, the partner's keys and the official's hash come in the
  // JSON body, the SOAP request as text in `data`; elsewhere as headers.
  Headers h = headers;
  std::string token_text, lgsp_text, hash_text, data;
  if (envelope) {
    auto doc = json::parse(body, "envelope");
    if (!doc.ok() || !doc->IsObject())
      return reply(400, soap_fault("DU_LIEU", "envelope: not a JSON object"));
    std::pair<const char*, std::string*> keys[] = {{"accessToken", &token_text},
                                                   {"lgspAccessToken", &lgsp_text},
                                                   {"AuthHash", &hash_text},
                                                   {"data", &data}};
    for (auto& [key, out] : keys) {
      auto v = json::get_string(*doc, key);
      if (!v) return reply(400, soap_fault("DU_LIEU", std::string("envelope: missing ") + key));
      *out = *v;
    }
    h = Headers{token_text, lgsp_text, hash_text};
    body = data;
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (h.authorization.rfind(kBearer, 0) != 0 || !token_ok(h.authorization.substr(kBearer.size()))) {
    return reply(401, soap_fault("TOKEN", "missing or invalid bearer token"));
  }
  if (!options_.lgsp_access_token.empty() && h.lgsp_access_token != options_.lgsp_access_token) {
    return reply(401, soap_fault("LGSP", "missing or invalid lgspaccesstoken"));
  }
  if (!options_.auth_hashes.empty() && options_.auth_hashes.find(h.auth_hash) == options_.auth_hashes.end()) {
    return reply(403, soap_fault("AUTHHASH", "missing or unknown AuthHash of the official"));
  }
  if (int ms = latency_ms.load(); ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  lookups++;
  if (outage.load()) return reply(503, soap_fault("BAO_TRI", "service under maintenance"));
  for (int n = fail_next.load(); n > 0;) {
    if (fail_next.compare_exchange_weak(n, n - 1))
      return reply(500, soap_fault("LOI_HE_THONG", "internal error"));
  }
  return lookup(body, adapter);
}

namespace {

// The request's fields, from either route.
struct LookupFields {
  std::string request_id, service_code, integration_code, official, personal_id, name, date, year;
};

std::string_view local(std::string_view name) {
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string_view prefix(std::string_view name) {
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? std::string_view() : name.substr(0, colon);
}

// The namespace URI bound to `node`'s prefix, looked up through its ancestors.
std::string namespace_of(const pugi::xml_node& node) {
  std::string attr = prefix(node.name()).empty() ? "xmlns" : "xmlns:" + std::string(prefix(node.name()));
  for (pugi::xml_node n = node; n; n = n.parent()) {
    if (auto a = n.attribute(attr.c_str())) return a.value();
  }
  return "";
}

pugi::xml_node element(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local(c.name()) == name) return c;
  }
  return {};
}

// The SOAP request as the contract page shows it; "" or the field that is wrong.
std::string read_soap(std::string_view body, LookupFields& f) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size(), pugi::parse_default & ~pugi::parse_doctype,
                       pugi::encoding_utf8))
    return "body (not XML)";
  pugi::xml_node env = doc.document_element();
  if (local(env.name()) != "Envelope" || namespace_of(env) != "http://schemas.xmlsoap.org/soap/envelope/")
    return "Envelope";
  pugi::xml_node op = element(element(env, "Body"), "TraCuuThongTinCongDan");
  if (!op) return "Body/TraCuuThongTinCongDan";
  if (namespace_of(op) != "http://dancuquocgia.bca") return "TraCuuThongTinCongDan (namespace)";
  std::pair<const char*, std::string*> fields[] = {
      {"MaYeuCau", &f.request_id}, {"MaDVC", &f.service_code},     {"MaTichHop", &f.integration_code},
      {"MaCanBo", &f.official},    {"SoDinhDanh", &f.personal_id}, {"HoVaTen", &f.name}};
  for (auto& [name, out] : fields) {
    pugi::xml_node n = element(op, name);
    if (!n) return name;
    if (namespace_of(n) != "http://dancuquocgia.bca") return std::string(name) + " (namespace)";
    *out = n.child_value();
  }
  pugi::xml_node birth = element(op, "NgayThangNamSinh");
  if (!birth) return "NgayThangNamSinh";
  f.date = element(birth, "NgayThangNam").child_value();
  f.year = element(birth, "Nam").child_value();
  return "";
}

std::string read_adapter(std::string_view body, LookupFields& f) {
  auto doc = json::parse(body, "lookup request");
  if (!doc.ok() || !doc->IsObject()) return "body (not a JSON object)";
  std::pair<const char*, std::string*> fields[] = {
      {"MaYeuCau", &f.request_id},        {"MaDVC", &f.service_code},
      {"MaTichHop", &f.integration_code}, {"MaCanBo", &f.official},
      {"SoDinhDanh", &f.personal_id},     {"HoVaTen", &f.name},
      {"NgayThangNam", &f.date},          {"Nam", &f.year}};
  for (auto& [name, out] : fields) {
    auto v = json::get_string(*doc, name);
    if (!v) return name;
    *out = *v;
  }
  return "";
}

bool all_digits(std::string_view s, size_t n) {
  return s.size() == n && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

SimReply PopulationSim::lookup(std::string_view body, bool adapter) {
  // The adapter route carries the SOAP text (answer or fault) in {error_code, message}.
  auto answer = [adapter](int status, const std::string& soap, std::string_view code = "0") {
    if (!adapter) return reply(status, soap);
    return reply(status, adapter_wrap(status == 200 ? "0" : code, soap), "application/json");
  };
  LookupFields f;
  std::string wrong = adapter ? read_adapter(body, f) : read_soap(body, f);
  if (wrong.empty()) {
    if (f.request_id.empty())
      wrong = "MaYeuCau";
    else if (f.service_code.empty())
      wrong = "MaDVC";
    else if (f.integration_code.empty())
      wrong = "MaTichHop";
    else if (f.official.empty())
      wrong = "MaCanBo";
    else if (f.personal_id.empty())
      wrong = "SoDinhDanh";
    // Upper case, no diacritics, no spaces: what population::wire_name produces.
    else if (f.name.empty() || lienthong::population::wire_name(f.name) != f.name ||
             f.name.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos)
      wrong = "HoVaTen";
    else if (!all_digits(f.date, 8) && !(f.date.empty() && all_digits(f.year, 4)))
      wrong = "NgayThangNamSinh";
  }
  if (!wrong.empty()) {
    return answer(400, soap_fault("DU_LIEU", "request field missing or malformed: " + wrong), "400");
  }
  const model::CitizenRecord* r = population_.find(f.personal_id);
  if (!r) return answer(200, soap_not_found());
  std::string dob = compact_date(r->date_of_birth);
  bool date_ok = f.date.empty() ? dob.substr(0, 4) == f.year : dob == f.date;
  if (lienthong::population::wire_name(r->full_name()) != f.name || !date_ok) {
    return answer(200, soap_fault("DL_KHONG_KHOP", "identity data do not match"));
  }
  return answer(200, soap_found(*r));
}

SimReply PopulationSim::control(std::string_view body) {
  auto doc = json::parse(body, "control");
  if (!doc.ok() || !doc->IsObject())
    return reply(400, "{\"error\":\"expected a JSON object\"}", "application/json");
  if (auto v = json::get_bool(*doc, "outage")) outage = *v;
  if (auto v = json::get_int(*doc, "fail_next")) fail_next = static_cast<int>(*v);
  if (auto v = json::get_int(*doc, "latency_ms")) latency_ms = static_cast<int>(*v);
  return reply(200,
               "{\"outage\":" + std::string(outage ? "true" : "false") +
                   ",\"fail_next\":" + std::to_string(fail_next.load()) +
                   ",\"latency_ms\":" + std::to_string(latency_ms.load()) + "}",
               "application/json");
}

bool PopulationSim::token_ok(std::string_view token) {
  if (options_.token_valid && options_.token_valid(token)) return true;
  std::lock_guard lock(tokens_mu_);
  return issued_.find(token) != issued_.end();
}

namespace {
std::string base64_decode(std::string_view in) {
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z')
      d = c - 'A';
    else if (c >= 'a' && c <= 'z')
      d = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      d = c - '0' + 52;
    else if (c == '+')
      d = 62;
    else if (c == '/')
      d = 63;
    else
      break;
    val = (val << 6) + d;
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((val >> bits) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

std::string form_value(std::string_view body, std::string_view key) {
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t amp = body.find('&', pos);
    std::string_view pair =
        body.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=') {
      return std::string(pair.substr(key.size() + 1));
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return "";
}
}  // namespace

// POST /token: client_credentials, as the NGSP API manager answers it.
SimReply PopulationSim::issue_token(const Headers& headers, std::string_view body) {
  if (options_.client_id.empty()) return reply(404, "{\"error\":\"no token endpoint\"}", "application/json");
  if (options_.lgsp_on_token_request && !options_.lgsp_access_token.empty() &&
      headers.lgsp_access_token != options_.lgsp_access_token) {
    return reply(
        401, "{\"error\":\"invalid_client\",\"error_description\":\"missing or invalid lgspaccesstoken\"}",
        "application/json");
  }
  std::string_view authorization = headers.authorization;
  std::string id = form_value(body, "client_id"), secret = form_value(body, "client_secret");
  if (authorization.rfind("Basic ", 0) == 0) {
    std::string pair = base64_decode(authorization.substr(6));
    auto colon = pair.find(':');
    if (colon != std::string::npos) {
      id = pair.substr(0, colon);
      secret = pair.substr(colon + 1);
    }
  }
  if (form_value(body, "grant_type") != "client_credentials") {
    return reply(400, "{\"error\":\"unsupported_grant_type\"}", "application/json");
  }
  if (id != options_.client_id || secret != options_.client_secret) {
    return reply(401, "{\"error\":\"invalid_client\"}", "application/json");
  }
  static std::atomic<uint64_t> counter{0};
  std::string token = "sim-" + std::to_string(options_.seed) + "-" + std::to_string(++counter) + "-" +
                      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  {
    std::lock_guard lock(tokens_mu_);
    issued_.insert(token);
  }
  return reply(200,
               "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" +
                   std::to_string(options_.token_lifetime_seconds) + "}",
               "application/json");
}

// GET /_sim/population/citizens?limit=N: identities for test drivers (a simulator only).
SimReply PopulationSim::sample(std::string_view path) {
  size_t limit = 10;
  if (auto p = path.find("limit="); p != std::string_view::npos) {
    limit = 0;
    for (size_t i = p + 6; i < path.size() && path[i] >= '0' && path[i] <= '9'; ++i) {
      limit = std::min<size_t>(limit * 10 + static_cast<size_t>(path[i] - '0'), 100'000);
    }
  }
  std::string out = "[";
  const auto& all = population_.citizens();
  for (size_t i = 0; i < all.size() && i < limit; ++i) {
    if (i) out += ',';
    out += "{\"personal_id\":\"" + all[i].personal_id + "\",\"full_name\":\"" + all[i].full_name() +
           "\",\"date_of_birth\":\"" + all[i].date_of_birth + "\"}";
  }
  return reply(200, out + "]", "application/json");
}

}  // namespace lienthong::sim::population
