#include "sim/dvcqg/dvcqg_sim.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>
#include <map>
#include <mutex>
#include <string_view>

#include "gateway/common/json.hpp"
#include "gateway/common/vn_time.hpp"
#include "sim/common/sim_args.hpp"

namespace lienthong::sim {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using rapidjson::Value;

// The portal's answer codes (strings on the wire, as the portal sends them).
constexpr const char* kOk = "0";
constexpr const char* kPartial = "2";            // some records of the call were refused
constexpr const char* kSessionInvalid = "1001";  // Phiên làm việc không hợp lệ hoặc đã hết hạn
constexpr const char* kMissingField = "1002";    // Thiếu trường bắt buộc
constexpr const char* kBadValue = "1003";        // Dữ liệu không đúng định dạng
constexpr const char* kExists = "1004";          // Hồ sơ đã tồn tại
constexpr const char* kNotFound = "1005";        // Hồ sơ không tồn tại
constexpr const char* kBadRequest = "1007";      // Yêu cầu không hợp lệ
constexpr int kAuthFailed = 1006;                // Sai tài khoản hoặc mật khẩu

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

RecordResult check_dossier(const Value& r) {
  for (const char* f : {"MaHoSo", "MaTTHC", "KenhThucHien", "LoaiDoiTuong", "NgayTiepNhan", "NgayHenTra",
                        "TrangThaiHoSo", "DonViXuLy"}) {
    if (!has_member(r, f)) return {kMissingField, std::string("Thiếu trường bắt buộc ") + f};
  }
  if (!procedure_code(str_member(r, "MaTTHC")))
    return {kBadValue, "MaTTHC không đúng định dạng mã thủ tục hành chính"};
  auto status = int_member(r, "TrangThaiHoSo");
  if (!status || *status < 1 || *status > 10) return {kBadValue, "TrangThaiHoSo không hợp lệ"};
  auto channel = int_member(r, "KenhThucHien");
  if (!channel || *channel < 1 || *channel > 3) return {kBadValue, "KenhThucHien không hợp lệ"};
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
  if (*owner == 1 && !citizen_id(str_member(r, "SoGiayToChuHoSo")))
    return {kBadValue, "SoGiayToChuHoSo không phải số CMND/CCCD hợp lệ"};
  return {kOk, "Thành công"};
}

RecordResult check_progress(const Value& r) {
  for (const char* f : {"MaHoSo", "ThoiDiemXuLy", "TrangThai", "NgayBatDau"}) {
    if (!has_member(r, f)) return {kMissingField, std::string("Thiếu trường bắt buộc ") + f};
  }
  for (const char* f : {"ThoiDiemXuLy", "NgayBatDau"}) {
    if (!valid_date(str_member(r, f)))
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
  int64_t lookups = 0, sync_calls = 0, progress_calls = 0;
  std::map<std::string, int64_t> rejections_by_code;

  SimResponse auth(const SimRequest& req) {
    auto doc = json::parse(req.body, "auth body");
    std::lock_guard lock(mu);
    ++auth_calls;
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
      return SimResponse::json(200, answer(kSessionInvalid, "Phiên làm việc không hợp lệ hoặc đã hết hạn"));
    }
    if (options.expire_session_after > 0 && ++calls_since_expiry >= options.expire_session_after) {
      // This call is served; the sessions die afterwards.
      ++generation;
      calls_since_expiry = 0;
      ++session_expirations;
    }
    std::string service = str_member(body, "service");
    auto data = body.FindMember("data");
    if (data == body.MemberEnd() || !data->value.IsArray())
      return SimResponse::json(200, answer(kBadRequest, "Thiếu data"));
    if (data->value.Size() > options.max_records_per_call)
      return SimResponse::json(200, answer(kBadRequest, "Quá nhiều bản ghi trong một lần gọi"));
    bool updating = false;
    if (auto u = body.FindMember("isUpdating"); u != body.MemberEnd()) {
      updating = u->value.IsBool() ? u->value.GetBool() : (u->value.IsInt() && u->value.GetInt() != 0);
    }
    rapidjson::StringBuffer sb;
    Writer w(sb);
    bool all_ok = true;
    std::vector<std::pair<std::string, RecordResult>> results;
    std::vector<std::string> lookups_json;
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
            res = {kNotFound, "Hồ sơ không tồn tại"};
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
          if (res.code != kExists && res.code != kNotFound) {
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
            res = {kNotFound, "Hồ sơ không tồn tại"};
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
    } else if (service == "TraCuuHoSo") {
      ++lookups;
      for (const Value& r : data->value.GetArray()) {
        std::string code = r.IsObject() ? str_member(r, "MaHoSo") : "";
        auto it = dossiers.find(code);
        if (it == dossiers.end()) {
          results.push_back({code, {kNotFound, "Hồ sơ không tồn tại"}});
          lookups_json.push_back("");
          all_ok = false;
          continue;
        }
        std::string progress = "[";
        for (size_t i = 0; i < it->second.progress.size(); ++i) {
          if (i) progress += ",";
          progress += it->second.progress[i].record_json;
        }
        progress += "]";
        std::string rec = it->second.record_json;
        rec.pop_back();  // splice DanhSachTienDo into the stored record
        rec += ",\"DanhSachTienDo\":" + progress + "}";
        results.push_back({code, {kOk, "Thành công"}});
        lookups_json.push_back(rec);
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
      if (!lookups_json.empty() && !lookups_json[i].empty()) {
        // A found dossier: its record with the result code.
        rapidjson::Document d;
        d.Parse(lookups_json[i].data(), lookups_json[i].size());
        d.AddMember("error_code", rapidjson::StringRef(kOk), d.GetAllocator());
        d.Accept(w);
        continue;
      }
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
         ",\"lookups\":" + std::to_string(i.lookups) + "}";
}

SimResponse DvcqgPortal::handle(const SimRequest& r) {
  if (r.path == "/auth" && r.method == "POST") return impl_->auth(r);
  if (r.path == "/integration" && r.method == "POST") return impl_->integration(r);
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

const char* const kDvcqgHelp =
    "dvcqg options:\n"
    "  --username U             accepted account (default lienthong)\n"
    "  --password P             accepted password (default sim-password)\n"
    "  --expire-session-after N end every session after each N integration calls (0: never)\n"
    "  --max-records N          most records accepted in one call (default 1000)\n";

DvcqgSimOptions dvcqg_options_from(const SimArgs& args) {
  DvcqgSimOptions o;
  o.username = args.str("username", o.username);
  o.password = args.str("password", o.password);
  o.expire_session_after = args.integer("expire-session-after", 0, 0, INT64_MAX);
  o.max_records_per_call = static_cast<size_t>(args.integer("max-records", 1000, 1, 1'000'000));
  return o;
}

int run_dvcqg_sim(const std::vector<std::string>& argv) {
  SimArgs args = SimArgs::parse(argv);
  if (args.has("help")) {
    std::cout << "usage: lienthong-sim dvcqg [--port N] [options]\n" << kDvcqgHelp << kFaultHelp;
    return 0;
  }
  args.allow_only({"port", "username", "password", "expire-session-after", "max-records"});
  DvcqgPortal portal(dvcqg_options_from(args));
  SimServer server("dvcqg", args.faults(), [&portal](const SimRequest& r) { return portal.handle(r); });
  uint16_t port = server.start("127.0.0.1", static_cast<uint16_t>(args.integer("port", 0, 0, 65535)));
  print_ready("{\"sim\":\"dvcqg\",\"dvcqg_port\":" + std::to_string(port) + "}");
  wait_for_shutdown_signal();
  server.stop();
  return 0;
}

}  // namespace lienthong::sim
