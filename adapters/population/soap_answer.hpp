// Wire format of the population database as public client code shows it (no official
// specification is public, so this file is the one place to change when one is):
//   request  (JSON): {HoVaTen, SoDinhDanh, SoCMND, NgayThangNam, MaYeuCau, MaCanBo, MaDVC}
//   answer   (SOAP 1.1 XML): Envelope/Body/CongdanCollection/CongDan with SoDinhDanh,
//            HoVaTen{Ho, ChuDem, Ten}, GioiTinh, NgayThangNamSinh, DanToc, TonGiao,
//            QuocTich, QueQuan, ThuongTru, NoiOHienTai (each {MaTinhThanh, MaQuanHuyen,
//            MaPhuongXa, ChiTiet}), ChuHo{QuanHe, SoDinhDanh, HoVaTen}, Cha, Me, VoChong.
// Assumptions, stated because nothing public settles them:
//  - dates travel as yyyyMMdd (yyyy or yyyyMM when only that is recorded);
//  - GioiTinh is 1 (nam, male) or 2 (nữ, female);
//  - an empty CongdanCollection means no citizen has that number;
//  - a SOAP Fault whose detail/MaLoi is "DL_KHONG_KHOP" means the number exists but the
//    name or date of birth do not match; any other fault is an upstream error.
// Element names are matched by local name, whatever namespace prefix the answer uses.
#pragma once

#include <string>
#include <string_view>

#include "adapters/population/population_registry.hpp"

namespace lienthong::population::wire {

inline constexpr size_t kMaxAnswerBytes = 256 * 1024;
inline constexpr char kMismatchCode[] = "DL_KHONG_KHOP";

std::string build_request(const Query& q);

// Parses a SOAP answer for `expected_id`. Errors are kProtocol (unreadable, or a record
// for another number) or kServer (a fault other than a mismatch); their messages name the
// element that was wrong, never its content.
Result<Answer> parse_answer(std::string_view xml, std::string_view expected_id);

// yyyyMMdd / yyyyMM / yyyy → YYYY-MM-DD / YYYY-MM / YYYY; nullopt if malformed.
std::optional<std::string> iso_date_from_wire(std::string_view s);

}  // namespace lienthong::population::wire
