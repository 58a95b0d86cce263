// Wire format of the population database (CSDLQG về dân cư), operation
// TraCuuThongTinCongDan, as its public clients speak it. docs/contracts/population.md is
// the contract (every field, its source, and the assumptions where none is public); this
// file is the one place that follows it.
//   request, route "soap": SOAP 1.1, namespace http://dancuquocgia.bca, elements in the
//            order OpenCPS sends them: MaYeuCau, MaDVC, MaTichHop, MaCanBo, SoDinhDanh,
//            HoVaTen, NgayThangNamSinh{NgayThangNam}.
//   request, route "json_adapter": the provincial adapter's JSON {HoVaTen, SoDinhDanh,
//            SoCMND, NgayThangNam, Nam, MaTichHop, MaDVC, MaCanBo, MaYeuCau}; its answer
//            is {error_code, message} with the SOAP answer as text in message.
//   answer:  Envelope/Body/CongdanCollection/CongDan with SoDinhDanh,
//            HoVaTen{Ho, ChuDem, Ten}, GioiTinh, NgayThangNamSinh{NgayThangNam | Nam},
//            DanToc, TonGiao, QuocTich (codes), QueQuan/ThuongTru/NoiOHienTai {MaTinhThanh,
//            MaQuanHuyen, MaPhuongXa, ChiTiet}, ChuHo{QuanHe, SoDinhDanh, HoVaTen}, Cha, Me,
//            VoChong (HoVaTen structured or as one text).
// Element names are matched by local name, whatever namespace prefix the answer uses.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/population/code_tables.hpp"
#include "adapters/population/population_registry.hpp"

namespace lienthong::population::wire {

inline constexpr size_t kMaxAnswerBytes = 256 * 1024;
inline constexpr char kNamespace[] = "http://dancuquocgia.bca";
inline constexpr char kOperation[] = "TraCuuThongTinCongDan";
// No public source: the fault code lienthong reads as "the number exists but name or
// date of birth differ" (RegistryOptions::mismatch_fault_code).
inline constexpr char kMismatchCode[] = "DL_KHONG_KHOP";

// What the request needs beyond the query (from RegistryOptions).
struct RequestSettings {
  std::string integration_code;      // MaTichHop
  std::string default_service_code;  // MaDVC when the query has none
  bool dashed_date = false;          // NgayThangNam as yyyy-MM-dd instead of yyyyMMdd
};

struct AnswerSettings {
  std::string mismatch_fault_code = kMismatchCode;  // empty: every fault is an error
  // When set, DanToc, TonGiao, QuocTich and ChuHo/QuanHe reach the record as names
  // (a code the table lacks stays a code); when null, as codes.
  std::shared_ptr<const CodeTables> names;
};

// The date as the request carries it in NgayThangNam ("" for a year-only date, which
// goes in Nam on the JSON route).
std::string wire_date(std::string_view iso, bool dashed);
std::string build_soap_request(const Query& q, const RequestSettings& s);
std::string build_adapter_request(const Query& q, const RequestSettings& s);
// The LGSP JSON envelope {accessToken: "Bearer <token>", lgspAccessToken, AuthHash, data:
// <SOAP request text>}, keys in that order (OpenCPS QLCDIntegrationActionImpl.sendData).
std::string build_lgsp_envelope(std::string_view token, std::string_view lgsp_access_token,
                                std::string_view auth_hash, std::string_view soap_request);

// The SOAP text inside the provincial adapter's {error_code, message}. Errors are
// kProtocol (not that shape) or kServer (error_code not 0 and no SOAP answer).
Result<std::string> unwrap_adapter_answer(std::string_view json);

// Parses a SOAP answer for `expected_id`. Errors are kProtocol (unreadable, or a record
// for another number) or kServer (a fault other than a mismatch); their messages name the
// element that was wrong, never its content.
Result<Answer> parse_answer(std::string_view xml, std::string_view expected_id, const AnswerSettings& s = {});

// yyyyMMdd / yyyyMM / yyyy → YYYY-MM-DD / YYYY-MM / YYYY; nullopt if malformed.
std::optional<std::string> iso_date_from_wire(std::string_view s);

}  // namespace lienthong::population::wire
