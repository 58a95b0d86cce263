// Code-table and reorganisation files are operator-edited: any bytes, read either as a
// table file or as a reorganisation over a small fixed table, must load or be refused,
// never crash; what loads must answer lookups, translations and diffs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/flows/codes/code_tables.hpp"

namespace {

const char* kUnits = R"({"entries":[
  {"code":"35","name":"Tỉnh Hà Nam","kind":"province","valid_from":"1997-01-01"},
  {"code":"37","name":"Tỉnh Ninh Bình","kind":"province","valid_from":"1992-04-01"},
  {"code":"347","name":"Thành phố Phủ Lý","kind":"district","parent":"35","valid_from":"2008-08-01"},
  {"code":"13285","name":"Phường Hai Bà Trưng","kind":"commune","parent":"347","valid_from":"2008-08-01"},
  {"code":"13288","name":"Phường Lê Hồng Phong","kind":"commune","parent":"347","valid_from":"2008-08-01"},
  {"code":"000.00.12.H35","name":"Sở Xây dựng","kind":"agency","level":"province","parent":"35","valid_from":"2008-08-01"}]})";

void exercise(const lienthong::codes::CodeTables& t) {
  using lienthong::codes::CodeTables;
  const auto before = *CodeTables::parse_day("2025-06-30");
  const auto after = *CodeTables::parse_day("2025-07-01");
  for (const auto& kind : t.kinds()) {
    for (const char* code : {"35", "37", "347", "13285", "13288", "000.00.12.H35"}) {
      (void)t.lookup(kind, code, before);
      (void)t.translate(kind, code, before, after, {std::string("13288")});
      (void)t.translate(kind, code, after, after + 400);
    }
  }
  (void)t.diff(before - 10000, after + 10000);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using lienthong::codes::CodeTables;
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto t = CodeTables::load({{"fuzz.json", text}}, {}); t.ok()) exercise(*t);
  if (auto t = CodeTables::load({{"units.json", kUnits}}, {{"reorg/fuzz.json", text}}); t.ok()) exercise(*t);
  return 0;
}
