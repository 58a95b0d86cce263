// The national citizen app's criminal-record request (POST …/TaoHoSo: {maTinh,
// maHoSoMCDT, ngayTiepNhan, nguonDangKy, toKhai{…}, thongTinBienLai{…}}) as the record
// kind reads it; a record read is applied to an in-memory store and read back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/lltp/lltp_request_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong;
  static const auto kind = adapters::lltp::make_lltp_request_record_kind();
  static const auto db = [] {
    store::SqliteOptions so;
    so.path = ":memory:";
    auto opened = store::open_sqlite(so);
    if (!opened.ok() || !(*opened)->migrate(kind->migrations()).ok()) __builtin_trap();
    return std::shared_ptr<store::Database>(std::move(opened).value());
  }();
  std::string text(reinterpret_cast<const char*>(data), size);
  auto r = kind->read(text);
  if (!r.ok()) return 0;
  if (r->record.empty() || r->key.empty()) __builtin_trap();   // a read request has its code
  if (!kind->apply(*db, r->record, 1).ok()) __builtin_trap();  // what read() wrote, apply() stores
  auto back = adapters::lltp::find_lltp_request(*db, r->key);
  if (!back.ok() || !back->has_value()) __builtin_trap();
  (void)db->exec("DELETE FROM lltp_requests", {});
  return 0;
}
