#include "adapters/payment_platform/payment_platform.hpp"

#include <openssl/crypto.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "gateway/core/common/digest.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/reconciliation/amount.hpp"

namespace lienthong::payment_platform {

namespace {

std::string esc(std::string_view s) {
  std::string o;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      o.push_back('\\');
      o.push_back(ch);
    } else if (c < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else {
      o.push_back(ch);
    }
  }
  return o;
}

std::string q(std::string_view s) {
  return "\"" + esc(s) + "\"";
}

Error field_error(std::string_view what, std::string_view detail) {
  return make_error(ErrorKind::kValidation, std::string(what) + ": " + std::string(detail));
}

Result<std::string> req_string(const rapidjson::Value& o, const char* key, std::string_view what) {
  auto m = o.FindMember(key);
  if (m == o.MemberEnd() || !m->value.IsString())
    return field_error(what, std::string("field ") + key + " missing or not a string");
  return std::string(m->value.GetString(), m->value.GetStringLength());
}

// Optional string; a number is accepted in its decimal form (some clients type codes as numbers).
Result<std::string> opt_string(const rapidjson::Value& o, const char* key, std::string_view what) {
  auto m = o.FindMember(key);
  if (m == o.MemberEnd() || m->value.IsNull()) return std::string();
  if (m->value.IsString()) return std::string(m->value.GetString(), m->value.GetStringLength());
  if (m->value.IsInt64()) return std::to_string(m->value.GetInt64());
  return field_error(what, std::string("field ") + key + " is not a string");
}

// SoTien: a whole number of VND, as a JSON integer or a decimal string; never a fraction.
Result<int64_t> amount_of(const rapidjson::Value& o, const char* key, std::string_view what, bool required) {
  auto m = o.FindMember(key);
  if (m == o.MemberEnd()) {
    if (!required) return int64_t{0};
    return field_error(what, std::string("field ") + key + " missing");
  }
  int64_t v = 0;
  if (m->value.IsInt64()) {
    v = m->value.GetInt64();
  } else if (m->value.IsString()) {
    auto a = reconciliation::parse_vnd(std::string_view(m->value.GetString(), m->value.GetStringLength()));
    if (!a.ok()) return a.error().context(std::string(what) + ": " + key);
    v = *a;
  } else {
    return field_error(what, std::string(key) + " must be a whole number of VND");
  }
  if (v < 0) return field_error(what, std::string(key) + " must not be negative");
  return v;
}

Result<int64_t> time_of(const std::string& text, const char* key, std::string_view what) {
  auto ms = vn_time::parse_compact(text);
  if (!ms) return field_error(what, std::string(key) + " is not yyyyMMddHHmmss");
  return *ms;
}

Status currency_ok(const std::string& currency, std::string_view what) {
  if (currency != "VND") return field_error(what, "MaTienTe must be VND");
  return Status();
}

Result<rapidjson::Document> object_of(std::string_view text, std::string_view what) {
  LT_ASSIGN_OR_RETURN(auto doc, json::parse(text, what));
  if (!doc.IsObject()) return field_error(what, "not a JSON object");
  return doc;
}

std::vector<std::string_view> views(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

}  // namespace

std::string compute_ma_xac_thuc(const std::vector<std::string_view>& fields, std::string_view secret) {
  std::string joined;
  for (auto f : fields) {
    joined.append(f);
    joined.push_back('|');
  }
  joined.append(secret);
  return sha256_hex(joined);
}

bool same_checksum(std::string_view received, std::string_view expected) {
  if (received.size() != expected.size()) return false;
  std::string got(received);
  for (char& c : got) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return CRYPTO_memcmp(got.data(), expected.data(), expected.size()) == 0;
}

// --- Confirmation ---------------------------------------------------------------------

std::vector<std::string> confirmation_signed_fields(const Confirmation& c) {
  return {c.message_type, c.error_code,     c.partner_code, c.partner_ref, std::to_string(c.amount),
          c.currency,     c.transaction_id, c.bank_code,    c.paid_at,     c.info};
}

void sign(Confirmation& c, std::string_view secret) {
  c.signature = compute_ma_xac_thuc(views(confirmation_signed_fields(c)), secret);
}

bool verify(const Confirmation& c, std::string_view secret) {
  return same_checksum(c.signature, compute_ma_xac_thuc(views(confirmation_signed_fields(c)), secret));
}

std::string to_json(const Confirmation& c) {
  return "{\"LoaiBanTin\":" + q(c.message_type) + ",\"MaLoi\":" + q(c.error_code) +
         ",\"MaDoiTac\":" + q(c.partner_code) + ",\"MaThamChieu\":" + q(c.partner_ref) +
         ",\"SoTien\":" + std::to_string(c.amount) + ",\"MaTienTe\":" + q(c.currency) +
         ",\"MaGiaoDich\":" + q(c.transaction_id) + ",\"MaNganHang\":" + q(c.bank_code) +
         ",\"ThoiGianGD\":" + q(c.paid_at) + ",\"ThongTinGiaoDich\":" + q(c.info) +
         ",\"MaXacThuc\":" + q(c.signature) + "}";
}

Result<Confirmation> parse_confirmation(std::string_view body, std::string_view secret) {
  constexpr std::string_view what = "payment confirmation";
  LT_ASSIGN_OR_RETURN(auto v, object_of(body, what));
  Confirmation c;
  LT_ASSIGN_OR_RETURN(c.message_type, req_string(v, "LoaiBanTin", what));
  LT_ASSIGN_OR_RETURN(c.error_code, req_string(v, "MaLoi", what));
  LT_ASSIGN_OR_RETURN(c.partner_code, req_string(v, "MaDoiTac", what));
  LT_ASSIGN_OR_RETURN(c.partner_ref, req_string(v, "MaThamChieu", what));
  if (c.partner_ref.empty()) return field_error(what, "MaThamChieu is empty");
  LT_ASSIGN_OR_RETURN(c.amount, amount_of(v, "SoTien", what, true));
  LT_ASSIGN_OR_RETURN(c.currency, req_string(v, "MaTienTe", what));
  LT_ASSIGN_OR_RETURN(c.transaction_id, opt_string(v, "MaGiaoDich", what));
  LT_ASSIGN_OR_RETURN(c.bank_code, opt_string(v, "MaNganHang", what));
  LT_ASSIGN_OR_RETURN(c.paid_at, req_string(v, "ThoiGianGD", what));
  LT_ASSIGN_OR_RETURN(c.info, opt_string(v, "ThongTinGiaoDich", what));
  LT_ASSIGN_OR_RETURN(c.signature, opt_string(v, "MaXacThuc", what));
  if (c.signature.empty())
    return make_error(ErrorKind::kUnauthorized, "payment confirmation: MaXacThuc missing");
  // The checksum first: nothing of an unverified message is interpreted further.
  if (!verify(c, secret)) {
    return make_error(
        ErrorKind::kUnauthorized,
        "payment confirmation: MaXacThuc does not match (wrong shared secret or altered message)");
  }
  LT_TRY(currency_ok(c.currency, what));
  LT_ASSIGN_OR_RETURN(c.paid_at_ms, time_of(c.paid_at, "ThoiGianGD", what));
  // A paid confirmation must name the platform's transaction and a positive amount; a
  // failed one may carry neither.
  if (c.paid()) {
    if (c.transaction_id.empty())
      return field_error(what, "MaGiaoDich is empty on a MaLoi \"00\" confirmation");
    if (c.amount <= 0) return field_error(what, "SoTien must be positive on a MaLoi \"00\" confirmation");
  }
  return c;
}

std::string confirmation_answer(std::string_view ma_loi, std::string_view mo_ta_loi, const Confirmation* c) {
  return "{\"MaLoi\":" + q(ma_loi) + ",\"MoTaLoi\":" + q(mo_ta_loi) +
         ",\"MaDoiTac\":" + q(c ? c->partner_code : "") + ",\"MaThamChieu\":" + q(c ? c->partner_ref : "") +
         ",\"ThoiGianGD\":" + q(c ? c->paid_at : "") + ",\"MaXacThuc\":" + q(c ? c->signature : "") + "}";
}

// --- INIT -------------------------------------------------------------------------------

std::vector<std::string> init_signed_fields(const Init& i) {
  return {"INIT",         i.version, i.partner_code, i.partner_ref, std::to_string(i.amount),
          i.payment_type, i.channel, i.device,       i.language,    i.currency,
          i.bank_code,    i.info,    i.created_at,   i.ip};
}

void sign(Init& i, std::string_view secret) {
  i.signature = compute_ma_xac_thuc(views(init_signed_fields(i)), secret);
}

bool verify(const Init& i, std::string_view secret) {
  return same_checksum(i.signature, compute_ma_xac_thuc(views(init_signed_fields(i)), secret));
}

std::string to_json(const Init& i) {
  std::string fees;
  for (const auto& f : i.fees) {
    if (!fees.empty()) fees += ",";
    fees += "{\"LoaiPhiLePhi\":" + q(f.kind) + ",\"MaPhiLePhi\":" + q(f.code) +
            ",\"TenPhiLePhi\":" + q(f.name) + ",\"SoTien\":" + std::to_string(f.amount) + "}";
  }
  return "{\"LoaiBanTin\":\"INIT\",\"PhienBan\":" + q(i.version) + ",\"MaDoiTac\":" + q(i.partner_code) +
         ",\"MaThamChieu\":" + q(i.partner_ref) + ",\"SoTien\":" + q(std::to_string(i.amount)) +
         ",\"LoaiHinhThanhToan\":" + q(i.payment_type) + ",\"MaKenhThanhToan\":" + q(i.channel) +
         ",\"MaThietBi\":" + q(i.device) + ",\"NgonNgu\":" + q(i.language) +
         ",\"MaTienTe\":" + q(i.currency) + ",\"MaNganHang\":" + q(i.bank_code) +
         ",\"ThongTinGiaoDich\":" + q(i.info) + ",\"ThoiGianGD\":" + q(i.created_at) + ",\"Ip\":" + q(i.ip) +
         ",\"ThongTinBienLai\":{\"MaDichVu\":" + std::to_string(i.service_kind) +
         ",\"MaHoSo\":" + q(i.dossier) + ",\"MaDonVi\":" + q(i.agency) + ",\"TenDonVi\":" + q(i.agency_name) +
         ",\"MaTTHC\":" + q(i.procedure_code) + ",\"MaDVC\":" + q(i.service_code) +
         ",\"TKThuHuong\":" + q(i.account) + ",\"MaNHThuHuong\":" + q(i.account_bank) +
         ",\"TenTKThuHuong\":" + q(i.account_name) + ",\"PhiLePhi\":[" + fees +
         "],\"KhoBac\":" + q(i.treasury_code) + "},\"MaXacThuc\":" + q(i.signature) + "}";
}

Result<Init> parse_init(std::string_view body, std::string_view what) {
  LT_ASSIGN_OR_RETURN(auto v, object_of(body, what));
  Init i;
  LT_ASSIGN_OR_RETURN(auto type, req_string(v, "LoaiBanTin", what));
  if (type != "INIT") return field_error(what, "LoaiBanTin must be INIT");
  LT_ASSIGN_OR_RETURN(i.version, req_string(v, "PhienBan", what));
  LT_ASSIGN_OR_RETURN(i.partner_code, req_string(v, "MaDoiTac", what));
  LT_ASSIGN_OR_RETURN(i.partner_ref, req_string(v, "MaThamChieu", what));
  if (i.partner_ref.empty()) return field_error(what, "MaThamChieu is empty");
  LT_ASSIGN_OR_RETURN(i.amount, amount_of(v, "SoTien", what, true));
  if (i.amount <= 0) return field_error(what, "SoTien must be positive");
  LT_ASSIGN_OR_RETURN(i.payment_type, req_string(v, "LoaiHinhThanhToan", what));
  LT_ASSIGN_OR_RETURN(i.channel, opt_string(v, "MaKenhThanhToan", what));
  LT_ASSIGN_OR_RETURN(i.device, opt_string(v, "MaThietBi", what));
  LT_ASSIGN_OR_RETURN(i.language, opt_string(v, "NgonNgu", what));
  LT_ASSIGN_OR_RETURN(i.currency, req_string(v, "MaTienTe", what));
  LT_TRY(currency_ok(i.currency, what));
  LT_ASSIGN_OR_RETURN(i.bank_code, opt_string(v, "MaNganHang", what));
  LT_ASSIGN_OR_RETURN(i.info, opt_string(v, "ThongTinGiaoDich", what));
  LT_ASSIGN_OR_RETURN(i.created_at, req_string(v, "ThoiGianGD", what));
  LT_ASSIGN_OR_RETURN(i.created_at_ms, time_of(i.created_at, "ThoiGianGD", what));
  LT_ASSIGN_OR_RETURN(i.ip, opt_string(v, "Ip", what));
  LT_ASSIGN_OR_RETURN(i.signature, opt_string(v, "MaXacThuc", what));
  auto bl = v.FindMember("ThongTinBienLai");
  if (bl == v.MemberEnd() || !bl->value.IsObject())
    return field_error(what, "ThongTinBienLai missing or not an object");
  const auto& r = bl->value;
  std::string bwhat = std::string(what) + " ThongTinBienLai";
  LT_ASSIGN_OR_RETURN(auto kind, opt_string(r, "MaDichVu", bwhat));
  if (!kind.empty()) {
    if (kind != "1" && kind != "2" && kind != "3") return field_error(bwhat, "MaDichVu must be 1, 2 or 3");
    i.service_kind = kind[0] - '0';
  }
  LT_ASSIGN_OR_RETURN(i.dossier, opt_string(r, "MaHoSo", bwhat));
  LT_ASSIGN_OR_RETURN(i.agency, opt_string(r, "MaDonVi", bwhat));
  LT_ASSIGN_OR_RETURN(i.agency_name, opt_string(r, "TenDonVi", bwhat));
  LT_ASSIGN_OR_RETURN(i.procedure_code, opt_string(r, "MaTTHC", bwhat));
  LT_ASSIGN_OR_RETURN(i.service_code, opt_string(r, "MaDVC", bwhat));
  LT_ASSIGN_OR_RETURN(i.account, opt_string(r, "TKThuHuong", bwhat));
  LT_ASSIGN_OR_RETURN(i.account_bank, opt_string(r, "MaNHThuHuong", bwhat));
  LT_ASSIGN_OR_RETURN(i.account_name, opt_string(r, "TenTKThuHuong", bwhat));
  LT_ASSIGN_OR_RETURN(i.treasury_code, opt_string(r, "KhoBac", bwhat));
  if (i.service_kind == 2 && i.dossier.empty())
    return field_error(bwhat, "MaHoSo is required when MaDichVu is 2");
  auto fees = r.FindMember("PhiLePhi");
  if (fees != r.MemberEnd()) {
    if (!fees->value.IsArray()) return field_error(bwhat, "PhiLePhi is not an array");
    int n = 0;
    for (const auto& f : fees->value.GetArray()) {
      std::string fwhat = bwhat + " PhiLePhi[" + std::to_string(n++) + "]";
      if (!f.IsObject()) return field_error(fwhat, "not an object");
      Fee fee;
      LT_ASSIGN_OR_RETURN(fee.kind, opt_string(f, "LoaiPhiLePhi", fwhat));
      LT_ASSIGN_OR_RETURN(fee.code, opt_string(f, "MaPhiLePhi", fwhat));
      LT_ASSIGN_OR_RETURN(fee.name, opt_string(f, "TenPhiLePhi", fwhat));
      LT_ASSIGN_OR_RETURN(fee.amount, amount_of(f, "SoTien", fwhat, true));
      i.fees.push_back(std::move(fee));
    }
  }
  return i;
}

const Init* InitLedger::find(std::string_view partner_ref) const {
  auto it = by_ref.find(std::string(partner_ref));
  return it == by_ref.end() ? nullptr : &it->second;
}

namespace {

// Calls `handle(line_view, line_number)` for every line of a file, read in blocks.
template <class F>
Status for_each_line(const std::string& path, std::string_view what, F&& handle) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f)
    return make_error(ErrorKind::kNotFound,
                      "cannot open " + std::string(what) + " " + path + ": " + std::strerror(errno));
  std::vector<char> block(1 << 20);
  uint32_t lineno = 0;
  size_t n;
  std::string carry;
  while ((n = std::fread(block.data(), 1, block.size(), f.get())) > 0) {
    std::string_view chunk(block.data(), n);
    size_t start = 0;
    for (;;) {
      size_t nl = chunk.find('\n', start);
      if (nl == std::string_view::npos) break;
      if (carry.empty()) {
        LT_TRY(handle(chunk.substr(start, nl - start), ++lineno));
      } else {
        carry.append(chunk.substr(start, nl - start));
        LT_TRY(handle(std::string_view(carry), ++lineno));
        carry.clear();
      }
      start = nl + 1;
    }
    carry.append(chunk.substr(start));
  }
  if (!carry.empty()) LT_TRY(handle(std::string_view(carry), ++lineno));
  return Status();
}

