#include "sim/one_stop_shop/one_stop_shop_sim.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/calendar/deadline.hpp"
#include "sim/common/sim_args.hpp"

namespace lienthong::sim {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kDay = 24 * kHour;

struct Procedure {
  const char* code;
  const char* name;
  const char* field;
  const char* level;  // tinh | huyen | xa
  int64_t fee;
  // The legal deadline (thời hạn giải quyết), as in mappings/procedures.json (a test
  // checks that the two agree): working days, or working hours when days is 0.
  int deadline_days;
  int deadline_hours;
};

// Procedure codes in the national format (mã TTHC) and names of real procedures; the
// codes and deadlines are the illustrative ones of the sample catalogue.
const Procedure kProcedures[] = {
    {"1.004227.000.00.00.H56", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "G01", "huyen",
     100000, 30, 0},
    {"1.009994.000.00.00.H56", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "G12", "huyen", 75000, 15, 0},
    {"2.000889.000.00.00.H56", "Đăng ký thành lập hộ kinh doanh", "G05", "huyen", 100000, 3, 0},
    {"1.001193.000.00.00.H56", "Đăng ký khai sinh", "G09", "xa", 0, 0, 8},
    {"1.000656.000.00.00.H56", "Đăng ký kết hôn", "G09", "xa", 0, 0, 8},
    {"1.003560.000.00.00.H56", "Cấp bản sao trích lục hộ tịch", "G09", "xa", 8000, 1, 0},
    {"2.001157.000.00.00.H56", "Chứng thực bản sao từ bản chính", "G10", "xa", 2000, 0, 4},
    {"1.001009.000.00.00.H56", "Đăng ký biến động quyền sử dụng đất", "G01", "huyen", 50000, 10, 0},
    {"1.005399.000.00.00.H56", "Cấp giấy phép kinh doanh vận tải bằng xe ô tô", "G15", "tinh", 200000, 5, 0},
    {"2.001957.000.00.00.H56", "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam", "G09", "tinh", 200000, 10,
     0},
};

// Agency codes (mã đơn vị) by level: province departments, district people's committees,
// commune people's committees.
const std::map<std::string, std::vector<std::string>> kAgencies = {
    {"tinh", {"000.00.12.H56", "000.00.15.H56", "000.00.20.H56", "000.00.22.H56"}},
    {"huyen", {"000.31.30.H56", "000.32.30.H56", "000.33.30.H56", "000.34.30.H56"}},
    {"xa", {"001.31.30.H56", "002.31.30.H56", "003.32.30.H56", "004.33.30.H56", "005.34.30.H56"}},
};

const char* kFamily[] = {"Nguyễn", "Trần", "Lê",  "Phạm", "Hoàng", "Huỳnh", "Phan",  "Vũ",
                         "Võ",     "Đặng", "Bùi", "Đỗ",   "Hồ",    "Ngô",   "Dương", "Lý"};
const char* kMiddle[] = {"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Gia"};
const char* kGiven[] = {"An",   "Bình", "Cường", "Dũng", "Hà",    "Hải",  "Hạnh",  "Hoa",
                        "Hùng", "Lan",  "Linh",  "Long", "Mai",   "Nam",  "Phong", "Phương",
                        "Quân", "Sơn",  "Tâm",   "Thảo", "Trang", "Tuấn", "Vân",   "Yến"};
const char* kCompanies[] = {"Công ty TNHH Xây dựng Hải Long", "Công ty Cổ phần Vận tải Sông Hàn",
                            "Công ty TNHH Thương mại Phú Quý", "Hợp tác xã Nông nghiệp Tân Phú"};
const char* kTitles[] = {"Chuyên viên", "Phó Trưởng phòng", "Trưởng phòng", "Công chức Tư pháp - Hộ tịch",
                         "Văn thư"};
const char* kDepartments[] = {"Bộ phận một cửa", "Phòng Quản lý đô thị", "Phòng Tư pháp",
                              "Phòng Tài nguyên và Môi trường", "Văn phòng HĐND và UBND"};

// Local workflow states and their national TrangThaiHoSo codes (for /__sim/expected only:
// the gateway learns the codes from its mapping file).
const std::map<std::string, int> kNational = {
    {"moi_dang_ky", 1},   {"da_tiep_nhan", 2},       {"tu_choi", 3},      {"dang_xu_ly", 4},
    {"cho_bo_sung", 5},   {"cho_thuc_hien_nvtc", 6}, {"cong_dan_rut", 7}, {"dung_xu_ly", 8},
    {"da_xu_ly_xong", 9}, {"da_tra_ket_qua", 10}};

const std::map<std::string, const char*> kNotes = {
    {"moi_dang_ky", "Công dân nộp hồ sơ trực tuyến"},  {"da_tiep_nhan", "Tiếp nhận hồ sơ"},
    {"tu_choi", "Hồ sơ không đủ điều kiện tiếp nhận"}, {"dang_xu_ly", "Chuyển xử lý"},
    {"cho_bo_sung", "Yêu cầu bổ sung giấy tờ"},        {"cho_thuc_hien_nvtc", "Yêu cầu nộp phí, lệ phí"},
    {"cong_dan_rut", "Công dân đề nghị rút hồ sơ"},    {"dung_xu_ly", "Dừng xử lý hồ sơ"},
    {"da_xu_ly_xong", "Đã có kết quả giải quyết"},     {"da_tra_ket_qua", "Trả kết quả cho công dân"},
    {"cho_phe_duyet", "Chờ lãnh đạo phê duyệt"}};

// The invalid records the data set always contains, each with the event that must be
// quarantined and a substring of the reason the gateway must give.
enum class Invalid {
  kNone,
  kBadProcedureCode,
  kDatesOutOfOrder,
  kUnknownStatus,
  kBadTransition,
  kMissingOwnerType,
  kPortalRejectsIdNumber
};
constexpr int kInvalidKinds = 6;
const char* invalid_name(Invalid k) {
  switch (k) {
    case Invalid::kBadProcedureCode:
      return "bad_procedure_code";
    case Invalid::kDatesOutOfOrder:
      return "dates_out_of_order";
    case Invalid::kUnknownStatus:
      return "unknown_status";
    case Invalid::kBadTransition:
      return "bad_transition";
    case Invalid::kMissingOwnerType:
      return "missing_owner_type";
    case Invalid::kPortalRejectsIdNumber:
      return "portal_rejects_id_number";
    case Invalid::kNone:
      break;
  }
  return "";
}
const char* invalid_reason(Invalid k) {
  switch (k) {
    case Invalid::kBadProcedureCode:
      return "MaTTHC";
    case Invalid::kDatesOutOfOrder:
      return "must not be earlier than";
    case Invalid::kUnknownStatus:
      return "cho_phe_duyet";
    case Invalid::kBadTransition:
      return "TrangThaiHoSo";
    case Invalid::kMissingOwnerType:
      return "owner_type";
    case Invalid::kPortalRejectsIdNumber:
      return "1003";
    case Invalid::kNone:
      break;
  }
  return "";
}

struct Step {
  std::string state;
  int64_t at_ms = 0;
  std::string officer, title, department;
};

struct Dossier {
  std::string code;
  const Procedure* procedure = nullptr;
  std::string procedure_code;
  std::string channel;  // truc_tuyen | truc_tiep | buu_chinh
  std::string owner_name, owner_type, owner_id;
  std::string owner_email, owner_phone, owner_account;  // known for online dossiers
  std::string agency, level;
  int64_t received_ms = 0, due_ms = 0;
  bool online_payment = false, digitised = false;
  std::vector<std::pair<std::string, std::string>> documents;
  std::vector<Step> path;
  size_t revealed = 0;
  int64_t updated_ms = 0;
  Invalid invalid = Invalid::kNone;
  size_t bad_index = 0;         // index of the first event that must be quarantined
  int64_t legal_due_ms = 0;     // the procedure's deadline counted from receipt
  bool wrong_due_date = false;  // NgayHenTra (due_ms) one working day after legal_due_ms
};

template <class T, size_t N>
const T& pick(std::mt19937_64& rng, const T (&arr)[N]) {
  return arr[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

bool chance(std::mt19937_64& rng, double p) {
  return std::uniform_real_distribution<double>(0, 1)(rng) < p;
}
int64_t between(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

std::string person_name(std::mt19937_64& rng) {
  return std::string(pick(rng, kFamily)) + " " + pick(rng, kMiddle) + " " + pick(rng, kGiven);
}

std::string digits(std::mt19937_64& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + between(rng, 0, 9)));
  return s;
}

// A status path that follows the national transitions (mappings/dvcqg/status_transitions.json).
std::vector<std::string> make_path(std::mt19937_64& rng, bool online) {
  std::vector<std::string> p;
  if (online) {
    p.push_back("moi_dang_ky");
    if (chance(rng, 0.08)) {
      p.push_back("tu_choi");
      return p;
    }
  }
  p.push_back("da_tiep_nhan");
  if (chance(rng, 0.04)) {
    p.push_back("cong_dan_rut");
    p.push_back("dung_xu_ly");
    return p;
  }
  p.push_back("dang_xu_ly");
  for (int round = 0; round < 3; ++round) {
    double r = std::uniform_real_distribution<double>(0, 1)(rng);
    if (r < 0.15) {
      p.push_back("cho_bo_sung");
      p.push_back("dang_xu_ly");
    } else if (r < 0.25) {
      p.push_back("cho_thuc_hien_nvtc");
      p.push_back("dang_xu_ly");
    } else if (r < 0.35) {
      p.push_back("dang_xu_ly");  // moved to another department
    } else {
      break;
    }
  }
  if (chance(rng, 0.03)) {
    p.push_back("dung_xu_ly");
    return p;
  }
  p.push_back("da_xu_ly_xong");
  p.push_back("da_tra_ket_qua");
  return p;
}

void write_str(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}

}  // namespace

struct OneStopShopData::Impl {
  OneStopShopOptions options;
  mutable std::mutex mu;
  std::mt19937_64 rng;
  std::vector<Dossier> dossiers;
  std::set<std::pair<int64_t, size_t>> order;  // (updated_ms, index); index order == code order per ms
  int64_t max_updated = 0;
  int64_t pages_served = 0;

