// Dossiers mapped per second by the declarative engine (one-stop-shop item -> canonical
// event, 27 field rules with tables, ISO dates and three arrays; then canonical -> DVCQG
// DongBoHoSoMC), next to a hand-written C++ translation of the same one-stop-shop fields
// measured in the same run. Not a test: it prints figures.
//   build/bench/mapping/mapping_bench [iterations]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <unordered_map>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/mapping/mapping.hpp"

namespace {

using namespace lienthong;
using rapidjson::Value;

const char* kItem =
    R"({"dossier":{"ma_ho_so":"000.00.12.H35-241001-0001","thu_tuc":{"ma":"1.003560.000.00.00.H35",
"ten":"Cấp giấy phép xây dựng","linh_vuc":"G12"},"kenh":"truc_tuyen","chu_ho_so":{"ho_ten":"Nguyễn Văn An",
"loai":"cong_dan","so_giay_to":"001085012345"},"don_vi":{"ma":"000.00.12.H35","cap":"tinh"},
"ngay_tiep_nhan":"2024-10-01T08:15:00+07:00","ngay_hen_tra":"2024-10-15T17:00:00+07:00","ngay_tra":null,
"ngay_ket_thuc_xu_ly":null,"thanh_toan_truc_tuyen":true,"so_hoa":true,
"le_phi":[{"ma":"LP01","ten":"Lệ phí cấp phép","so_tien":150000},{"ma":"PH02","ten":"Phí thẩm định","so_tien":500000}],
"tai_lieu":[{"ma":"TP01","ten":"Đơn đề nghị","url":"https://motcua.example.gov.vn/f/1.pdf"},
{"ma":"TP02","ten":"Bản vẽ thiết kế","url":"https://motcua.example.gov.vn/f/2.pdf"}],"ket_qua":[],
"cap_nhat_luc":"2024-10-01T09:00:00.123+07:00"},
"history":{"stt":1,"trang_thai":"dang_xu_ly","thoi_diem":"2024-10-02T08:15:00+07:00","can_bo":"Trần Thị Bình",
"chuc_danh":"Chuyên viên","phong_ban":"Phòng Quản lý đô thị","noi_dung":"Thẩm định hồ sơ"}})";

class SameCode : public mapping::CodeResolver {
 public:
  Result<std::string> resolve(const std::string&, const std::string& code, int64_t) const override {
    return code;
  }
};

// The baseline: what a developer would write by hand for the same one-stop-shop fields.
const std::unordered_map<std::string, int> kStatus = {
    {"moi_dang_ky", 1},   {"da_tiep_nhan", 2},       {"tu_choi", 3},      {"dang_xu_ly", 4},
    {"cho_bo_sung", 5},   {"cho_thuc_hien_nvtc", 6}, {"cong_dan_rut", 7}, {"dung_xu_ly", 8},
    {"da_xu_ly_xong", 9}, {"da_tra_ket_qua", 10}};
const std::unordered_map<std::string, int> kChannel = {{"truc_tiep", 1}, {"truc_tuyen", 2}, {"buu_chinh", 3}};
const std::unordered_map<std::string, int> kOwner = {
    {"cong_dan", 1}, {"doanh_nghiep", 2}, {"co_quan_nha_nuoc", 3}, {"to_chuc_khac", 4}};
const std::unordered_map<std::string, std::string> kLevel = {
    {"tinh", "province"}, {"huyen", "district"}, {"xa", "commune"}};

