#include "adapters/population/soap_answer.hpp"

#include <pugixml.hpp>

#include "gateway/common/log.hpp"
#include "gateway/common/vn_time.hpp"

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

}  // namespace

std::string build_request(const Query& q) {
  std::string dob;
  for (char c : q.date_of_birth) {
    if (c != '-') dob += c;
  }
  auto s = [](const std::string& v) { return "\"" + log::json_escape(v) + "\""; };
  return "{\"HoVaTen\":" + s(q.full_name) + ",\"SoDinhDanh\":" + s(q.personal_id) + ",\"SoCMND\":\"\"" +
         ",\"NgayThangNam\":" + s(dob) + ",\"MaYeuCau\":" + s(q.request_id) +
         ",\"MaCanBo\":" + s(q.official_code) + ",\"MaDVC\":" + s(q.service_code) + "}";
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

Result<Answer> parse_answer(std::string_view xml, std::string_view expected_id) {
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
    if (code == kMismatchCode) return Answer{Outcome::kMismatch, {}, 1};
    Error e(ErrorKind::kServer, "population database answered a SOAP Fault" +
                                    (code.empty() ? std::string() : " with MaLoi " + code.substr(0, 40)));
    e.code = code.substr(0, 40);
    return e;
  }
  pugi::xml_node coll = child(body, "CongdanCollection");
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
  std::string dob = trimmed(text_of(cd, "NgayThangNamSinh"));
  auto iso = iso_date_from_wire(dob);
  if (!iso) return protocol("CongDan/NgayThangNamSinh is not a yyyyMMdd date");
  r.date_of_birth = *iso;
  r.ethnicity = trimmed(text_of(cd, "DanToc"));
  r.religion = trimmed(text_of(cd, "TonGiao"));
  r.nationality = trimmed(text_of(cd, "QuocTich"));
  r.hometown = read_address(child(cd, "QueQuan"));
  r.permanent_address = read_address(child(cd, "ThuongTru"));
  r.current_address = read_address(child(cd, "NoiOHienTai"));
  if (pugi::xml_node ch = child(cd, "ChuHo")) {
    if (auto p = read_person(ch)) r.household_head = model::HouseholdHead{trimmed(text_of(ch, "QuanHe")), *p};
  }
  r.father = read_person(child(cd, "Cha"));
  r.mother = read_person(child(cd, "Me"));
  r.spouse = read_person(child(cd, "VoChong"));
  return a;
}

}  // namespace lienthong::population::wire
