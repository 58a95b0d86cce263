#include "sim/dvcqg/dvcqg_sim.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <iostream>
#include <iterator>
#include <map>
#include <mutex>
#include <string_view>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "sim/common/sim_args.hpp"

namespace lienthong::sim {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using rapidjson::Value;

// The portal's answer codes (strings on the wire). "0" and "3" (with "đã tồn tại") are
// what the public clients read (docs/contracts/dvcqg.md); the others have no public source
// and are this simulator's own (the session and not-found codes are options).
constexpr const char* kOk = "0";
constexpr const char* kExists = "3";           // Hồ sơ đã tồn tại (the .NET client's reading)
constexpr const char* kPartial = "2";          // some records of the call were refused
constexpr const char* kMissingField = "1002";  // Thiếu trường bắt buộc
constexpr const char* kBadValue = "1003";      // Dữ liệu không đúng định dạng
constexpr const char* kBadRequest = "1007";    // Yêu cầu không hợp lệ
constexpr int kAuthFailed = 1006;              // Sai tài khoản hoặc mật khẩu

// Keys both public clients always send in a DongBoHoSoMC record (empty when they have no
// value); a record without one is refused, as a typed deserialiser would miss it.
constexpr const char* kDossierKeys[] = {"MaHoSo",
                                        "MaTTHC",
                                        "TenTTHC",
                                        "MaLinhVuc",
                                        "TenLinhVuc",
                                        "ChuHoSo",
                                        "LoaiDoiTuong",
                                        "MaDoiTuong",
                                        "Email",
                                        "SoDienThoai",
                                        "TrichYeuHoSo",
                                        "NgayTiepNhan",
                                        "NgayHenTra",
                                        "TrangThaiHoSo",
                                        "NgayTra",
                                        "ThongTinTra",
                                        "HinhThuc",
                                        "NgayKetThucXuLy",
                                        "DonViXuLy",
                                        "TaiLieuNop",
                                        "DanhSachLePhi",
                                        "DanhSachHoSoBoSung",
                                        "DanhSachGiayToKetQua"};
// The nine keys of a CapNhatTienDoHoSoMC record.
constexpr const char* kProgressKeys[] = {"MaHoSo",       "NguoiXuLy",    "ChucDanh",
                                         "ThoiDiemXuLy", "PhongBanXuLy", "NoiDungXuLy",
                                         "TrangThai",    "NgayBatDau",   "NgayKetThucTheoQuyDinh"};
struct ItemKeys {
  const char* list;
  std::vector<const char*> keys;
};
const ItemKeys kItemKeys[] = {
    {"TaiLieuNop", {"TepDinhKemId", "TenTepDinhKem", "IsDeleted", "MaThanhPhanHoSo", "DuongDanTaiTepTin"}},
    {"DanhSachGiayToKetQua", {"TenGiayTo", "MaThanhPhanHoSo", "GiayToId", "DuongDanTepTinKetQua"}},
    {"DanhSachLePhi", {"TenPhiLePhi", "MaPhiLePhi", "HinhThucThu", "Gia", "LoaiPhiLePhi"}}};

struct Progress {
  std::string record_json;
  int status = 0;
  std::string at;  // ThoiDiemXuLy
};

struct PortalDossier {
  std::string record_json;  // last DongBoHoSoMC record
  int status = 0;           // TrangThaiHoSo
  std::string agency;       // DonViXuLy
  int updates = 0;
  std::vector<Progress> progress;
};

struct RecordResult {
  std::string code, message;
};

std::string str_member(const Value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd()) return "";
  if (it->value.IsString()) return it->value.GetString();
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  return "";
}

bool has_member(const Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && !it->value.IsNull() &&
         !(it->value.IsString() && it->value.GetStringLength() == 0);
}