  calendar::DeadlineCalculator deadlines;

  explicit Impl(OneStopShopOptions o)
      : options(std::move(o)), rng(options.seed), deadlines(load_calendar(options.calendar_dir), {}) {
    generate();
  }

  static calendar::WorkingDayCalendar load_calendar(const std::string& dir) {
    if (dir.empty()) return calendar::WorkingDayCalendar();
    auto c = calendar::WorkingDayCalendar::load_directory(dir);
    if (!c.ok()) throw std::runtime_error("one-stop-shop sim: --calendar-dir: " + c.error().message);
    return std::move(c).value();
  }

  // Received + the procedure's deadline in working time (default office hours).
  std::optional<int64_t> legal_due(const Procedure& p, int64_t received) const {
    auto due = p.deadline_days > 0 ? deadlines.add_working_days(received, p.deadline_days)
                                   : deadlines.add_working_hours(received, p.deadline_hours);
    if (!due.ok()) return std::nullopt;
    return *due;
  }

  // 00:00 Vietnam time of the day of `ms`.
  static int64_t day_start(int64_t ms) {
    vn_time::CivilTime c = vn_time::to_vietnam(ms);
    return vn_time::from_vietnam({c.year, c.month, c.day, 0, 0, 0});
  }

  // Scales the step times after `from` so that the last one is at `until` at the latest.
  static void fit_into(std::vector<Step>& path, int64_t from, int64_t until) {
    int64_t span = path.back().at_ms - from;
    if (span <= 0 || path.back().at_ms <= until) return;
    const int64_t allowed = std::max<int64_t>(until - from, 0);
    int64_t prev = from;
    for (size_t k = 1; k < path.size(); ++k) {
      int64_t scaled = from + static_cast<int64_t>(static_cast<double>(path[k].at_ms - from) *
                                                   static_cast<double>(allowed) / static_cast<double>(span));
      scaled -= scaled % 60'000;  // whole minutes, as a province's system records them
      path[k].at_ms = std::max(scaled, prev + 60'000);
      prev = path[k].at_ms;
    }
  }

  void generate() {
    // 2024-10-01 00:00 Vietnam time, or ten weeks before the day of options.as_of_ms.
    const int64_t start = options.as_of_ms > 0 ? day_start(options.as_of_ms) - 70 * kDay
                                               : vn_time::from_vietnam({2024, 10, 1, 0, 0, 0});
    int64_t n = options.dossiers;
    int64_t invalid_count = static_cast<int64_t>(static_cast<double>(n) * options.invalid_share + 0.5);
    if (options.invalid_share > 0 && invalid_count == 0 && n > 0) invalid_count = 1;
    std::map<std::string, int> per_agency_day;
    dossiers.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      Dossier d;
      d.procedure = &pick(rng, kProcedures);
      d.procedure_code = d.procedure->code;
      d.level = d.procedure->level;
      const auto& agencies = kAgencies.at(d.level);
      d.agency = agencies[static_cast<size_t>(between(rng, 0, static_cast<int64_t>(agencies.size()) - 1))];
      double c = std::uniform_real_distribution<double>(0, 1)(rng);
      d.channel = c < 0.55 ? "truc_tuyen" : (c < 0.95 ? "truc_tiep" : "buu_chinh");
      double o = std::uniform_real_distribution<double>(0, 1)(rng);
      if (o < 0.82) {
        d.owner_type = "cong_dan";
        d.owner_name = person_name(rng);
        d.owner_id = "0" + digits(rng, 11);  // 12-digit citizen ID (CCCD)
      } else if (o < 0.95) {
        d.owner_type = "doanh_nghiep";
        d.owner_name = pick(rng, kCompanies);
        d.owner_id = "0" + digits(rng, 9);  // 10-digit tax code
      } else if (o < 0.98) {
        d.owner_type = "co_quan_nha_nuoc";
        d.owner_name = "Ủy ban nhân dân xã Tân Lập";
        d.owner_id = "0" + digits(rng, 9);
      } else {
        d.owner_type = "to_chuc_khac";
        d.owner_name = "Hội Nông dân huyện Diên Khánh";
        d.owner_id = "0" + digits(rng, 9);
      }
      // An online dossier comes with the owner's portal account and contact details. Derived
      // from the index, not drawn, so that the random sequence of earlier data sets is kept.
      if (d.channel == "truc_tuyen") {
        uint64_t k = static_cast<uint64_t>(i) * 2654435761u % 100'000'000u;
        std::string eight = std::to_string(k);
        eight.insert(0, 8 - eight.size(), '0');
        d.owner_phone = "09" + eight;
        d.owner_email = "hoso" + std::to_string(i) + "@thudientu.example";
        d.owner_account = "TK" + eight;
      }
      // Received on a weekday in working hours within ~10 weeks.
      int64_t day = between(rng, 0, 69);
      int64_t received = start + day * kDay + between(rng, 7 * 60 + 30, 16 * 60 + 30) * 60'000;
      int wd = vn_time::weekday((received + vn_time::kOffsetSeconds * 1000) / kDay);
      if (wd >= 5) received += (7 - wd) * kDay;
      // A weekend day moved to a Monday that is the as-of day, after its hour: a week earlier.
      if (options.as_of_ms > 0 && received > options.as_of_ms) received -= 7 * kDay;
      d.received_ms = received;
      // The legal due date (the gateway audits it against the same rules); every 16th
      // dossier carries one a working day late, as a province that counts the day of
      // receipt would send. The draw keeps the random sequence of earlier data sets.
      int64_t fallback_due = received + between(rng, 3, 20) * kDay;
      d.legal_due_ms = legal_due(*d.procedure, received).value_or(fallback_due);
      d.wrong_due_date = i % 16 == 5;
      d.due_ms = d.legal_due_ms;
      if (d.wrong_due_date) {
        auto late = deadlines.add_working_days(d.legal_due_ms, 1);
        d.due_ms = late.ok() ? *late : d.legal_due_ms + kDay;
      }
      d.online_payment = d.channel == "truc_tuyen" && chance(rng, 0.6);
      d.digitised = chance(rng, 0.7);
      d.documents.push_back({"TP01", "Đơn đề nghị"});
      if (chance(rng, 0.8)) d.documents.push_back({"TP02", "Bản sao giấy tờ tùy thân"});
      if (std::string(d.procedure->field) == "G12") d.documents.push_back({"TP03", "Bản vẽ thiết kế"});
      vn_time::CivilTime ct = vn_time::to_vietnam(received);
      char ymd[16];
      std::snprintf(ymd, sizeof ymd, "%02d%02d%02d", ct.year % 100, ct.month, ct.day);
      int seq = ++per_agency_day[d.agency + ymd];
      char code[64];
      std::snprintf(code, sizeof code, "%s-%s-%04d", d.agency.c_str(), ymd, seq);
      d.code = code;
      auto states = make_path(rng, d.channel == "truc_tuyen");
      int64_t t = received;
      for (size_t k = 0; k < states.size(); ++k) {
        Step s;
        s.state = states[k];
        if (k > 0) t += between(rng, 1, 40) * kHour + between(rng, 0, 59) * 60'000;
        s.at_ms = t;
        s.officer = person_name(rng);
        s.title = pick(rng, kTitles);
        s.department = k == 0 ? "Bộ phận một cửa" : pick(rng, kDepartments);
        d.path.push_back(std::move(s));
      }
      // Most online submissions are acknowledged within hours (the 8-working-hour rule):
      // all but every 10th have the gap to their first step cut to 10 minutes – 3 hours.
      if (d.path.size() > 1 && d.path[0].state == "moi_dang_ky" && i % 10 != 3) {
        int64_t gap = d.path[1].at_ms - d.path[0].at_ms;
        int64_t cut = gap - (10 * 60'000 + gap % (3 * kHour));
        if (cut > 0) {
          for (size_t k = 1; k < d.path.size(); ++k) d.path[k].at_ms -= cut;
        }
      }
      // Agencies resolve most dossiers in time: all but every 12th have their history
      // fitted into nine tenths of the legal deadline (times kept in order, a minute
      // apart at least); the others keep the pace drawn above, often too slow for it.
      if (i % 12 != 7) fit_into(d.path, received, received + (d.legal_due_ms - received) * 9 / 10);
      // Where the dossier is today: some finished, some midway (drawn), or, as of an
      // instant, every status up to it.
      d.revealed = chance(rng, 0.4)
                       ? d.path.size()
                       : static_cast<size_t>(between(rng, 1, static_cast<int64_t>(d.path.size())));
      if (options.as_of_ms > 0) {
        d.revealed = 1;
        while (d.revealed < d.path.size() && d.path[d.revealed].at_ms <= options.as_of_ms) ++d.revealed;
      }
      dossiers.push_back(std::move(d));
    }
    // Invalid records, spread evenly, kinds in rotation.
    for (int64_t k = 0; k < invalid_count && n > 0; ++k) {
      size_t idx =
          static_cast<size_t>((k * n) / invalid_count + (n / invalid_count) / 2) % static_cast<size_t>(n);
      make_invalid(dossiers[idx], static_cast<Invalid>(1 + k % kInvalidKinds));
    }
    for (size_t i = 0; i < dossiers.size(); ++i) {
      Dossier& d = dossiers[i];
      d.updated_ms = d.path[d.revealed - 1].at_ms + 30 * 60'000 + static_cast<int64_t>(i % 997);
      max_updated = std::max(max_updated, d.updated_ms);
      order.insert({d.updated_ms, i});
    }
  }

  void make_invalid(Dossier& d, Invalid kind) {
    d.invalid = kind;
    // One fault per dossier: the valid events before its invalid one are stored and
    // audited, so a late due date here would be flagged without being counted as such.
    d.wrong_due_date = false;
    d.due_ms = d.legal_due_ms;
    // Invalid records are shown whole from the start and never move on.
    if (d.path.size() < 3 || kind == Invalid::kBadTransition) {
      int64_t t = d.received_ms;
      d.path.clear();
      for (const char* s : {"da_tiep_nhan", "dang_xu_ly", "da_xu_ly_xong"}) {
        Step st;
        st.state = s;
        st.at_ms = t;
        st.officer = person_name(rng);
        st.title = pick(rng, kTitles);
        st.department = pick(rng, kDepartments);
        d.path.push_back(st);
        t += 5 * kHour;
      }
    }
    d.revealed = d.path.size();
    // Shown whole, so as of an instant its history must be over by then: squeezed into the
    // time since receipt, or (received minutes before) moved back as a whole.
    if (options.as_of_ms > 0 && d.path.back().at_ms > options.as_of_ms) {
      fit_into(d.path, d.received_ms, options.as_of_ms);
      int64_t over = d.path.back().at_ms - options.as_of_ms;
      if (over > 0) {
        d.received_ms -= over;
        d.legal_due_ms -= over;
        d.due_ms -= over;
        for (Step& st : d.path) st.at_ms -= over;
      }
    }
    switch (kind) {
      case Invalid::kBadProcedureCode:
        d.procedure_code = "1.003560.000";  // truncated: not a national procedure code
        d.bad_index = 0;
        break;
      case Invalid::kDatesOutOfOrder:
        d.due_ms = d.received_ms - 2 * kDay;  // appointment before receipt
        d.bad_index = 0;
        break;
      case Invalid::kUnknownStatus:
        d.path[1].state = "cho_phe_duyet";  // a local state with no national code
        d.bad_index = 1;
        break;
      case Invalid::kBadTransition:
        d.path[1].state = "da_tra_ket_qua";  // 2 -> 10 skips processing
        d.bad_index = 1;
        break;
      case Invalid::kMissingOwnerType:
        d.owner_type.clear();
        d.bad_index = 0;
        break;
      case Invalid::kPortalRejectsIdNumber:
        d.owner_type = "cong_dan";
        d.owner_id = "12AB34";  // the portal checks citizen ID numbers; the gateway does not
        d.bad_index = 0;
        break;
      case Invalid::kNone:
        break;
    }
  }

  void write_item(Writer& w, const Dossier& d) const {
    w.StartObject();
    write_str(w, "ma_ho_so", d.code);
    w.Key("thu_tuc");
    w.StartObject();
    write_str(w, "ma", d.procedure_code);
    write_str(w, "ten", d.procedure->name);
    write_str(w, "linh_vuc", d.procedure->field);
    w.EndObject();
    write_str(w, "kenh", d.channel);
    w.Key("chu_ho_so");
    w.StartObject();
    write_str(w, "ho_ten", d.owner_name);
    if (!d.owner_type.empty()) write_str(w, "loai", d.owner_type);
    write_str(w, "so_giay_to", d.owner_id);
    if (!d.owner_email.empty()) write_str(w, "email", d.owner_email);
    if (!d.owner_phone.empty()) write_str(w, "so_dien_thoai", d.owner_phone);
    if (!d.owner_account.empty()) write_str(w, "ma_tai_khoan", d.owner_account);
    w.EndObject();
    w.Key("don_vi");
    w.StartObject();
    write_str(w, "ma", d.agency);
    write_str(w, "cap", d.level);
    w.EndObject();
    write_str(w, "ngay_tiep_nhan", vn_time::format_iso(d.received_ms));
    write_str(w, "ngay_hen_tra", vn_time::format_iso(d.due_ms));
    const Step* resolved = nullptr;
    const Step* returned = nullptr;
    for (size_t k = 0; k < d.revealed; ++k) {
      if (d.path[k].state == "da_xu_ly_xong") resolved = &d.path[k];
      if (d.path[k].state == "da_tra_ket_qua") returned = &d.path[k];
    }
    w.Key("ngay_tra");
    if (returned && d.invalid == Invalid::kNone) {
      std::string s = vn_time::format_iso(returned->at_ms);
      w.String(s.c_str());
    } else {
      w.Null();
    }
    w.Key("ngay_ket_thuc_xu_ly");
    if (resolved) {
      std::string s = vn_time::format_iso(resolved->at_ms);
      w.String(s.c_str());
    } else {
      w.Null();
    }
    w.Key("thanh_toan_truc_tuyen");
    w.Bool(d.online_payment);
    w.Key("so_hoa");
    w.Bool(d.digitised);
    w.Key("le_phi");
    w.StartArray();
    if (d.procedure->fee > 0) {
      w.StartObject();
      write_str(w, "ma", "LP01");
      write_str(w, "ten", "Lệ phí giải quyết thủ tục");
      w.Key("so_tien");
      w.Int64(d.procedure->fee);
      w.EndObject();
    }
    w.EndArray();
    w.Key("tai_lieu");
    w.StartArray();
    for (auto& [code, name] : d.documents) {
      w.StartObject();
      write_str(w, "ma", code);
      write_str(w, "ten", name);
      write_str(w, "url", "https://motcua.example.gov.vn/files/" + d.code + "/" + code + ".pdf");
      w.EndObject();
    }
    w.EndArray();
    w.Key("ket_qua");
    w.StartArray();
    if (resolved) {
      w.StartObject();
      write_str(w, "ma", "KQ01");
      write_str(w, "ten", "Kết quả giải quyết");
      write_str(w, "url", "https://motcua.example.gov.vn/files/" + d.code + "/KQ01.pdf");
      w.EndObject();
    }
    w.EndArray();
    w.Key("lich_su");
    w.StartArray();
    for (size_t k = 0; k < d.revealed; ++k) {
      const Step& s = d.path[k];
      w.StartObject();
      w.Key("stt");
      w.Int(static_cast<int>(k + 1));
      write_str(w, "trang_thai", s.state);
      write_str(w, "thoi_diem", vn_time::format_iso(s.at_ms));
      write_str(w, "can_bo", s.officer);
      write_str(w, "chuc_danh", s.title);
      write_str(w, "phong_ban", s.department);
      auto note = kNotes.find(s.state);
      write_str(w, "noi_dung", note == kNotes.end() ? "" : note->second);
      w.EndObject();
    }
    w.EndArray();
    // cap_nhat_luc carries milliseconds, as the real system's audit column does.
    std::string updated = vn_time::format_iso(d.updated_ms);
    char ms[8];
    std::snprintf(ms, sizeof ms, ".%03d", static_cast<int>(d.updated_ms % 1000));
    updated.insert(19, ms);
    write_str(w, "cap_nhat_luc", updated);
    w.EndObject();
  }
};

OneStopShopData::OneStopShopData(OneStopShopOptions options) : impl_(std::make_unique<Impl>(options)) {}
OneStopShopData::~OneStopShopData() = default;

namespace {
SimResponse bad_request(const std::string& what) {
  return SimResponse::json(400, "{\"error\":\"bad_request\",\"message\":\"" + what + "\"}");
}
}  // namespace

SimResponse OneStopShopData::page(const std::string& since, const std::string& limit_text) {
  int64_t limit = 100;
  if (!limit_text.empty()) {
    try {
      size_t used = 0;
      limit = std::stoll(limit_text, &used);
      if (used != limit_text.size()) limit = -1;
    } catch (const std::exception&) {
      limit = -1;
    }
    if (limit < 1 || limit > impl_->options.max_limit)
      return bad_request("limit must be an integer in [1, " + std::to_string(impl_->options.max_limit) + "]");
  }
  // Cursor: "<updated_ms>.<index>" of the last item returned; opaque to clients.
  std::pair<int64_t, size_t> after{-1, 0};
  bool from_start = since.empty();
  if (!from_start) {
    size_t dot = since.find('.');
    try {
      if (dot == std::string::npos) throw std::invalid_argument("no dot");
      after.first = std::stoll(since.substr(0, dot));
      after.second = static_cast<size_t>(std::stoull(since.substr(dot + 1)));
    } catch (const std::exception&) {
      return bad_request("malformed cursor");
    }
  }
  std::lock_guard lock(impl_->mu);
  ++impl_->pages_served;
  auto it = from_start ? impl_->order.begin() : impl_->order.upper_bound(after);
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  std::string next = since;
  int64_t n = 0;
  for (; it != impl_->order.end() && n < limit; ++it, ++n) {
    impl_->write_item(w, impl_->dossiers[it->second]);
    next = std::to_string(it->first) + "." + std::to_string(it->second);
  }
  w.EndArray();
  write_str(w, "next_cursor", next);
  w.Key("has_more");
  w.Bool(it != impl_->order.end());
  w.EndObject();
  return SimResponse::json(200, sb.GetString());
}

int64_t OneStopShopData::advance(int64_t count) {
  std::lock_guard lock(impl_->mu);
  int64_t moved = 0;
  for (size_t i = 0; i < impl_->dossiers.size() && moved < count; ++i) {
    Dossier& d = impl_->dossiers[i];
    if (d.invalid != Invalid::kNone || d.revealed >= d.path.size()) continue;
    impl_->order.erase({d.updated_ms, i});
    ++d.revealed;
    // Changes made now sort after everything served so far.
    impl_->max_updated = std::max(impl_->max_updated + 1000, d.path[d.revealed - 1].at_ms);
    d.updated_ms = impl_->max_updated;
    impl_->order.insert({d.updated_ms, i});
    ++moved;
  }
  return moved;
}

namespace {
// A dossier whose wrong due date the gateway can see (invalid ones have none): the due
// date is audited from reception on, and a newly registered (1) online dossier is not
// received yet.
bool shows_wrong_due_date(const Dossier& d) {
  if (!d.wrong_due_date) return false;
  for (size_t k = 0; k < d.revealed; ++k) {
    if (kNational.at(d.path[k].state) != 1) return true;
  }
  return false;
}
}  // namespace

std::string OneStopShopData::expected_json() const {
  std::lock_guard lock(impl_->mu);
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("dossiers");
  w.StartArray();
  for (const Dossier& d : impl_->dossiers) {
    w.StartObject();
    write_str(w, "ma_ho_so", d.code);
    w.Key("statuses");
    w.StartArray();
    size_t valid_prefix = d.invalid == Invalid::kNone ? d.revealed : d.bad_index;
    for (size_t k = 0; k < valid_prefix; ++k) w.Int(kNational.at(d.path[k].state));
    w.EndArray();
    w.Key("wrong_due_date");
    w.Bool(d.wrong_due_date);
    w.Key("invalid");
    if (d.invalid == Invalid::kNone) {
      w.Null();
    } else {
      w.String(invalid_name(d.invalid));
      w.Key("quarantine_sequence");
      w.Int(static_cast<int>(d.bad_index + 1));
      w.Key("events");
      w.Int(static_cast<int>(d.revealed));
      w.Key("reason");
      w.String(invalid_reason(d.invalid));
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

int64_t OneStopShopData::revealed_events() const {
  std::lock_guard lock(impl_->mu);
  int64_t n = 0;
  for (auto& d : impl_->dossiers) n += static_cast<int64_t>(d.revealed);
  return n;
}

std::string OneStopShopData::stats_json() const {
  int64_t events = revealed_events();
  std::lock_guard lock(impl_->mu);
  int64_t invalid = 0, valid_events = 0, wrong_due = 0;
  for (auto& d : impl_->dossiers) {
    if (d.invalid != Invalid::kNone) {
      ++invalid;
      valid_events += static_cast<int64_t>(d.bad_index);
    } else {
      valid_events += static_cast<int64_t>(d.revealed);
      if (shows_wrong_due_date(d)) ++wrong_due;
    }
  }
  return "{\"dossiers\":" + std::to_string(impl_->dossiers.size()) +
         ",\"invalid_dossiers\":" + std::to_string(invalid) + ",\"events\":" + std::to_string(events) +
         ",\"valid_events\":" + std::to_string(valid_events) +
         ",\"wrong_due_dates\":" + std::to_string(wrong_due) +
         ",\"pages_served\":" + std::to_string(impl_->pages_served) + "}";
}

SimHandler one_stop_shop_handler(OneStopShopData& data, TokenAuthority& tokens) {
  return [&data, &tokens](const SimRequest& r) {
    if (r.path == "/api/v1/dossiers" && r.method == "GET") {
      if (!tokens.authorise(r))
        return SimResponse::json(
            401, "{\"error\":\"invalid_token\",\"message\":\"missing, expired or revoked token\"}");
      auto since = r.query.find("since");
      auto limit = r.query.find("limit");
      return data.page(since == r.query.end() ? "" : since->second,
                       limit == r.query.end() ? "" : limit->second);
    }
    if (r.path == "/api/v1/notifications" && r.method == "POST")
      return SimResponse::json(202, "{\"status\":\"received\"}");
    if (r.path == "/__sim/advance" && r.method == "POST") {
      auto c = r.query.find("count");
      int64_t count = c == r.query.end() ? 1 : std::stoll(c->second);
      return SimResponse::json(200, "{\"moved\":" + std::to_string(data.advance(count)) + "}");
    }
    if (r.path == "/__sim/expected") return SimResponse::json(200, data.expected_json());
    if (r.path == "/__sim/stats")
      return SimResponse::json(
          200, "{\"data\":" + data.stats_json() + ",\"token\":" + token_stats_json(tokens.stats()) + "}");
    return SimResponse::json(404, "{\"error\":\"not_found\"}");
  };
}

const std::vector<SimOption>& one_stop_shop_sim_options() {
  static const std::vector<SimOption> v = {
      {"dossiers", "N", "dossiers in the generated data set (default 200)"},
      {"invalid-share", "X", "share of them that are invalid (default 0.05)"},
      {"max-limit", "N", "largest page a client may ask for (default 1000)"},
      {"calendar-dir", "DIR",
       "year files (mappings/calendar) for the legal due dates; without it, the built-in holiday rules"},
      {"as-of", "now|TIME",
       "the data set as of then: received in the ten weeks before, every status up to then shown (default: "
       "received from 2024-10-01, each shown up to a drawn point)"}};
  return v;
}

OneStopShopOptions one_stop_shop_options_from(const SimArgs& args) {
  OneStopShopOptions o;
  o.dossiers = args.integer("dossiers", o.dossiers, 0, 10'000'000);
  o.invalid_share = args.number("invalid-share", o.invalid_share, 0, 1);
  o.seed = static_cast<uint64_t>(args.integer("seed", 1, 0, INT64_MAX));
  o.max_limit = args.integer("max-limit", o.max_limit, 1, 100'000);
  o.calendar_dir = args.str("calendar-dir", "");
  if (std::string a = args.str("as-of", ""); !a.empty()) {
    if (a == "now") {
      o.as_of_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    } else if (auto t = vn_time::parse_iso(a)) {
      o.as_of_ms = *t;
    } else {
      throw std::invalid_argument("--as-of: expected 'now' or a time such as 2026-11-26T10:00, got '" + a +
                                  "'");
    }
  }
  return o;
}

int run_one_stop_shop_sim(const std::vector<std::string>& argv) {
  SimSpec spec{"one-stop-shop",
               "Provincial one-stop-shop API behind an LGSP token endpoint.",
               "",
               {{"port", "N", "the API's port (default 0: any free one)"},
                {"token-port", "N", "the token endpoint's port (default 0: any free one)"}},
               true};
  for (auto& o : one_stop_shop_sim_options()) spec.options.push_back(o);
  for (auto& o : token_sim_options()) spec.options.push_back(o);
  auto parsed = parse_sim_args(spec, argv);
  if (!parsed) return 0;
  const SimArgs& args = *parsed;
  OneStopShopData data(one_stop_shop_options_from(args));
  TokenAuthority tokens(token_options_from(args));
  SimServer token_server("token", args.faults(), token_handler(tokens));
  Faults f = args.faults();
  f.seed += 1;
  SimServer api("one-stop-shop", f, one_stop_shop_handler(data, tokens));
  uint16_t tp =
      token_server.start("127.0.0.1", static_cast<uint16_t>(args.integer("token-port", 0, 0, 65535)));
  uint16_t ap = api.start("127.0.0.1", static_cast<uint16_t>(args.integer("port", 0, 0, 65535)));
  print_ready("{\"sim\":\"one-stop-shop\",\"one_stop_shop_port\":" + std::to_string(ap) +
              ",\"token_port\":" + std::to_string(tp) + "}");
  wait_for_shutdown_signal();
  api.stop();
  token_server.stop();
  return 0;
}

}  // namespace lienthong::sim