// The line without BOM (first line), trailing CR/blanks; empty when blank.
std::string_view trimmed(std::string_view l, uint32_t lineno) {
  if (lineno == 1 && l.size() >= 3 && l.substr(0, 3) == "\xEF\xBB\xBF") l.remove_prefix(3);
  while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
  size_t s = l.find_first_not_of(" \t");
  return s == std::string_view::npos ? std::string_view() : l.substr(s);
}

}  // namespace

Result<InitLedger> read_init_ledger(const std::string& path, std::string_view secret,
                                    reconciliation::Dataset* issues_out) {
  InitLedger ledger;
  bool first = true;
  LT_TRY(for_each_line(path, "INIT ledger", [&](std::string_view raw, uint32_t lineno) -> Status {
    auto l = trimmed(raw, lineno);
    if (l.empty()) return Status();
    if (first) {
      first = false;
      if (l[0] != '{')
        return make_error(ErrorKind::kParse, "INIT ledger " + path + " line " + std::to_string(lineno) +
                                                 ": not JSON Lines of INIT messages (expected '{' first)");
    }
    auto issue = [&](std::string msg) {
      if (issues_out) issues_out->add_issue({path, lineno, std::move(msg)});
    };
    auto i = parse_init(l, "INIT");
    if (!i.ok()) {
      issue(i.error().message);
      return Status();
    }
    if (!verify(*i, secret)) {
      issue("INIT: MaXacThuc does not match (wrong shared secret or altered line)");
      return Status();
    }
    std::string ref = i->partner_ref;
    if (!ledger.by_ref.emplace(ref, std::move(i).value()).second) issue("INIT: MaThamChieu repeated");
    return Status();
  }));
  return ledger;
}