std::optional<int64_t> int_member(const Value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd()) return std::nullopt;
  if (it->value.IsInt64()) return it->value.GetInt64();
  if (it->value.IsString()) {
    try {
      size_t used = 0;
      std::string s = it->value.GetString();
      int64_t n = std::stoll(s, &used);
      if (used == s.size()) return n;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

std::string to_json(const Value& v) {
  return json::to_string(v);
}

// `s` has the shape of `pattern`, where 'd' stands for any digit and every other
// character for itself (checked by hand: a std::regex match per record was a visible share
// of the simulator's work, which runs inside the sync bench).
bool shaped(std::string_view s, std::string_view pattern) {
  if (s.size() != pattern.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool ok = pattern[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == pattern[i];
    if (!ok) return false;
  }
  return true;
}
// Mã TTHC: d.dddddd.ddd.dd.dd.Hdd
bool procedure_code(std::string_view s) {
  return shaped(s, "d.dddddd.ddd.dd.dd.Hdd");
}
// CMND (9 digits) or CCCD (12 digits).
bool citizen_id(std::string_view s) {
  return shaped(s, "ddddddddd") || shaped(s, "dddddddddddd");
}

bool valid_date(const std::string& s) {
  return vn_time::parse_compact(s).has_value();
}

// Every scalar of the record, its items included, is a string (or null): the public
// clients send "1", never 1.
bool only_string_scalars(const Value& v) {
  if (v.IsObject()) {
    for (const auto& m : v.GetObject())
      if (!only_string_scalars(m.value)) return false;
    return true;
  }
  if (v.IsArray()) {
    for (const auto& e : v.GetArray())
      if (!only_string_scalars(e)) return false;
    return true;
  }
  return v.IsString() || v.IsNull();
}

// The path of the first scalar that is not a string ("DanhSachLePhi[0].Gia"); built only
// for a refused record (this check runs for every record inside the sync bench).
std::string first_non_string(const Value& v, const std::string& path) {
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      std::string name = m.name.GetString();
      std::string found = first_non_string(m.value, path.empty() ? name : path + "." + name);
      if (!found.empty()) return found;
    }
    return "";
  }
  if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      std::string found = first_non_string(v[i], path + "[" + std::to_string(i) + "]");
      if (!found.empty()) return found;
    }
    return "";
  }
  return v.IsString() || v.IsNull() ? "" : path;
}

RecordResult check_shape(const Value& r, const char* const* keys, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!r.HasMember(keys[i])) return {kMissingField, std::string("Thiếu trường ") + keys[i]};
  }
  if (!only_string_scalars(r))
    return {kBadValue, first_non_string(r, "") + " phải là chuỗi (string), không phải số hoặc true/false"};
  return {kOk, ""};
}

RecordResult check_dossier(const Value& r) {
  RecordResult shape = check_shape(r, kDossierKeys, std::size(kDossierKeys));
  if (shape.code != kOk) return shape;
  for (const auto& list : kItemKeys) {
    const Value& items = r[list.list];
    if (!items.IsArray()) return {kBadValue, std::string(list.list) + " phải là mảng"};
    for (const Value& item : items.GetArray()) {
      if (!item.IsObject()) return {kBadValue, std::string(list.list) + " chứa phần tử không phải đối tượng"};
      for (const char* k : list.keys)
        if (!item.HasMember(k)) return {kMissingField, std::string("Thiếu trường ") + list.list + "." + k};
    }
  }
  for (const char* f :
       {"MaHoSo", "MaTTHC", "LoaiDoiTuong", "NgayTiepNhan", "NgayHenTra", "TrangThaiHoSo", "DonViXuLy"}) {
    if (!has_member(r, f)) return {kMissingField, std::string("Thiếu trường bắt buộc ") + f};
  }
  if (!procedure_code(str_member(r, "MaTTHC")))
    return {kBadValue, "MaTTHC không đúng định dạng mã thủ tục hành chính"};
  auto status = int_member(r, "TrangThaiHoSo");
  if (!status || *status < 1 || *status > 10) return {kBadValue, "TrangThaiHoSo không hợp lệ"};
  if (has_member(r, "KenhThucHien")) {  // sent by lienthong and the .NET client, not by OpenCPS
    auto channel = int_member(r, "KenhThucHien");
    if (!channel || *channel < 1 || *channel > 3) return {kBadValue, "KenhThucHien không hợp lệ"};
  }
  auto owner = int_member(r, "LoaiDoiTuong");
  if (!owner || *owner < 1 || *owner > 4) return {kBadValue, "LoaiDoiTuong không hợp lệ"};
  for (const char* f : {"NgayTiepNhan", "NgayHenTra"}) {
    if (!valid_date(str_member(r, f)))
      return {kBadValue, std::string(f) + " không đúng định dạng yyyyMMddHHmmss"};
  }
  for (const char* f : {"NgayTra", "NgayKetThucXuLy"}) {
    std::string v = str_member(r, f);
    if (!v.empty() && !valid_date(v))
      return {kBadValue, std::string(f) + " không đúng định dạng yyyyMMddHHmmss"};
  }
  if (*vn_time::parse_compact(str_member(r, "NgayHenTra")) <
      *vn_time::parse_compact(str_member(r, "NgayTiepNhan")))
    return {kBadValue, "NgayHenTra trước NgayTiepNhan"};
  if (*owner == 1 && has_member(r, "SoGiayToChuHoSo") && !citizen_id(str_member(r, "SoGiayToChuHoSo")))
    return {kBadValue, "SoGiayToChuHoSo không phải số CMND/CCCD hợp lệ"};
  return {kOk, "Thành công"};
}

