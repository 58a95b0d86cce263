#include "sim/recon/recon_data.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "adapters/payment_platform/payment_platform.hpp"
#include "adapters/tax/tax.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "sim/common/sim_cli.hpp"

namespace lienthong::sim {

namespace {

// The injectable classes, in the order discrepancies are spread over them.
enum Kind {
  kMissingAtBank,
  kMissingAtTreasury,
  kPending,
  kAmountMismatch,
  kDuplicate,
  kNoDossier,
  kUnpaid,
  kRefunded,
  kUnknownAtPortal,
  kKinds
};
const char* kReason[kKinds] = {
    "missing_at_bank", "missing_at_treasury", "pending_settlement", "amount_mismatch",  "duplicate_payment",
    "no_dossier",      "obligation_unpaid",   "refunded",           "unknown_at_portal"};

struct File {
  std::FILE* f = nullptr;
  uint32_t line = 1;  // the line the next write starts on
  explicit File(const std::filesystem::path& p) {
    f = std::fopen(p.c_str(), "wb");
    if (!f) throw std::runtime_error("cannot write " + p.string());
    std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
  }
  ~File() {
    if (f) std::fclose(f);
  }
  void put(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), f);
    for (char c : s) line += c == '\n';
  }
};

std::string dmy(int64_t day) {
  int y, m, d;
  vn_time::civil_from_days(day, y, m, d);
  char b[16];
  std::snprintf(b, sizeof b, "%02d/%02d/%04d", d, m, y);
  return b;
}

// SplitMix64: fast, seedable, identical on every platform (std distributions are not).
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return next() % n; }
};

}  // namespace

