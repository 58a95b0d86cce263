// The payment platform of the National Public Service Portal (Nền tảng thanh toán trên
// Cổng DVCQG), as public client code shows it; no official spec is public, so everything
// wire-level stays in this folder: messages INIT, GET_BILL, QUERY and the confirmation
// callback, version 1.0.6; MaXacThuc = SHA-256 hex over the pipe-joined fields and the
// shared secret.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.hpp"
#include "gateway/reconciliation/dataset.hpp"

namespace lienthong::payment_platform {

inline constexpr std::string_view kVersion = "1.0.6";

// One transaction as the platform reports it (owned strings: it outlives the JSON).
struct Transaction {
  std::string partner_code;        // MaDoiTac
  std::string partner_ref;         // MaThamChieu: the partner's (province's) own reference
  std::string transaction_id;      // MaGiaoDich: the platform's reference
  reconciliation::Vnd amount = 0;  // SoTien
  std::string currency = "VND";    // MaTienTe
  std::string bank_code;           // MaNganHang
  std::string paid_at;             // ThoiGianGD, yyyyMMddHHmmss (Vietnam time)
  int64_t paid_at_ms = 0;
  int status = 1;              // TrangThaiGD: 1 paid, 3 pending, 4 failed
  std::string procedure_code;  // ThongTinBienLai.MaTTHC
  std::string agency;          // ThongTinBienLai.MaDonVi
  std::string dossier;         // ThongTinBienLai.MaHoSo
  std::string treasury_code;   // ThongTinBienLai.KhoBac
  std::string signature;       // MaXacThuc as received

  reconciliation::Payment to_payment(uint32_t line = 0) const;
};

// SHA-256 hex (lower case) of "f1|f2|...|fn|secret".
std::string compute_ma_xac_thuc(const std::vector<std::string_view>& fields, std::string_view secret);
// The fields the callback's MaXacThuc covers, in order.
std::vector<std::string> callback_signed_fields(const Transaction& t);
// Signs `t` (sets t.signature) as the platform would.
void sign(Transaction& t, std::string_view secret);
// Constant-time comparison, hex case-insensitive.
bool verify(const Transaction& t, std::string_view secret);

// Parses one transaction object (from a QUERY page, a callback or a JSONL file). Errors
// name the field; never echo personal data.
Result<Transaction> parse_transaction(std::string_view json_text, std::string_view what = "transaction");

// Serialises a transaction to the platform's JSON (used by the simulator and for storage).
std::string to_json(const Transaction& t, bool with_signature = true);

// The callback: parsed, its currency checked and its MaXacThuc verified. kUnauthorized
// when the signature does not match (answer MaLoi "01"), kParse/kValidation otherwise.
Result<Transaction> parse_callback(std::string_view body, std::string_view secret);
// The answers the platform expects: MaLoi "00" on success.
std::string callback_answer(std::string_view ma_loi, std::string_view mo_ta);

// One page of the transaction list API: {"TongSoBanGhi": n, "TrangHienTai": p, "DanhSach": [...]}.
struct Page {
  int64_t total = 0;
  int page = 0;
  std::vector<Transaction> items;
};
Result<Page> parse_page(std::string_view body);

// Reads a JSON Lines file of transactions (one object per line, as `pull` saves them)
// into `out`. A malformed line is an InputIssue; a file that is not JSON Lines of objects
// (first non-blank byte is not '{') is refused as a whole.
Status read_transactions(const std::string& path, reconciliation::Dataset& out);

}  // namespace lienthong::payment_platform

namespace lienthong::http {
class HttpClient;
}

namespace lienthong::payment_platform {

// The transaction list API, pulled page by page:
//   GET {base_url}/giao-dich?MaDoiTac=..&TuNgay=yyyyMMdd&DenNgay=yyyyMMdd&Trang=N&SoBanGhi=M
// answering Page JSON. Retryable failures (timeouts, 5xx, 429) are retried per page.
struct PullOptions {
  std::string base_url;
  std::string partner_code;
  int page_size = 500;
  int max_attempts = 4;  // per page
  std::chrono::milliseconds retry_backoff{200};
};

// Pulls every transaction paid in [from, to] (Vietnam days) and writes them as JSON Lines to
// `out_path` (via a temporary file renamed at the end: never a partial file). Returns the
// number of transactions.
Result<int64_t> pull_transactions(http::HttpClient& client, const PullOptions& options,
                                  reconciliation::Day from, reconciliation::Day to,
                                  const std::string& out_path);

}  // namespace lienthong::payment_platform