RecordResult check_progress(const Value& r) {
  RecordResult shape = check_shape(r, kProgressKeys, std::size(kProgressKeys));
  if (shape.code != kOk) return shape;
  for (const char* f : {"MaHoSo", "ThoiDiemXuLy", "TrangThai"}) {
    if (!has_member(r, f)) return {kMissingField, std::string("Thiếu trường bắt buộc ") + f};
  }
  if (!valid_date(str_member(r, "ThoiDiemXuLy")))
    return {kBadValue, "ThoiDiemXuLy không đúng định dạng yyyyMMddHHmmss"};
  for (const char* f : {"NgayBatDau", "NgayKetThucTheoQuyDinh"}) {  // blank in OpenCPS
    std::string v = str_member(r, f);
    if (!v.empty() && !valid_date(v))
      return {kBadValue, std::string(f) + " không đúng định dạng yyyyMMddHHmmss"};
  }
  auto status = int_member(r, "TrangThai");
  if (!status || *status < 1 || *status > 10) return {kBadValue, "TrangThai không hợp lệ"};
  return {kOk, "Thành công"};
}

void write_kv(Writer& w, const char* k, const std::string& v) {
  w.Key(k);
  w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}

std::string answer(const std::string& code, const std::string& message) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  write_kv(w, "error_code", code);
  write_kv(w, "message", message);
  w.EndObject();
  return sb.GetString();
}

}  // namespace

struct DvcqgPortal::Impl {
  DvcqgSimOptions options;
  mutable std::mutex mu;
  std::map<std::string, int64_t> sessions;  // session → generation
  int64_t generation = 0;
  int64_t next_session = 1;
  int64_t calls_since_expiry = 0;
  std::map<std::string, PortalDossier> dossiers;
  // Counters the tests and the demo read.
  int64_t auth_calls = 0, session_expirations = 0, session_rejections = 0;
  int64_t created = 0, updated = 0, progress_records = 0, rejected = 0, duplicates = 0, out_of_order = 0;
  int64_t lookups = 0, sync_calls = 0, progress_calls = 0, bad_requests = 0;
  std::string last_dstcode, last_auth_dstcode;  // the routing header on data / session requests
  std::map<std::string, int64_t> rejections_by_code;

  SimResponse auth(const SimRequest& req) {
    auto doc = json::parse(req.body, "auth body");
    std::lock_guard lock(mu);
    ++auth_calls;
    last_auth_dstcode = req.header("dstcode");
    if (!doc.ok() || !doc->IsObject())
      return SimResponse::json(200,
                               "{\"session\":\"\",\"error_code\":1007,\"message\":\"Yêu cầu không hợp lệ\"}");
    if (str_member(*doc, "username") != options.username || str_member(*doc, "password") != options.password)
      return SimResponse::json(200, "{\"session\":\"\",\"error_code\":" + std::to_string(kAuthFailed) +
                                        ",\"message\":\"Sai tài khoản hoặc mật khẩu\"}");
    std::string s = "sess-" + std::to_string(next_session++);
    sessions[s] = generation;
    return SimResponse::json(200, "{\"session\":\"" + s + "\",\"error_code\":0}");
  }

