#include "sim/population/population_sim.hpp"

#include <chrono>
#include <thread>

#include "gateway/common/json.hpp"

namespace lienthong::sim::population {
namespace {

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string el(std::string_view name, std::string_view value) {
  return "<" + std::string(name) + ">" + xml_escape(value) + "</" + std::string(name) + ">";
}

std::string address(std::string_view name, const model::Address& a) {
  return "<" + std::string(name) + ">" + el("MaTinhThanh", a.province_code) +
         el("MaQuanHuyen", a.district_code) + el("MaPhuongXa", a.ward_code) + el("ChiTiet", a.detail) + "</" +
         std::string(name) + ">";
}

std::string person(std::string_view name, const std::optional<model::PersonRef>& p) {
  if (!p) return "";
  return "<" + std::string(name) + ">" + el("SoDinhDanh", p->personal_id) + el("HoVaTen", p->full_name) +
         "</" + std::string(name) + ">";
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

// Names compare after collapsing whitespace; ASCII letters case-insensitively (the
// real service's rules are not public).
std::string normalise_name(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

SimReply reply(int status, std::string body, std::string type = "text/xml; charset=utf-8") {
  return SimReply{status, std::move(type), std::move(body)};
}

}  // namespace

std::string soap_found(const model::CitizenRecord& r) {
  std::string cd = "<CongDan>" + el("SoDinhDanh", r.personal_id) + "<HoVaTen>" + el("Ho", r.family_name) +
                   el("ChuDem", r.middle_name) + el("Ten", r.given_name) + "</HoVaTen>" +
                   el("GioiTinh", r.gender == "male"     ? "1"
                                  : r.gender == "female" ? "2"
                                                         : "0") +
                   el("NgayThangNamSinh", compact_date(r.date_of_birth)) + el("DanToc", r.ethnicity) +
                   el("TonGiao", r.religion) + el("QuocTich", r.nationality) +
                   address("QueQuan", r.hometown) + address("ThuongTru", r.permanent_address) +
                   address("NoiOHienTai", r.current_address);
  if (r.household_head) {
    cd += "<ChuHo>" + el("QuanHe", r.household_head->relationship) +
          el("SoDinhDanh", r.household_head->person.personal_id) +
          el("HoVaTen", r.household_head->person.full_name) + "</ChuHo>";
  }
  cd += person("Cha", r.father) + person("Me", r.mother) + person("VoChong", r.spouse) + "</CongDan>";
  return envelope("<CongdanCollection>" + cd + "</CongdanCollection>");
}

std::string soap_not_found() {
  return envelope("<CongdanCollection/>");
}

std::string soap_fault(std::string_view code, std::string_view text) {
  return envelope("<soap:Fault><faultcode>soap:Client</faultcode>" + el("faultstring", text) + "<detail>" +
                  el("MaLoi", code) + "</detail></soap:Fault>");
}

PopulationSim::PopulationSim(SimOptions options)
    : options_(std::move(options)), population_(Population::generate(options_.seed, options_.households)) {}

SimReply PopulationSim::handle(std::string_view method, std::string_view path, std::string_view authorization,
                               std::string_view body) {
  if (path == "/_sim/population/control" && method == "POST") return control(body);
  if (path.rfind("/_sim/population/citizens", 0) == 0 && method == "GET") return sample(path);
  if (path == "/token" && method == "POST") return issue_token(authorization, body);
  if (path != options_.lookup_path) return reply(404, soap_fault("KHONG_TON_TAI", "no such endpoint"));
  if (method != "POST") return reply(405, soap_fault("PHUONG_THUC", "use POST"));
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.rfind(kBearer, 0) != 0 || !token_ok(authorization.substr(kBearer.size()))) {
    return reply(401, soap_fault("TOKEN", "missing or invalid bearer token"));
  }
  if (int ms = latency_ms.load(); ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  lookups++;
  if (outage.load()) return reply(503, soap_fault("BAO_TRI", "service under maintenance"));
  for (int n = fail_next.load(); n > 0;) {
    if (fail_next.compare_exchange_weak(n, n - 1))
      return reply(500, soap_fault("LOI_HE_THONG", "internal error"));
  }
  return lookup(body);
}

SimReply PopulationSim::lookup(std::string_view body) {
  auto doc = json::parse(body, "lookup request");
  if (!doc.ok() || !doc->IsObject()) return reply(400, soap_fault("DU_LIEU", "request is not a JSON object"));
  auto id = json::get_string(*doc, "SoDinhDanh");
  auto name = json::get_string(*doc, "HoVaTen");
  auto dob = json::get_string(*doc, "NgayThangNam");
  auto req = json::get_string(*doc, "MaYeuCau");
  if (!id || !name || !dob || !req || req->empty()) {
    return reply(400, soap_fault("DU_LIEU", "SoDinhDanh, HoVaTen, NgayThangNam and MaYeuCau are required"));
  }
  const model::CitizenRecord* r = population_.find(*id);
  if (!r) return reply(200, soap_not_found());
  if (normalise_name(*name) != normalise_name(r->full_name()) || *dob != compact_date(r->date_of_birth)) {
    return reply(200, soap_fault("DL_KHONG_KHOP", "identity data do not match"));
  }
  return reply(200, soap_found(*r));
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
SimReply PopulationSim::issue_token(std::string_view authorization, std::string_view body) {
  if (options_.client_id.empty()) return reply(404, "{\"error\":\"no token endpoint\"}", "application/json");
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
