#include "adapters/payment_platform/payment_platform.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "gateway/common/digest.hpp"
#include "gateway/common/json.hpp"
#include "gateway/common/vn_time.hpp"
#include "gateway/reconciliation/amount.hpp"
#include "gateway/reconciliation/csv_reader.hpp"

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

Result<std::string> req_string(const rapidjson::Value& o, const char* key, std::string_view what) {
  auto m = o.FindMember(key);
  if (m == o.MemberEnd() || !m->value.IsString()) {
    return make_error(ErrorKind::kValidation,
                      std::string(what) + ": field " + key + " missing or not a string");
  }
  return std::string(m->value.GetString(), m->value.GetStringLength());
}

std::string opt_string(const rapidjson::Value& o, const char* key) {
  auto m = o.FindMember(key);
  if (m == o.MemberEnd() || !m->value.IsString()) return "";
  return std::string(m->value.GetString(), m->value.GetStringLength());
}

Result<Transaction> from_value(const rapidjson::Value& v, std::string_view what) {
  if (!v.IsObject()) return make_error(ErrorKind::kValidation, std::string(what) + ": not a JSON object");
  Transaction t;
  LT_ASSIGN_OR_RETURN(t.transaction_id, req_string(v, "MaGiaoDich", what));
  if (t.transaction_id.empty())
    return make_error(ErrorKind::kValidation, std::string(what) + ": MaGiaoDich is empty");
  t.partner_code = opt_string(v, "MaDoiTac");
  t.partner_ref = opt_string(v, "MaThamChieu");
  t.bank_code = opt_string(v, "MaNganHang");
  t.signature = opt_string(v, "MaXacThuc");
  auto cur = v.FindMember("MaTienTe");
  if (cur != v.MemberEnd()) {
    if (!cur->value.IsString())
      return make_error(ErrorKind::kValidation, std::string(what) + ": MaTienTe not a string");
    t.currency = cur->value.GetString();
  }
  if (t.currency != "VND") {
    return make_error(ErrorKind::kValidation, std::string(what) + ": MaTienTe must be VND");
  }
  auto amt = v.FindMember("SoTien");
  if (amt == v.MemberEnd())
    return make_error(ErrorKind::kValidation, std::string(what) + ": field SoTien missing");
  if (amt->value.IsInt64()) {
    t.amount = amt->value.GetInt64();
  } else if (amt->value.IsString()) {
    auto a =
        reconciliation::parse_vnd(std::string_view(amt->value.GetString(), amt->value.GetStringLength()));
    if (!a.ok()) return a.error().context(std::string(what) + ": SoTien");
    t.amount = *a;
  } else {
    // A JSON fraction or an out-of-range number: refused rather than rounded.
    return make_error(ErrorKind::kValidation, std::string(what) + ": SoTien must be a whole number of VND");
  }
  if (t.amount <= 0)
    return make_error(ErrorKind::kValidation, std::string(what) + ": SoTien must be positive");
  LT_ASSIGN_OR_RETURN(t.paid_at, req_string(v, "ThoiGianGD", what));
  auto ms = vn_time::parse_compact(t.paid_at);
  if (!ms)
    return make_error(ErrorKind::kValidation, std::string(what) + ": ThoiGianGD is not yyyyMMddHHmmss");
  t.paid_at_ms = *ms;
  auto st = v.FindMember("TrangThaiGD");
  if (st != v.MemberEnd()) {
    int s = 0;
    if (st->value.IsInt()) {
      s = st->value.GetInt();
    } else if (st->value.IsString() && st->value.GetStringLength() == 1) {
      s = st->value.GetString()[0] - '0';
    }
    if (s != 1 && s != 3 && s != 4) {
      return make_error(ErrorKind::kValidation, std::string(what) + ": TrangThaiGD must be 1, 3 or 4");
    }
    t.status = s;
  }
  auto bl = v.FindMember("ThongTinBienLai");
  if (bl != v.MemberEnd()) {
    if (!bl->value.IsObject()) {
      return make_error(ErrorKind::kValidation, std::string(what) + ": ThongTinBienLai is not an object");
    }
    t.procedure_code = opt_string(bl->value, "MaTTHC");
    t.agency = opt_string(bl->value, "MaDonVi");
    t.dossier = opt_string(bl->value, "MaHoSo");
    t.treasury_code = opt_string(bl->value, "KhoBac");
  }
  return t;
}

}  // namespace

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

std::string compute_ma_xac_thuc(const std::vector<std::string_view>& fields, std::string_view secret) {
  std::string joined;
  for (auto f : fields) {
    joined.append(f);
    joined.push_back('|');
  }
  joined.append(secret);
  return sha256_hex(joined);
}

std::vector<std::string> callback_signed_fields(const Transaction& t) {
  return {t.partner_code, t.partner_ref, t.transaction_id, std::to_string(t.amount),
          t.currency,     t.bank_code,   t.paid_at,        std::to_string(t.status)};
}

void sign(Transaction& t, std::string_view secret) {
  auto f = callback_signed_fields(t);
  t.signature = compute_ma_xac_thuc(std::vector<std::string_view>(f.begin(), f.end()), secret);
}

bool verify(const Transaction& t, std::string_view secret) {
  auto f = callback_signed_fields(t);
  std::string expect = compute_ma_xac_thuc(std::vector<std::string_view>(f.begin(), f.end()), secret);
  if (t.signature.size() != expect.size()) return false;
  std::string got = t.signature;
  for (char& c : got) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return CRYPTO_memcmp(got.data(), expect.data(), expect.size()) == 0;
}