// --- QUERY and GET_BILL -------------------------------------------------------------------

std::string query_request(const Init& init, std::string_view secret) {
  std::string sig =
      compute_ma_xac_thuc({"QUERY", kVersion, init.partner_code, init.partner_ref, init.created_at}, secret);
  return "{\"LoaiBanTin\":\"QUERY\",\"PhienBan\":" + q(kVersion) + ",\"MaDoiTac\":" + q(init.partner_code) +
         ",\"MaThamChieu\":" + q(init.partner_ref) + ",\"ThoiGianGD\":" + q(init.created_at) +
         ",\"MaXacThuc\":" + q(sig) + "}";
}

Result<QueryAnswer> parse_query_answer(std::string_view body) {
  constexpr std::string_view what = "QUERY answer";
  LT_ASSIGN_OR_RETURN(auto v, object_of(body, what));
  QueryAnswer a;
  LT_ASSIGN_OR_RETURN(a.error_code, req_string(v, "MaLoi", what));
  LT_ASSIGN_OR_RETURN(a.message, opt_string(v, "MoTaLoi", what));
  LT_ASSIGN_OR_RETURN(a.partner_ref, opt_string(v, "MaThamChieu", what));
  if (a.error_code != kSuccess) return a;
  LT_ASSIGN_OR_RETURN(auto st, opt_string(v, "TrangThaiGD", what));
  if (st != "1" && st != "3" && st != "4") return field_error(what, "TrangThaiGD must be 1, 3 or 4");
  a.status = st[0] - '0';
  LT_ASSIGN_OR_RETURN(a.transaction_id, opt_string(v, "MaGiaoDich", what));
  LT_ASSIGN_OR_RETURN(a.amount, amount_of(v, "SoTien", what, a.status == 1));
  LT_ASSIGN_OR_RETURN(a.bank_code, opt_string(v, "MaNganHang", what));
  LT_ASSIGN_OR_RETURN(a.paid_at, opt_string(v, "ThoiGianGD", what));
  if (a.status == 1) {
    if (a.transaction_id.empty()) return field_error(what, "MaGiaoDich is empty on a paid transaction");
    if (a.amount <= 0) return field_error(what, "SoTien must be positive on a paid transaction");
  }
  if (!a.paid_at.empty()) {
    LT_ASSIGN_OR_RETURN(a.paid_at_ms, time_of(a.paid_at, "ThoiGianGD", what));
  }
  return a;
}