std::string str(const Value& o, const char* k) {
  auto it = o.FindMember(k);
  return it != o.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

bool hand_written(const Value& src, rapidjson::Document& out) {
  out.SetObject();
  auto& a = out.GetAllocator();
  const Value& d = src["dossier"];
  const Value& h = src["history"];
  auto put = [&](const char* k, const std::string& s) {
    out.AddMember(rapidjson::StringRef(k), Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a),
                  a);
  };
  auto put_i = [&](const char* k, int64_t n) { out.AddMember(rapidjson::StringRef(k), Value(n), a); };
  // nullopt: missing/null; -1 on a malformed value (parsed once).
  auto date = [&](const Value& o, const char* k) -> std::optional<int64_t> {
    auto it = o.FindMember(k);
    if (it == o.MemberEnd() || it->value.IsNull()) return std::nullopt;
    if (!it->value.IsString()) return -1;
    return vn_time::parse_iso(std::string_view(it->value.GetString(), it->value.GetStringLength()))
        .value_or(-1);
  };
  put("source", "one_stop_shop");
  put("dossier_code", str(d, "ma_ho_so"));
  put("procedure_code", str(d["thu_tuc"], "ma"));
  put("procedure_name", str(d["thu_tuc"], "ten"));
  put("field_code", str(d["thu_tuc"], "linh_vuc"));
  auto ch = kChannel.find(str(d, "kenh"));
  if (ch == kChannel.end()) return false;
  put_i("channel", ch->second);
  auto ow = kOwner.find(str(d["chu_ho_so"], "loai"));
  if (ow == kOwner.end()) return false;
  put_i("owner_type", ow->second);
  put("owner_name", str(d["chu_ho_so"], "ho_ten"));
  put("owner_id_number", str(d["chu_ho_so"], "so_giay_to"));
  put("agency_code", str(d["don_vi"], "ma"));
  auto lv = kLevel.find(str(d["don_vi"], "cap"));
  if (lv == kLevel.end()) return false;
  put("agency_level", lv->second);
  auto received = date(d, "ngay_tiep_nhan");
  auto due = date(d, "ngay_hen_tra");
  if (!received || *received < 0 || !due || *due < 0) return false;
  put_i("received_at_ms", *received);
  put_i("due_at_ms", *due);
  auto returned = date(d, "ngay_tra");
  auto finished = date(d, "ngay_ket_thuc_xu_ly");
  if ((returned && *returned < 0) || (finished && *finished < 0)) return false;
  if (returned) put_i("returned_at_ms", *returned);
  if (finished) put_i("finished_at_ms", *finished);
  auto st = kStatus.find(str(h, "trang_thai"));
  if (st == kStatus.end()) return false;
  put_i("status", st->second);
  auto at = date(h, "thoi_diem");
  if (!at || *at < 0) return false;
  put_i("status_at_ms", *at);
  put_i("sequence", h["stt"].GetInt64());
  put("officer", str(h, "can_bo"));
  put("officer_title", str(h, "chuc_danh"));
  put("department", str(h, "phong_ban"));
  put("note", str(h, "noi_dung"));
  out.AddMember("online_payment", d["thanh_toan_truc_tuyen"].GetBool(), a);
  out.AddMember("digitised", d["so_hoa"].GetBool(), a);
  Value fees(rapidjson::kArrayType);
  for (auto& f : d["le_phi"].GetArray()) {
    Value o(rapidjson::kObjectType);
    o.AddMember("code", Value(str(f, "ma").c_str(), a), a);
    o.AddMember("name", Value(str(f, "ten").c_str(), a), a);
    o.AddMember("amount_vnd", f["so_tien"].GetInt64(), a);
    fees.PushBack(o, a);
  }
  out.AddMember("fees", fees, a);
  for (const char* k : {"tai_lieu", "ket_qua"}) {
    Value arr(rapidjson::kArrayType);
    for (auto& x : d[k].GetArray()) {
      Value o(rapidjson::kObjectType);
      o.AddMember("code", Value(str(x, "ma").c_str(), a), a);
      o.AddMember("name", Value(str(x, "ten").c_str(), a), a);
      o.AddMember("url", Value(str(x, "url").c_str(), a), a);
      arr.PushBack(o, a);
    }
    out.AddMember(rapidjson::StringRef(k[0] == 't' ? "documents" : "results"), arr, a);
  }
  return true;
}

template <class F>
double run(const char* label, int n, F&& f) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    if (!f()) {
      std::fprintf(stderr, "%s failed\n", label);
      std::exit(1);
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double us = secs * 1e6 / n;
  std::printf("%-44s %10.0f dossiers/s %8.2f us/dossier\n", label, n / secs, us);
  return us;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  const std::string root = LIENTHONG_SOURCE_DIR;
  auto oss = mapping::Mapping::load_file(root + "/mappings/one_stop_shop/dossier_event.json");
  auto dv = mapping::Mapping::load_file(root + "/mappings/dvcqg/dossier.json");
  if (!oss.ok() || !dv.ok()) {
    std::fprintf(stderr, "cannot load mappings\n");
    return 1;
  }
  auto src = json::parse(kItem);
  if (!src.ok()) return 1;
  SameCode codes;
  mapping::Context ctx{0, &codes};
  auto canonical = oss->transform(*src, ctx);
  if (!canonical.ok()) {
    std::fprintf(stderr, "%s\n", canonical.error().message.c_str());
    return 1;
  }
  std::printf("mapping bench, %d iterations, %zu top-level rules in %s\n", n, oss->field_count(),
              oss->name().c_str());
  double base = run("hand-written C++ (baseline)", n, [&] {
    rapidjson::Document out;
    return hand_written(*src, out);
  });
  double apply =
      run("engine apply: one_stop_shop -> canonical", n, [&] { return oss->apply(*src, ctx).ok(); });
  run("engine transform (apply+validate), same", n, [&] { return oss->transform(*src, ctx).ok(); });
  run("engine transform: canonical -> DVCQG", n, [&] { return dv->transform(*canonical, ctx).ok(); });
  std::printf("engine apply / hand-written: %.2fx\n", apply / base);
  return 0;
}