Result<Transaction> parse_transaction(std::string_view json_text, std::string_view what) {
  LT_ASSIGN_OR_RETURN(auto doc, json::parse(json_text, what));
  return from_value(doc, what);
}

std::string to_json(const Transaction& t, bool with_signature) {
  std::string o = "{\"MaDoiTac\":\"" + esc(t.partner_code) + "\",\"MaThamChieu\":\"" + esc(t.partner_ref) +
                  "\",\"MaGiaoDich\":\"" + esc(t.transaction_id) +
                  "\",\"SoTien\":" + std::to_string(t.amount) + ",\"MaTienTe\":\"" + esc(t.currency) +
                  "\",\"MaNganHang\":\"" + esc(t.bank_code) + "\",\"ThoiGianGD\":\"" + esc(t.paid_at) +
                  "\",\"TrangThaiGD\":" + std::to_string(t.status) + ",\"ThongTinBienLai\":{\"MaTTHC\":\"" +
                  esc(t.procedure_code) + "\",\"MaDonVi\":\"" + esc(t.agency) + "\",\"MaHoSo\":\"" +
                  esc(t.dossier) +
                  "\",\"PhiLePhi\":[{\"LoaiPhiLePhi\":1,"
                  "\"MaPhiLePhi\":\"PHI\",\"SoTien\":" +
                  std::to_string(t.amount) + "}],\"KhoBac\":\"" + esc(t.treasury_code) + "\"}";
  if (with_signature) o += ",\"MaXacThuc\":\"" + esc(t.signature) + "\"";
  return o + "}";
}

Result<Transaction> parse_callback(std::string_view body, std::string_view secret) {
  LT_ASSIGN_OR_RETURN(auto t, parse_transaction(body, "payment callback"));
  if (t.signature.empty()) return make_error(ErrorKind::kUnauthorized, "payment callback: MaXacThuc missing");
  if (!verify(t, secret)) {
    return make_error(ErrorKind::kUnauthorized,
                      "payment callback: MaXacThuc does not match (wrong shared secret or altered message)");
  }
  return t;
}

std::string callback_answer(std::string_view ma_loi, std::string_view mo_ta) {
  return "{\"MaLoi\":\"" + esc(ma_loi) + "\",\"MoTa\":\"" + esc(mo_ta) + "\"}";
}

Result<Page> parse_page(std::string_view body) {
  LT_ASSIGN_OR_RETURN(auto doc, json::parse(body, "payment platform page"));
  if (!doc.IsObject()) return make_error(ErrorKind::kProtocol, "payment platform page: not a JSON object");
  Page p;
  auto total = json::get_int(doc, "TongSoBanGhi");
  auto page = json::get_int(doc, "TrangHienTai");
  const auto* list = json::member(doc, "DanhSach");
  if (!total || !page || !list || !list->IsArray()) {
    return make_error(ErrorKind::kProtocol,
                      "payment platform page: needs TongSoBanGhi, TrangHienTai and DanhSach[]");
  }
  p.total = *total;
  p.page = static_cast<int>(*page);
  int i = 0;
  for (const auto& v : list->GetArray()) {
    auto t = from_value(v, "DanhSach[" + std::to_string(i++) + "]");
    if (!t.ok()) return make_error(ErrorKind::kProtocol, "payment platform page: " + t.error().message);
    p.items.push_back(std::move(t).value());
  }
  return p;
}

Status read_transactions(const std::string& path, reconciliation::Dataset& out) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f)
    return make_error(ErrorKind::kNotFound,
                      "cannot open payments file " + path + ": " + std::strerror(errno));
  std::string buf, line;
  std::vector<char> block(1 << 20);
  uint32_t lineno = 0;
  bool first = true;
  size_t n;
  std::string carry;
  auto handle = [&](std::string_view l) -> Status {
    ++lineno;
    if (first && l.size() >= 3 && l.substr(0, 3) == "\xEF\xBB\xBF") l.remove_prefix(3);
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ')) l.remove_suffix(1);
    size_t s = l.find_first_not_of(" \t");
    if (s == std::string_view::npos) return Status();
    if (first) {
      first = false;
      if (l[s] != '{') {
        return make_error(ErrorKind::kParse, "payments file " + path + " line " + std::to_string(lineno) +
                                                 ": not JSON Lines of transactions (expected '{' first; save "
                                                 "pulled pages with `lienthong reconcile --pull`)");
      }
    }
    auto t = parse_transaction(l, "transaction");
    if (!t.ok()) {
      out.add_issue({path, lineno, t.error().message});
      return Status();
    }
    out.add_payment(t->to_payment(lineno));
    return Status();
  };
  while ((n = std::fread(block.data(), 1, block.size(), f.get())) > 0) {
    std::string_view chunk(block.data(), n);
    size_t start = 0;
    for (;;) {
      size_t nl = chunk.find('\n', start);
      if (nl == std::string_view::npos) break;
      if (carry.empty()) {
        LT_TRY(handle(chunk.substr(start, nl - start)));
      } else {
        carry.append(chunk.substr(start, nl - start));
        LT_TRY(handle(carry));
        carry.clear();
      }
      start = nl + 1;
    }
    carry.append(chunk.substr(start));
  }
  if (!carry.empty()) LT_TRY(handle(carry));
  return Status();
}

}  // namespace lienthong::payment_platform