std::string query_answer_json(const QueryAnswer& a, std::string_view partner_code) {
  if (a.error_code != kSuccess) {
    return "{\"MaLoi\":" + q(a.error_code) +
           ",\"MoTaLoi\":\"Không tìm thấy giao dịch\",\"MaDoiTac\":" + q(partner_code) +
           ",\"MaThamChieu\":" + q(a.partner_ref) + "}";
  }
  return "{\"MaLoi\":\"00\",\"MoTaLoi\":\"Thành công\",\"MaDoiTac\":" + q(partner_code) +
         ",\"MaThamChieu\":" + q(a.partner_ref) + ",\"SoTien\":" + q(std::to_string(a.amount)) +
         ",\"MaTienTe\":\"VND\",\"MaGiaoDich\":" + q(a.transaction_id) + ",\"MaNganHang\":" + q(a.bank_code) +
         ",\"ThoiGianGD\":" + q(a.paid_at) + ",\"TrangThaiGD\":" + q(std::to_string(a.status)) + "}";
}

std::string get_bill_request(std::string_view partner_code, std::string_view partner_ref,
                             std::string_view transaction_id, std::string_view secret) {
  std::string sig =
      compute_ma_xac_thuc({"GET_BILL", kVersion, partner_code, partner_ref, transaction_id}, secret);
  return "{\"LoaiBanTin\":\"GET_BILL\",\"PhienBan\":" + q(kVersion) + ",\"MaDoiTac\":" + q(partner_code) +
         ",\"MaThamChieu\":" + q(partner_ref) + ",\"MaGiaoDich\":" + q(transaction_id) +
         ",\"MaXacThuc\":" + q(sig) + "}";
}

