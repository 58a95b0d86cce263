// Mã TTHC (national administrative-procedure code) translation for one webhook source.
// Some ministry systems merge several national procedures under one code of their own;
// the province must count each national procedure separately. A dossier (hồ sơ) belongs
// to exactly one procedure, so a merged code is never split into several events: a
// discriminating field of the payload picks the one national code.
//
// File format (mappings/webhooks/<source>/procedure_codes.json):
//   {"codes": {
//      "<ministry code>": "<national code>",                          // plain translation
//      "<ministry code>": {"field": "<dotted path in the payload>",    // merged code
//                          "values": {"<field value>": "<national code>", ...}}}}
// Anything not in the table is unmapped: the caller quarantines the record.
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"

namespace lienthong::webhooks {

class ProcedureCodeTable {
 public:
  // kConfig errors name the file and the entry.
  static Result<ProcedureCodeTable> load_file(const std::string& path);
  static Result<ProcedureCodeTable> parse(std::string_view text, std::string_view name);

  // The national code for `ministry_code`, reading the discriminating field (if any) from
  // `payload` (the parsed webhook body, before mapping). kMapping errors name the code,
  // and for merged codes the field and its value (codes and field values of procedures
  // are not personal data).
  Result<std::string> resolve(const std::string& ministry_code, const rapidjson::Value& payload) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string national;                       // plain translation
    std::string field;                          // merged: discriminating field
    std::map<std::string, std::string> values;  // merged: field value → national code
  };
  std::string name_;
  std::map<std::string, Entry> entries_;
};

}  // namespace lienthong::webhooks