ReconDataManifest generate_recon_data(const ReconDataOptions& o) {
  if (o.size < 0 || o.discrepancies < 0 || o.malformed < 0) throw std::invalid_argument("sizes must be >= 0");
  if (o.discrepancies > o.size) throw std::invalid_argument("--discrepancies cannot exceed --size");
  if (o.days < o.settlement_window_days + 2) {
    throw std::invalid_argument(
        "--days must exceed the settlement window by 2 (to place both timing classes)");
  }
  auto from_day = vn_time::parse_date(o.from);
  if (!from_day) throw std::invalid_argument("--from must be YYYY-MM-DD");
  namespace fs = std::filesystem;
  fs::create_directories(o.out_dir);
  const fs::path dir(o.out_dir);
  const int64_t from = *from_day, to = from + o.days - 1, as_of = to + 1;

  ReconDataManifest m;
  m.from = vn_time::format_date(from);
  m.to = vn_time::format_date(to);
  m.as_of = vn_time::format_date(as_of);

  File pay(dir / "payments.jsonl"), bank(dir / "bank.csv"), kb(dir / "treasury.xml"),
      obl(dir / "obligations.csv"), inits(dir / "inits.jsonl");
  std::unique_ptr<File> pay_csv, kb_csv;
  if (o.sqlite_csv) {
    pay_csv = std::make_unique<File>(dir / "payments.csv");
    kb_csv = std::make_unique<File>(dir / "treasury.csv");
    pay_csv->put("ref,dossier,agency,amount,day\n");
    kb_csv->put("ref,dossier,agency,amount,day,kind\n");
  }
  bank.put("\xEF\xBB\xBFNgày giao dịch,Số tiền,Mã giao dịch,Nội dung\n");
  kb.put("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DuLieuKhoBac MaKhoBac=\"0111\">\n");
  obl.put("MaHoSo,MaDonVi,SoTien,MaKhoanThu\n");

  Rng rng{o.seed * 0x2545F4914F6CDD1DULL + 17};
  // Discrepancies go to evenly spaced transactions, the class chosen in turn.
  const int64_t step = o.discrepancies > 0 ? o.size / o.discrepancies : 0;
  const int64_t malformed_step = o.malformed > 0 ? std::max<int64_t>(1, o.size / o.malformed) : 0;
  int64_t malformed_left = o.malformed;
  char buf[512];

  auto write_payment = [&](const std::string& ref, const std::string& dossier, const std::string& agency,
                           int64_t amount, int64_t day, int hour, int minute) {
    vn_time::CivilTime t;
    vn_time::civil_from_days(day, t.year, t.month, t.day);
    t.hour = hour;
    t.minute = minute;
    payment_platform::Transaction tx;
    tx.partner_code = "H12";
    tx.partner_ref = "TT" + ref.substr(2);
    tx.transaction_id = ref;
    tx.amount = amount;
    tx.bank_code = "970415";
    tx.paid_at = vn_time::format_compact(vn_time::from_vietnam(t));
    tx.agency = agency;
    tx.dossier = dossier;
    tx.procedure_code = "1.004227";
    tx.treasury_code = "0111";
    pay.put(payment_platform::to_json(tx) + "\n");
    // The one-stop-shop's INIT for it, ten minutes before the payment: where MaThamChieu
    // meets the dossier and agency.
    payment_platform::Init init;
    init.partner_code = tx.partner_code;
    init.partner_ref = tx.partner_ref;
    init.amount = amount;
    init.info = "Thanh toan phi, le phi ho so";
    init.created_at = vn_time::format_compact(vn_time::from_vietnam(t) - 600'000);
    init.ip = "10.0.0.1";
    init.dossier = dossier;
    init.agency = agency;
    init.procedure_code = tx.procedure_code;
    init.treasury_code = tx.treasury_code;
    init.fees = {{"1", "PHI", "Phí", amount}};
    payment_platform::sign(init, o.secret);
    inits.put(payment_platform::to_json(init) + "\n");
    if (pay_csv) {
      pay_csv->put(ref + "," + dossier + "," + agency + "," + std::to_string(amount) + "," +
                   vn_time::format_date(day) + "\n");
    }
  };
  auto write_bank = [&](const std::string& ref, const std::string& dossier, int64_t amount, int64_t day) {
    std::snprintf(buf, sizeof buf, "%s,%" PRId64 ",%s,\"Thu phí, lệ phí HS:%s\"\n", dmy(day).c_str(), amount,
                  ref.c_str(), dossier.c_str());
    bank.put(buf);
  };
  auto write_kb = [&](const std::string& ref, const std::string& dossier, const std::string& agency,
                      int64_t amount, int64_t day, bool refund) {
    std::snprintf(buf, sizeof buf,
                  "<ChungTu><LoaiChungTu>%s</LoaiChungTu><MaGiaoDich>%s</MaGiaoDich><MaHoSo>%s</MaHoSo>"
                  "<MaDonVi>%s</MaDonVi><SoTien>%" PRId64
                  "</SoTien><NgayHachToan>%s</NgayHachToan></ChungTu>\n",
                  refund ? "HOAN" : "THU", ref.c_str(), dossier.c_str(), agency.c_str(), amount,
                  vn_time::format_date(day).c_str());
    kb.put(buf);
    if (kb_csv) {
      kb_csv->put(ref + "," + dossier + "," + agency + "," + std::to_string(amount) + "," +
                  vn_time::format_date(day) + "," + (refund ? "HOAN" : "THU") + "\n");
    }
  };
  auto write_obl = [&](const std::string& dossier, const std::string& agency, int64_t amount,
                       const std::string& code) {
    obl.put(dossier + "," + agency + "," + std::to_string(amount) + "," + code + "\n");
  };

  int64_t injected = 0;
  for (int64_t i = 0; i < o.size; ++i) {
    std::snprintf(buf, sizeof buf, "GD%012" PRId64, i);
    std::string ref = buf;
    std::snprintf(buf, sizeof buf, "H12.%02d-%06" PRId64, static_cast<int>(i % 97), i);
    std::string dossier = buf;
    std::snprintf(buf, sizeof buf, "000.%02d.00.H12", static_cast<int>(i % 23));
    std::string agency = buf;
    std::string fee = "PHI" + std::to_string(i % 7);
    int64_t amount = 10000 * (1 + static_cast<int64_t>(rng.below(300)));
    int64_t day =
        from + static_cast<int64_t>(rng.below(static_cast<uint64_t>(o.days - o.settlement_window_days - 1)));
    int hour = 7 + static_cast<int>(rng.below(10)), minute = static_cast<int>(rng.below(60));
    bool bank_loses_ref = rng.below(100) == 0;  // the fallback rule must find these

    int kind = -1;
    if (step > 0 && i % step == 0 && injected < o.discrepancies) kind = static_cast<int>(injected++ % kKinds);
    const std::string pkey = "PAY:" + ref;
    int64_t bank_day = day + static_cast<int64_t>(rng.below(2)), kb_day = day + 1;
    switch (kind) {
      case kMissingAtBank:
        write_payment(ref, dossier, agency, amount, day, hour, minute);
        write_kb(ref, dossier, agency, amount, kb_day, false);
        write_obl(dossier, agency, amount, fee);
        m.expected.push_back({pkey, kReason[kind]});
        break;
      case kMissingAtTreasury:
        write_payment(ref, dossier, agency, amount, from, hour, minute);
        write_bank(ref, dossier, amount, from);
        write_obl(dossier, agency, amount, fee);
        m.expected.push_back({pkey, kReason[kind]});
        break;
      case kPending:
        write_payment(ref, dossier, agency, amount, to, hour, minute);
        write_bank(ref, dossier, amount, to);
        write_obl(dossier, agency, amount, fee);
        m.expected.push_back({pkey, kReason[kind]});
        break;
      case kAmountMismatch:
        write_payment(ref, dossier, agency, amount, day, hour, minute);
        write_bank(ref, dossier, amount + 1000, bank_day);
        write_kb(ref, dossier, agency, amount, kb_day, false);
        write_obl(dossier, agency, amount, fee);
        m.expected.push_back({pkey, kReason[kind]});
        break;
      case kDuplicate:
      case kRefunded: {
        write_payment(ref, dossier, agency, amount, day, 7, 0);
        write_bank(ref, dossier, amount, day);
        write_kb(ref, dossier, agency, amount, kb_day, false);
        std::string dup = "GD" + std::string(ref.substr(2)) + "D";
        write_payment(dup, dossier, agency, amount, day, 18, 0);
        write_bank(dup, dossier, amount, day);
        write_kb(dup, dossier, agency, amount, kb_day, false);
        if (kind == kRefunded) write_kb(dup, dossier, agency, amount, kb_day + 1, true);
        write_obl(dossier, agency, amount, fee);
        m.expected.push_back({"PAY:" + dup, kReason[kind]});
        m.matched += 1;
        break;
      }
      case kNoDossier:
        write_payment(ref, dossier, agency, amount, day, hour, minute);
        write_bank(ref, dossier, amount, bank_day);
        write_kb(ref, dossier, agency, amount, kb_day, false);
        m.expected.push_back({pkey, kReason[kind]});
        break;
      case kUnpaid:
        write_obl(dossier, agency, amount, fee);
        m.expected.push_back({"OBL:" + dossier + ":" + fee, kReason[kind]});
        break;
      case kUnknownAtPortal: {
        std::string nref = "NH" + ref.substr(2);
        write_bank(nref, "U" + dossier, amount, day);
        m.expected.push_back({"BANK:" + nref, kReason[kind]});
        break;
      }
      default:
        write_payment(ref, dossier, agency, amount, day, hour, minute);
        write_bank(bank_loses_ref ? "" : ref, dossier, amount, bank_day);
        write_kb(ref, dossier, agency, amount, kb_day, false);
        write_obl(dossier, agency, amount, fee);
        m.matched += 1;
    }
    if (malformed_step > 0 && malformed_left > 0 && i % malformed_step == 0) {
      --malformed_left;
      m.malformed.push_back({"bank.csv", bank.line});
      bank.put("01/13/2026,12.5,BAD" + std::to_string(i) + ",\"not a valid row\"\n");
      if (malformed_left > 0) {
        --malformed_left;
        m.malformed.push_back({"treasury.xml", kb.line});
        kb.put(
            "<ChungTu><LoaiChungTu>THU</LoaiChungTu><MaGiaoDich>BAD</MaGiaoDich><SoTien>abc</SoTien>"
            "<NgayHachToan>2026-11-02</NgayHachToan></ChungTu>\n");
      }
    }
  }
  if (o.tax > 0) {
    // Land-tax notices relayed by the portal: one envelope per dossier, paid by voucher
    // through the bank (the notice number as reference) and credited by the treasury. The
    // last notice stays unpaid when discrepancies are injected.
    File notices(dir / "tax_notices.json"), vouchers(dir / "tax_vouchers.json");
    notices.put("[");
    vouchers.put("[");
    bool first_voucher = true;
    for (int64_t i = 0; i < o.tax; ++i) {
      std::snprintf(buf, sizeof buf, "H12.TD-%06" PRId64, i);
      std::string dossier = buf;
      std::snprintf(buf, sizeof buf, "TB%08" PRId64, i);
      std::string notice = buf;
      int64_t amount = 1000000 * (1 + static_cast<int64_t>(rng.below(50)));
      int64_t day = from + static_cast<int64_t>(
                               rng.below(static_cast<uint64_t>(o.days - o.settlement_window_days - 1)));
      // The public shapes of docs/contracts/tax.md (SecurityKey left empty: these are files).
      std::string decided = dmy(from);
      std::replace(decided.begin(), decided.end(), '/', '-');  // NGAY_QUYET_DINH is dd-MM-yyyy
      std::string xml = "<DATA><BODY><ROW_LIST><MA_HSO>" + dossier + "</MA_HSO><LIST><MA_SO_THUE>01" +
                        std::to_string(10000000 + i) + "</MA_SO_THUE><SO_QUYET_DINH>" + notice +
                        "</SO_QUYET_DINH><NGAY_QUYET_DINH>" + decided +
                        "</NGAY_QUYET_DINH><TEN_TIEUMUC>Lệ phí trước bạ nhà, đất</TEN_TIEUMUC><SO_TIEN>" +
                        std::to_string(amount) + "</SO_TIEN></LIST></ROW_LIST></BODY></DATA>";
      notices.put(std::string(i ? ",\n" : "\n") +
                  "{\"SecurityKey\":\"\",\"Service\":\"ImportThongBaoThueFromDVCQG\",\"Ngay\":\"\","
                  "\"IsUpdating\":\"False\",\"Data\":{\"FileThongBaoThue\":\"" +
                  tax::base64_encode(xml) + "\"}}");
      if (o.discrepancies > 0 && i == o.tax - 1) {
        m.expected.push_back({"OBL:" + dossier + ":" + notice, "obligation_unpaid"});
        continue;
      }
      vn_time::CivilTime t;
      vn_time::civil_from_days(day, t.year, t.month, t.day);
      t.hour = 9;
      vouchers.put(
          std::string(first_voucher ? "\n" : ",\n") +
          "{\"SecurityKey\":\"\",\"Service\":\"ImportChungTuThueFromDVCQG\",\"IsUpdating\":\"False\","
          "\"Data\":{\"MaHoSo\":\"" +
          dossier + "\",\"MaSoThue\":\"01" + std::to_string(10000000 + i) +
          "\",\"ThongTinThanhToan\":{\"MaThongBaoThue\":\"" + notice +
          "\",\"SoTien\":" + std::to_string(amount) + ",\"ThoiGianThanhToan\":\"" +
          vn_time::format_compact(vn_time::from_vietnam(t)) + "\",\"TrangThaiThanhToan\":1}}}");
      first_voucher = false;
      write_bank(notice, dossier, amount, day);
      write_kb(notice, dossier, "THUE", amount, day + 1, false);
      m.matched += 1;
    }
    notices.put("\n]\n");
    vouchers.put("\n]\n");
  }
  kb.put("</DuLieuKhoBac>\n");
  for (File* f : {&pay, &bank, &kb, &obl, &inits}) {
    if (std::fflush(f->f) != 0) throw std::runtime_error("write failed in " + o.out_dir);
  }
  for (auto name : {"payments.jsonl", "bank.csv", "treasury.xml", "obligations.csv"}) {
    m.input_bytes += fs::file_size(dir / name);
  }

  File man(dir / "manifest.json");
  man.put("{\"from\":\"" + m.from + "\",\"to\":\"" + m.to + "\",\"as_of\":\"" + m.as_of +
          "\",\"settlement_window_days\":" + std::to_string(o.settlement_window_days) +
          ",\"date_window_days\":" + std::to_string(o.date_window_days) +
          ",\"matched\":" + std::to_string(m.matched) + ",\"input_bytes\":" + std::to_string(m.input_bytes) +
          ",\"expected\":[");
  for (size_t i = 0; i < m.expected.size(); ++i) {
    man.put(std::string(i ? "," : "") + "\n{\"key\":\"" + m.expected[i].key + "\",\"reason\":\"" +
            m.expected[i].reason + "\"}");
  }
  man.put("],\"malformed\":[");
  for (size_t i = 0; i < m.malformed.size(); ++i) {
    man.put(std::string(i ? "," : "") + "\n{\"file\":\"" + m.malformed[i].first +
            "\",\"line\":" + std::to_string(m.malformed[i].second) + "}");
  }
  man.put("]}\n");
  return m;
}

int run_recon_data(const std::vector<std::string>& args) {
  static const SimSpec spec{
      "recon-data",
      "Writes payments.jsonl, bank.csv, treasury.xml, obligations.csv and manifest.json (the injected "
      "discrepancies and malformed rows, which a run must find exactly).",
      "",
      {{"size", "N", "baseline transactions, each on every side (default 1000)"},
       {"seed", "S", "seed of the generator (default 1)"},
       {"discrepancies", "K", "discrepancies injected, spread over the classes in turn (default 20)"},
       {"out", "DIR", "where the files go (required)"},
       {"malformed", "M", "malformed rows injected into the bank CSV and treasury XML (default 0)"},
       {"from", "YYYY-MM-DD", "period start (default 2026-11-01)"},
       {"days", "D", "period length (default 10); as_of is the day after the period"},
       {"tax", "T", "land-tax obligations relayed by the portal (default 0)"},
       {"sqlite-csv", "", "also write payments.csv / treasury.csv for the sqlite baseline"}}};
  auto parsed = parse_sim_args(spec, args);
  if (!parsed) return 0;
  ReconDataOptions o;
  o.size = parsed->integer("size", o.size, 0, INT64_MAX);
  o.seed = static_cast<uint64_t>(parsed->integer("seed", static_cast<int64_t>(o.seed), 0, INT64_MAX));
  o.discrepancies = parsed->integer("discrepancies", o.discrepancies, 0, INT64_MAX);
  o.malformed = parsed->integer("malformed", o.malformed, 0, INT64_MAX);
  o.out_dir = parsed->str("out", "");
  o.from = parsed->str("from", o.from);
  o.days = static_cast<int>(parsed->integer("days", o.days, 1, 3660));
  o.tax = parsed->integer("tax", o.tax, 0, INT64_MAX);
  o.sqlite_csv = parsed->has("sqlite-csv");
  if (o.out_dir.empty()) throw std::invalid_argument("--out DIR is required");
  auto m = generate_recon_data(o);
  std::cout << "{\"out\":\"" << o.out_dir << "\",\"from\":\"" << m.from << "\",\"to\":\"" << m.to
            << "\",\"as_of\":\"" << m.as_of << "\",\"expected\":" << m.expected.size()
            << ",\"malformed\":" << m.malformed.size() << ",\"input_bytes\":" << m.input_bytes << "}\n";
  return 0;
}

}  // namespace lienthong::sim