Result<Bill> parse_bill(std::string_view body) {
  constexpr std::string_view what = "GET_BILL answer";
  LT_ASSIGN_OR_RETURN(auto v, object_of(body, what));
  Bill b;
  LT_ASSIGN_OR_RETURN(b.error_code, req_string(v, "MaLoi", what));
  LT_ASSIGN_OR_RETURN(b.partner_ref, opt_string(v, "MaThamChieu", what));
  LT_ASSIGN_OR_RETURN(b.transaction_id, opt_string(v, "MaGiaoDich", what));
  LT_ASSIGN_OR_RETURN(b.receipt_no, opt_string(v, "SoBienLai", what));
  LT_ASSIGN_OR_RETURN(b.receipt_url, opt_string(v, "DuongDanBienLai", what));
  if (b.error_code == kSuccess && b.receipt_no.empty() && b.receipt_url.empty())
    return field_error(what, "MaLoi \"00\" without SoBienLai or DuongDanBienLai");
  return b;
}

// --- saved payments file ----------------------------------------------------------------

reconciliation::Payment Transaction::to_payment(uint32_t line) const {
  reconciliation::Payment p;
  p.reference = transaction_id;
  p.dossier = dossier;
  p.agency = agency;
  p.amount = amount;
  p.paid_at_ms = paid_at_ms;
  p.status = status == 1   ? reconciliation::PaymentStatus::kPaid
             : status == 3 ? reconciliation::PaymentStatus::kPending
                           : reconciliation::PaymentStatus::kFailed;
  p.line = line;
  return p;
}

