// Realistic pushes from two ministry systems, for the simulator, the tests and the bench:
//  - business registration (Hệ thống thông tin quốc gia về đăng ký doanh nghiệp), JSON;
//  - civil status (hộ tịch điện tử, Bộ Tư pháp), SOAP 1.1 or 1.2.
// Names and ID numbers are synthetic. Both merge several national procedures under one
// ministry code and say which one in a discriminating field (see
// mappings/webhooks/<source>/procedure_codes.json).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lienthong::sim::ministry {

struct MessageSpec {
  int index = 1;               // makes the dossier code unique: ...-<yyMMdd>-<index>
  int64_t now_ms = 0;          // status time
  std::string status;          // ministry status code; empty: a realistic one for index
  std::string procedure_code;  // empty: the source's merged code
  std::string discriminator;   // value of the discriminating field; empty: a mapped one
};

// Source "dkkd" (business registration), Content-Type application/json.
std::string business_registration_json(const MessageSpec& spec);

// Source "hotich" (civil status), Content-Type text/xml (1.1) or application/soap+xml (1.2).
std::string civil_status_soap(const MessageSpec& spec, bool soap12 = false);

// The dossier code a spec produces (for checks against the store).
std::string dossier_code_for(const MessageSpec& spec);

}  // namespace lienthong::sim::ministry