  // TraCuuHoSo as OpenCPS sends it: one dossier in a top-level "mahoso"; the dossiers
  // found in "result" (empty when none). Each carries its progress records in
  // DanhSachTienDo (no public source: this simulator's assumption).
  SimResponse lookup(const Value& body) {
    ++lookups;
    auto m = body.FindMember("mahoso");
    if (m == body.MemberEnd() || !m->value.IsString() || m->value.GetStringLength() == 0) {
      ++bad_requests;
      return SimResponse::json(200, answer(kBadRequest, "Thiếu mahoso"));
    }
    std::string out = "{\"error_code\":\"0\",\"message\":\"Thành công\",\"result\":[";
    auto it = dossiers.find(m->value.GetString());
    if (it != dossiers.end()) {
      std::string rec = it->second.record_json;
      rec.pop_back();  // splice DanhSachTienDo into the stored record
      rec += ",\"DanhSachTienDo\":[";
      for (size_t i = 0; i < it->second.progress.size(); ++i) {
        if (i) rec += ",";
        rec += it->second.progress[i].record_json;
      }
      out += rec + "]}";
    }
    return SimResponse::json(200, out + "]}");
  }

  SimResponse integration(const SimRequest& req) {
    auto doc = json::parse(req.body, "integration body");
    if (!doc.ok() || !doc->IsObject())
      return SimResponse::json(200, answer(kBadRequest, "Yêu cầu không hợp lệ"));
    const Value& body = *doc;
    std::lock_guard lock(mu);
    std::string session = str_member(body, "session");
    auto s = sessions.find(session);
    if (s == sessions.end() || s->second != generation) {
      ++session_rejections;
      return SimResponse::json(
          200, answer(options.session_refused_code, "Phiên làm việc không hợp lệ hoặc đã hết hạn"));
    }
    if (options.expire_session_after > 0 && ++calls_since_expiry >= options.expire_session_after) {
      // This call is served; the sessions die afterwards.
      ++generation;
      calls_since_expiry = 0;
      ++session_expirations;
    }
    std::string service = str_member(body, "service");
    last_dstcode = req.header("dstcode");
    if (service == "TraCuuHoSo") return lookup(body);
    auto data = body.FindMember("data");
    if (data == body.MemberEnd() || !data->value.IsArray())
      return SimResponse::json(200, answer(kBadRequest, "Thiếu data"));
    if (data->value.Size() > options.max_records_per_call)
      return SimResponse::json(200, answer(kBadRequest, "Quá nhiều bản ghi trong một lần gọi"));
    // isUpdating: the string "True" or "False" on DongBoHoSoMC (as both public clients send
    // it); a JSON boolean or number is refused, not read.
    bool updating = false;
    if (service == "DongBoHoSoMC") {
      auto u = body.FindMember("isUpdating");
      std::string v = u != body.MemberEnd() && u->value.IsString() ? u->value.GetString() : "";
      for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (v != "true" && v != "false") {
        ++bad_requests;
        return SimResponse::json(200,
                                 answer(kBadRequest, "isUpdating phải là chuỗi \"True\" hoặc \"False\""));
      }
      updating = v == "true";
    }
    rapidjson::StringBuffer sb;
    Writer w(sb);
    bool all_ok = true;
    std::vector<std::pair<std::string, RecordResult>> results;
    // The records' text as sent, kept as the portal's copy instead of written out again
    // (the same JSON; written out when it cannot be located).
    auto raw = json::raw_member_elements(req.body, "data");
    if (raw && raw->size() != data->value.Size()) raw.reset();
    auto record_text = [&raw](const Value& r, rapidjson::SizeType i) {
      return raw ? std::string((*raw)[i]) : to_json(r);
    };
    if (service == "DongBoHoSoMC") {
      ++sync_calls;
      for (rapidjson::SizeType i = 0; i < data->value.Size(); ++i) {
        const Value& r = data->value[i];
        std::string code = r.IsObject() ? str_member(r, "MaHoSo") : "";
        RecordResult res =
            r.IsObject() ? check_dossier(r) : RecordResult{kBadRequest, "Bản ghi không phải đối tượng"};
        if (res.code == kOk) {
          auto it = dossiers.find(code);
          if (!updating && it != dossiers.end()) {
            res = {kExists, "Hồ sơ đã tồn tại"};
          } else if (updating && it == dossiers.end()) {
            res = {options.not_found_code, "Hồ sơ không tồn tại"};
          } else {
            PortalDossier& d = dossiers[code];
            d.record_json = record_text(r, i);
            d.status = static_cast<int>(*int_member(r, "TrangThaiHoSo"));
            d.agency = str_member(r, "DonViXuLy");
            ++d.updates;
            ++(updating ? updated : created);
          }
        }
        if (res.code != kOk) {
          all_ok = false;
          if (res.code != kExists && res.code != options.not_found_code) {
            ++rejected;
            ++rejections_by_code[res.code];
          }
        }
        results.push_back({code, res});
      }
    } else if (service == "CapNhatTienDoHoSoMC") {
      ++progress_calls;
      for (rapidjson::SizeType i = 0; i < data->value.Size(); ++i) {
        const Value& r = data->value[i];
        std::string code = r.IsObject() ? str_member(r, "MaHoSo") : "";
        RecordResult res =
            r.IsObject() ? check_progress(r) : RecordResult{kBadRequest, "Bản ghi không phải đối tượng"};
        if (res.code == kOk) {
          auto it = dossiers.find(code);
          if (it == dossiers.end()) {
            res = {options.not_found_code, "Hồ sơ không tồn tại"};
          } else {
            Progress p{record_text(r, i), static_cast<int>(*int_member(r, "TrangThai")),
                       str_member(r, "ThoiDiemXuLy")};
            // The portal does not deduplicate: the sim counts what a careless client would cause.
            for (auto& old : it->second.progress) {
              if (old.status == p.status && old.at == p.at) ++duplicates;
            }
            if (!it->second.progress.empty() && p.at < it->second.progress.back().at) ++out_of_order;
            it->second.progress.push_back(std::move(p));
            ++progress_records;
          }
        }
        if (res.code != kOk) {
          all_ok = false;
          ++rejected;
          ++rejections_by_code[res.code];
        }
        results.push_back({code, res});
      }
    } else {
      return SimResponse::json(200, answer(kBadRequest, "Dịch vụ không được hỗ trợ: " + service));
    }
    w.StartObject();
    write_kv(w, "error_code", all_ok ? kOk : (results.size() == 1 ? results[0].second.code : kPartial));
    write_kv(w, "message",
             all_ok
                 ? "Thành công"
                 : (results.size() == 1 ? results[0].second.message : "Một số hồ sơ không được chấp nhận"));
    w.Key("data");
    w.StartArray();
    for (size_t i = 0; i < results.size(); ++i) {
      w.StartObject();
      write_kv(w, "MaHoSo", results[i].first);
      write_kv(w, "error_code", results[i].second.code);
      write_kv(w, "message", results[i].second.message);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return SimResponse::json(200, sb.GetString());
  }

  std::string dossier_json(const std::string& code, const PortalDossier& d) const {
    std::string out = "{\"MaHoSo\":\"" + code + "\",\"DonViXuLy\":\"" + d.agency +
                      "\",\"TrangThaiHoSo\":" + std::to_string(d.status) +
                      ",\"updates\":" + std::to_string(d.updates) + ",\"statuses\":[";
    for (size_t i = 0; i < d.progress.size(); ++i)
      out += (i ? "," : "") + std::to_string(d.progress[i].status);
    out += "],\"times\":[";
    for (size_t i = 0; i < d.progress.size(); ++i) out += (i ? ",\"" : "\"") + d.progress[i].at + "\"";
    out += "]}";
    return out;
  }
};

DvcqgPortal::DvcqgPortal(DvcqgSimOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}
DvcqgPortal::~DvcqgPortal() = default;

std::string DvcqgPortal::stats_json() const {
  std::lock_guard lock(impl_->mu);
  const Impl& i = *impl_;
  std::string by_code = "{";
  for (auto& [c, n] : i.rejections_by_code)
    by_code += (by_code.size() > 1 ? ",\"" : "\"") + c + "\":" + std::to_string(n);
  by_code += "}";
  return "{\"dossiers\":" + std::to_string(i.dossiers.size()) +
         ",\"progress_records\":" + std::to_string(i.progress_records) +
         ",\"created\":" + std::to_string(i.created) + ",\"updated\":" + std::to_string(i.updated) +
         ",\"rejected\":" + std::to_string(i.rejected) + ",\"rejected_by_code\":" + by_code +
         ",\"duplicates\":" + std::to_string(i.duplicates) +
         ",\"out_of_order\":" + std::to_string(i.out_of_order) +
         ",\"auth_calls\":" + std::to_string(i.auth_calls) +
         ",\"session_expirations\":" + std::to_string(i.session_expirations) +
         ",\"session_rejections\":" + std::to_string(i.session_rejections) +
         ",\"sync_calls\":" + std::to_string(i.sync_calls) +
         ",\"progress_calls\":" + std::to_string(i.progress_calls) +
         ",\"lookups\":" + std::to_string(i.lookups) + ",\"bad_requests\":" + std::to_string(i.bad_requests) +
         ",\"last_dstcode\":\"" + log::json_escape(i.last_dstcode) + "\"" + ",\"last_auth_dstcode\":\"" +
         log::json_escape(i.last_auth_dstcode) + "\"}";
}

SimResponse DvcqgPortal::handle(const SimRequest& r) {
  if (r.path == impl_->options.auth_path && r.method == "POST") return impl_->auth(r);
  if (r.path == impl_->options.integration_path && r.method == "POST") return impl_->integration(r);
  if (r.path == "/__sim/stats") return SimResponse::json(200, stats_json());
  if (r.path == "/__sim/dossiers") {
    std::lock_guard lock(impl_->mu);
    std::string out = "{\"dossiers\":[";
    bool first = true;
    for (auto& [code, d] : impl_->dossiers) {
      out += (first ? "" : ",") + impl_->dossier_json(code, d);
      first = false;
    }
    return SimResponse::json(200, out + "]}");
  }
  if (r.path.rfind("/__sim/dossiers/", 0) == 0) {
    std::string code = r.path.substr(std::string("/__sim/dossiers/").size());
    std::lock_guard lock(impl_->mu);
    auto it = impl_->dossiers.find(code);
    if (it == impl_->dossiers.end()) return SimResponse::json(404, "{\"error\":\"not_found\"}");
    return SimResponse::json(200, impl_->dossier_json(code, it->second));
  }
  return SimResponse::json(404, "{\"error\":\"not_found\"}");
}

const std::vector<SimOption>& dvcqg_sim_options() {
  static const std::vector<SimOption> v = {
      {"username", "U", "accepted account (default lienthong)"},
      {"password", "P", "accepted password (default sim-password)"},
      {"expire-session-after", "N", "end every session after each N integration calls (0: never)"},
      {"max-records", "N", "most records accepted in one call (default 1000)"},
      {"auth-path", "P", "path of the auth service (default /auth)"},
      {"integration-path", "P", "path of the integration service (default /integration)"},
      {"session-refused-code", "C",
       "error_code for an expired or unknown session (default 1001; no public source)"},
      {"not-found-code", "C",
       "error_code for an update of a dossier the portal lacks (default 1005; no public source)"}};
  return v;
}

DvcqgSimOptions dvcqg_options_from(const SimArgs& args) {
  DvcqgSimOptions o;
  o.username = args.str("username", o.username);
  o.password = args.str("password", o.password);
  o.expire_session_after = args.integer("expire-session-after", 0, 0, INT64_MAX);
  o.max_records_per_call = static_cast<size_t>(args.integer("max-records", 1000, 1, 1'000'000));
  o.auth_path = args.str("auth-path", o.auth_path);
  o.integration_path = args.str("integration-path", o.integration_path);
  o.session_refused_code = args.str("session-refused-code", o.session_refused_code);
  o.not_found_code = args.str("not-found-code", o.not_found_code);
  return o;
}

int run_dvcqg_sim(const std::vector<std::string>& argv) {
  SimSpec spec{"dvcqg",
               "National Public Service Portal dossier synchronisation API.",
               "",
               {{"port", "N", "port (default 0: any free one)"}},
               true};
  for (auto& o : dvcqg_sim_options()) spec.options.push_back(o);
  auto parsed = parse_sim_args(spec, argv);
  if (!parsed) return 0;
  const SimArgs& args = *parsed;
  DvcqgPortal portal(dvcqg_options_from(args));
  SimServer server("dvcqg", args.faults(), [&portal](const SimRequest& r) { return portal.handle(r); });
  uint16_t port = server.start("127.0.0.1", static_cast<uint16_t>(args.integer("port", 0, 0, 65535)));
  print_ready("{\"sim\":\"dvcqg\",\"dvcqg_port\":" + std::to_string(port) + "}");
  wait_for_shutdown_signal();
  server.stop();
  return 0;
}

}  // namespace lienthong::sim