Result<Transaction> parse_transaction(std::string_view json_text, std::string_view what) {
  LT_ASSIGN_OR_RETURN(auto v, object_of(json_text, what));
  Transaction t;
  LT_ASSIGN_OR_RETURN(t.transaction_id, req_string(v, "MaGiaoDich", what));
  if (t.transaction_id.empty()) return field_error(what, "MaGiaoDich is empty");
  LT_ASSIGN_OR_RETURN(t.partner_code, opt_string(v, "MaDoiTac", what));
  LT_ASSIGN_OR_RETURN(t.partner_ref, opt_string(v, "MaThamChieu", what));
  LT_ASSIGN_OR_RETURN(t.bank_code, opt_string(v, "MaNganHang", what));
  auto cur = v.FindMember("MaTienTe");
  if (cur != v.MemberEnd()) {
    if (!cur->value.IsString()) return field_error(what, "MaTienTe not a string");
    t.currency = cur->value.GetString();
  }
  LT_TRY(currency_ok(t.currency, what));
  LT_ASSIGN_OR_RETURN(t.amount, amount_of(v, "SoTien", what, true));
  if (t.amount <= 0) return field_error(what, "SoTien must be positive");
  LT_ASSIGN_OR_RETURN(t.paid_at, req_string(v, "ThoiGianGD", what));
  LT_ASSIGN_OR_RETURN(t.paid_at_ms, time_of(t.paid_at, "ThoiGianGD", what));
  auto st = v.FindMember("TrangThaiGD");
  if (st != v.MemberEnd()) {
    int s = 0;
    if (st->value.IsInt()) {
      s = st->value.GetInt();
    } else if (st->value.IsString() && st->value.GetStringLength() == 1) {
      s = st->value.GetString()[0] - '0';
    }
    if (s != 1 && s != 3 && s != 4) return field_error(what, "TrangThaiGD must be 1, 3 or 4");
    t.status = s;
  }
  auto bl = v.FindMember("ThongTinBienLai");
  if (bl != v.MemberEnd()) {
    if (!bl->value.IsObject()) return field_error(what, "ThongTinBienLai is not an object");
    LT_ASSIGN_OR_RETURN(t.procedure_code, opt_string(bl->value, "MaTTHC", what));
    LT_ASSIGN_OR_RETURN(t.agency, opt_string(bl->value, "MaDonVi", what));
    LT_ASSIGN_OR_RETURN(t.dossier, opt_string(bl->value, "MaHoSo", what));
    LT_ASSIGN_OR_RETURN(t.treasury_code, opt_string(bl->value, "KhoBac", what));
  }
  LT_ASSIGN_OR_RETURN(t.receipt_no, opt_string(v, "SoBienLai", what));
  LT_ASSIGN_OR_RETURN(t.receipt_url, opt_string(v, "DuongDanBienLai", what));
  return t;
}

