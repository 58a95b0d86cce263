#include "gateway/flows/citizen/lookup_request.hpp"

#include <cstdio>
#include <set>
#include <vector>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"

namespace lienthong::citizen {
namespace {

Error field_error(ErrorKind kind, std::string field, std::string what) {
  Error e(kind, field == "body" ? what : "field '" + field + "': " + what);
  e.code = std::move(field);
  return e;
}

bool is_code_char(char c, bool allow_punct) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) return true;
  if (c == '_') return true;
  if (!allow_punct) return false;
  return (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '/';
}

// Letters a Vietnamese full name (or a minority or foreign one in Latin script) is written
// with: ASCII letters, Latin-1 and Latin Extended-A/B letters, Latin Extended Additional
// (ạ ả ấ … ỹ), and combining diacritics for names typed decomposed (NFD).
bool is_name_letter(uint32_t cp) {
  if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return true;
  if (cp >= 0xc0 && cp <= 0x24f) return cp != 0xd7 && cp != 0xf7;
  return (cp >= 0x1e00 && cp <= 0x1eff);
}
bool is_combining_mark(uint32_t cp) {
  return cp >= 0x300 && cp <= 0x36f;
}

// Decodes UTF-8 already checked by is_clean_utf8.
std::vector<uint32_t> code_points(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1fu) : len == 3 ? (c & 0x0fu) : (c & 0x07u);
    for (size_t k = 1; k < len && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3fu);
    out.push_back(cp);
    i += len;
  }
  return out;
}

}  // namespace

std::string full_name_problem(std::string_view name) {
  if (!is_clean_utf8(name)) return "must be UTF-8 text without control characters";
  auto cps = code_points(name);
  if (cps.size() > kMaxNameChars) return "longer than " + std::to_string(kMaxNameChars) + " characters";
  int letters = 0;
  bool after_letter = false;  // a combining mark or separator must follow a letter
  for (uint32_t cp : cps) {
    if (is_name_letter(cp)) {
      ++letters;
      after_letter = true;
    } else if (is_combining_mark(cp)) {
      if (!after_letter) return "a diacritic must follow a letter";
    } else if (cp == ' ' || cp == '\'' || cp == '-' || cp == '.') {
      after_letter = false;
    } else {
      return "may hold only letters, spaces and ' - . (no digits or other signs)";
    }
  }
  if (letters < 2) return "must hold at least two letters";
  return "";
}

bool is_clean_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string LookupRequest::date_of_birth() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", birth_year, birth_month, birth_day);
  return buf;
}

namespace {

// Only the known members, each once.
Status check_members(const rapidjson::Document& doc) {
  static constexpr std::string_view kFields[] = {"personal_id", "full_name", "date_of_birth", "purpose",
                                                 "dossier_code"};
  std::set<std::string_view> seen;
  for (auto& m : doc.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    bool known = false;
    for (auto f : kFields) known = known || f == name;
    if (!known) {
      // The member name is outside input too, and a name made of letters can be a
      // citizen's name sent as a key: it is never repeated.
      return field_error(
          ErrorKind::kValidation, "body",
          "unknown member (not shown); allowed: personal_id, full_name, date_of_birth, purpose, "
          "dossier_code");
    }
    if (!seen.insert(name).second) {
      return field_error(ErrorKind::kValidation, std::string(name), "given more than once");
    }
  }
  return {};
}

Status string_member(const rapidjson::Document& doc, std::string_view field, size_t max, std::string& out) {
  const auto* v = json::member(doc, field);
  if (!v) return field_error(ErrorKind::kValidation, std::string(field), "required");
  if (!v->IsString()) {
    return field_error(ErrorKind::kValidation, std::string(field),
                       "expected a string, got " + std::string(json::type_name(*v)));
  }
  out.assign(v->GetString(), v->GetStringLength());
  if (out.empty()) return field_error(ErrorKind::kValidation, std::string(field), "must not be empty");
  if (out.size() > max) {
    return field_error(ErrorKind::kValidation, std::string(field),
                       "longer than " + std::to_string(max) + " bytes");
  }
  return {};
}

Status check_birth_date(const std::string& dob, std::optional<int64_t> today, LookupRequest& r) {
  auto days = dob.size() == 10 ? vn_time::parse_date(dob) : std::nullopt;
  if (!days) return field_error(ErrorKind::kValidation, "date_of_birth", "expected a date YYYY-MM-DD");
  vn_time::civil_from_days(*days, r.birth_year, r.birth_month, r.birth_day);
  if (r.birth_year < kMinBirthYear) {
    return field_error(ErrorKind::kValidation, "date_of_birth", "years before 1900 cannot be looked up");
  }
  if (today && *days > *today) {
    return field_error(ErrorKind::kValidation, "date_of_birth", "is in the future");
  }
  return {};
}

Status check_codes(const LookupRequest& r) {
  for (char c : r.purpose) {
    if (!is_code_char(c, false)) {
      return field_error(ErrorKind::kValidation, "purpose", "expected lower-case letters, digits and '_'");
    }
  }
  for (char c : r.dossier_code) {
    if (!is_code_char(c, true)) {
      return field_error(ErrorKind::kValidation, "dossier_code",
                         "expected letters, digits and . - / _ (a one-stop-shop dossier code)");
    }
  }
  return {};
}

}  // namespace

Result<LookupRequest> parse_lookup_request(std::string_view body, std::optional<int64_t> today) {
  if (body.size() > kMaxBodyBytes) {
    return field_error(ErrorKind::kValidation, "body",
                       "request body is larger than " + std::to_string(kMaxBodyBytes) + " bytes");
  }
  auto doc = json::parse(body, "request body");
  if (!doc.ok()) {
    Error e = doc.error();
    e.code = "body";
    return e;
  }
  if (!doc->IsObject()) {
    return field_error(ErrorKind::kValidation, "body",
                       "request body must be a JSON object, got " + std::string(json::type_name(*doc)));
  }
  LT_TRY(check_members(*doc));
  LookupRequest r;
  LT_TRY(string_member(*doc, "personal_id", 32, r.personal_id));
  LT_TRY(string_member(*doc, "full_name", kMaxNameBytes, r.full_name));
  std::string dob;
  LT_TRY(string_member(*doc, "date_of_birth", 10, dob));
  LT_TRY(string_member(*doc, "purpose", kMaxCodeBytes, r.purpose));
  LT_TRY(string_member(*doc, "dossier_code", kMaxCodeBytes, r.dossier_code));
  if (auto problem = full_name_problem(r.full_name); !problem.empty()) {
    return field_error(ErrorKind::kValidation, "full_name", problem);
  }
  LT_TRY(check_birth_date(dob, today, r));
  LT_TRY(check_codes(r));
  return r;
}

}  // namespace lienthong::citizen