std::string to_json(const Transaction& t) {
  return "{\"MaDoiTac\":" + q(t.partner_code) + ",\"MaThamChieu\":" + q(t.partner_ref) +
         ",\"MaGiaoDich\":" + q(t.transaction_id) + ",\"SoTien\":" + std::to_string(t.amount) +
         ",\"MaTienTe\":" + q(t.currency) + ",\"MaNganHang\":" + q(t.bank_code) +
         ",\"ThoiGianGD\":" + q(t.paid_at) + ",\"TrangThaiGD\":" + std::to_string(t.status) +
         ",\"ThongTinBienLai\":{\"MaTTHC\":" + q(t.procedure_code) + ",\"MaDonVi\":" + q(t.agency) +
         ",\"MaHoSo\":" + q(t.dossier) + ",\"KhoBac\":" + q(t.treasury_code) + "}" +
         (t.receipt_no.empty() ? "" : ",\"SoBienLai\":" + q(t.receipt_no)) +
         (t.receipt_url.empty() ? "" : ",\"DuongDanBienLai\":" + q(t.receipt_url)) + "}";
}

Status read_transactions(const std::string& path, reconciliation::Dataset& out) {
  bool first = true;
  return for_each_line(path, "payments file", [&](std::string_view raw, uint32_t lineno) -> Status {
    auto l = trimmed(raw, lineno);
    if (l.empty()) return Status();
    if (first) {
      first = false;
      if (l[0] != '{') {
        return make_error(ErrorKind::kParse, "payments file " + path + " line " + std::to_string(lineno) +
                                                 ": not JSON Lines of transactions (expected '{' first; save "
                                                 "them with `lienthong reconcile --pull`)");
      }
    }
    auto t = parse_transaction(l, "transaction");
    if (!t.ok()) {
      out.add_issue({path, lineno, t.error().message});
      return Status();
    }
    out.add_payment(t->to_payment(lineno));
    return Status();
  });
}

}  // namespace lienthong::payment_platform
