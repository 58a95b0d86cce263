// The payment platform of the National Public Service Portal (Nền tảng thanh toán trên
// Cổng DVCQG), as its public clients speak it (docs/contracts/payment_platform.md): the
// messages INIT, QUERY, GET_BILL and the confirmation callback, version 1.0.6; every
// MaXacThuc is the lower-case hex SHA-256 of the pipe-joined fields and the shared secret.
// Everything wire-level stays in this folder.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/flows/reconciliation/dataset.hpp"

namespace lienthong::payment_platform {

inline constexpr std::string_view kVersion = "1.0.6";
inline constexpr std::string_view kSuccess = "00";  // MaLoi: success
inline constexpr std::string_view kFailure = "99";  // MaLoi: any other error

// SHA-256 hex (lower case) of "f1|f2|...|fn|secret".
std::string compute_ma_xac_thuc(const std::vector<std::string_view>& fields, std::string_view secret);
// Constant-time comparison of a received MaXacThuc with the expected one (hex case-insensitive).
bool same_checksum(std::string_view received, std::string_view expected);

// --- The confirmation callback (platform → partner) -------------------------------------

// One confirmation as the platform posts it. It carries no dossier: MaThamChieu is joined to
// the partner's INIT record. MaLoi "00" is a payment made; anything else is a failed one.
struct Confirmation {
  std::string message_type = "CONFIRM";  // LoaiBanTin
  std::string error_code = "00";         // MaLoi
  std::string partner_code;              // MaDoiTac
  std::string partner_ref;               // MaThamChieu: the partner's reference, from INIT
  int64_t amount = 0;                    // SoTien
  std::string currency = "VND";          // MaTienTe
  std::string transaction_id;            // MaGiaoDich: the platform's reference
  std::string bank_code;                 // MaNganHang
  std::string paid_at;                   // ThoiGianGD, yyyyMMddHHmmss (Vietnam time)
  int64_t paid_at_ms = 0;
  std::string info;       // ThongTinGiaoDich
  std::string signature;  // MaXacThuc as received (or as signed)

  bool paid() const { return error_code == kSuccess; }
};

// LoaiBanTin|MaLoi|MaDoiTac|MaThamChieu|SoTien|MaTienTe|MaGiaoDich|MaNganHang|ThoiGianGD|ThongTinGiaoDich
std::vector<std::string> confirmation_signed_fields(const Confirmation& c);
void sign(Confirmation& c, std::string_view secret);
bool verify(const Confirmation& c, std::string_view secret);
std::string to_json(const Confirmation& c);

// Parses a confirmation and verifies its MaXacThuc: kUnauthorized when it does not match,
// kParse/kValidation (naming the field, never its value) when malformed.
Result<Confirmation> parse_confirmation(std::string_view body, std::string_view secret);

// The partner's answer, always HTTP 200: {MaLoi, MoTaLoi, MaDoiTac, MaThamChieu, ThoiGianGD,
// MaXacThuc (the request's, echoed)}. `c` may be null when the body could not be read.
std::string confirmation_answer(std::string_view ma_loi, std::string_view mo_ta_loi, const Confirmation* c);

// --- INIT (partner → platform): where MaThamChieu meets the dossier ---------------------

struct Fee {           // ThongTinBienLai.PhiLePhi[]
  std::string kind;    // LoaiPhiLePhi: "1" phí (fee), "2" lệ phí (charge)
  std::string code;    // MaPhiLePhi
  std::string name;    // TenPhiLePhi
  int64_t amount = 0;  // SoTien
};

struct Init {
  std::string version = std::string(kVersion);  // PhienBan
  std::string partner_code;                     // MaDoiTac
  std::string partner_ref;                      // MaThamChieu
  int64_t amount = 0;                           // SoTien
  std::string payment_type = "PAY";             // LoaiHinhThanhToan
  std::string channel = "WEB";                  // MaKenhThanhToan
  std::string device = "DESKTOP";               // MaThietBi
  std::string language = "vi";                  // NgonNgu
  std::string currency = "VND";                 // MaTienTe
  std::string bank_code;                        // MaNganHang (empty: the citizen chooses)
  std::string info;                             // ThongTinGiaoDich
  std::string created_at;                       // ThoiGianGD, yyyyMMddHHmmss
  int64_t created_at_ms = 0;
  std::string ip;  // Ip
  // ThongTinBienLai
  int service_kind = 2;        // MaDichVu: 2 fees and charges of a procedure
  std::string dossier;         // MaHoSo
  std::string agency;          // MaDonVi
  std::string agency_name;     // TenDonVi
  std::string procedure_code;  // MaTTHC
  std::string service_code;    // MaDVC
  std::string account;         // TKThuHuong
  std::string account_bank;    // MaNHThuHuong
  std::string account_name;    // TenTKThuHuong
  std::string treasury_code;   // KhoBac
  std::vector<Fee> fees;       // PhiLePhi
  std::string signature;       // MaXacThuc
};

// LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|SoTien|LoaiHinhThanhToan|MaKenhThanhToan|MaThietBi|
// NgonNgu|MaTienTe|MaNganHang|ThongTinGiaoDich|ThoiGianGD|Ip
std::vector<std::string> init_signed_fields(const Init& i);
void sign(Init& i, std::string_view secret);
bool verify(const Init& i, std::string_view secret);
std::string to_json(const Init& i);
// Parses one INIT message. Its citizen fields (HoTenNguoiNop, SoCMNDNguoiNop, ...) are not read.
Result<Init> parse_init(std::string_view body, std::string_view what = "INIT");

// The one-stop-shop's INIT ledger: a JSON Lines file of the INIT messages it sent, one per
// line, as sent. Each is verified with the shared secret; a line that does not parse or
// verify is an input issue of `out` (when given), never a silent skip.
struct InitLedger {
  std::map<std::string, Init> by_ref;  // MaThamChieu → INIT
  const Init* find(std::string_view partner_ref) const;
};
Result<InitLedger> read_init_ledger(const std::string& path, std::string_view secret,
                                    reconciliation::Dataset* issues_out);

// --- QUERY and GET_BILL (partner → platform) ---------------------------------------------

// LoaiBanTin "QUERY", PhienBan, MaDoiTac, MaThamChieu, ThoiGianGD (of the INIT), MaXacThuc
// over those five.
std::string query_request(const Init& init, std::string_view secret);

// The answer: MaLoi "00" and the transaction (TrangThaiGD "1" paid, "3" pending, "4" failed);
// MaLoi other than "00" is a refusal (status 0): the pull stops with it.
struct QueryAnswer {
  std::string error_code;  // MaLoi
  std::string message;     // MoTaLoi
  std::string partner_ref;
  std::string transaction_id;
  int64_t amount = 0;
  std::string bank_code;
  std::string paid_at;
  int64_t paid_at_ms = 0;
  int status = 0;  // TrangThaiGD: 1, 3, 4; 0 when MaLoi is not "00"
};
Result<QueryAnswer> parse_query_answer(std::string_view body);
// A QUERY answer, as the platform (the simulator) writes it.
std::string query_answer_json(const QueryAnswer& a, std::string_view partner_code);

// LoaiBanTin "GET_BILL", PhienBan, MaDoiTac, MaThamChieu, MaGiaoDich, MaXacThuc over those.
std::string get_bill_request(std::string_view partner_code, std::string_view partner_ref,
                             std::string_view transaction_id, std::string_view secret);
struct Bill {
  std::string error_code;  // MaLoi
  std::string partner_ref;
  std::string transaction_id;
  std::string receipt_no;   // SoBienLai
  std::string receipt_url;  // DuongDanBienLai
};
Result<Bill> parse_bill(std::string_view body);

// --- lienthong's saved payments file --------------------------------------------------

// One payment as lienthong saves it (JSON Lines, `--payments`, the output of `--pull`): the
// platform's transaction joined with its INIT record. Not a wire message.
struct Transaction {
  std::string partner_code;        // MaDoiTac
  std::string partner_ref;         // MaThamChieu
  std::string transaction_id;      // MaGiaoDich
  reconciliation::Vnd amount = 0;  // SoTien
  std::string currency = "VND";    // MaTienTe
  std::string bank_code;           // MaNganHang
  std::string paid_at;             // ThoiGianGD, yyyyMMddHHmmss (Vietnam time)
  int64_t paid_at_ms = 0;
  int status = 1;              // TrangThaiGD: 1 paid, 3 pending, 4 failed
  std::string procedure_code;  // from INIT ThongTinBienLai.MaTTHC
  std::string agency;          // from INIT ThongTinBienLai.MaDonVi
  std::string dossier;         // from INIT ThongTinBienLai.MaHoSo
  std::string treasury_code;   // from INIT ThongTinBienLai.KhoBac
  std::string receipt_no;      // SoBienLai, from GET_BILL when the pull fetched it
  std::string receipt_url;     // DuongDanBienLai, from GET_BILL

  reconciliation::Payment to_payment(uint32_t line = 0) const;
};

Result<Transaction> parse_transaction(std::string_view json_text, std::string_view what = "transaction");
std::string to_json(const Transaction& t);

// Reads a JSON Lines file of transactions into `out`. A malformed line is an InputIssue; a
// file that is not JSON Lines of objects (first non-blank byte is not '{') is refused whole.
Status read_transactions(const std::string& path, reconciliation::Dataset& out);

}  // namespace lienthong::payment_platform

namespace lienthong::http {
class HttpClient;
}

namespace lienthong::payment_platform {

struct PlatformEndpoint {
  std::string base_url;
  std::string query_path = "/query";        // no public source: set from the official spec
  std::string get_bill_path = "/get-bill";  // no public source: set from the official spec
  std::string partner_code;
  std::string secret;
  // Sent as "Authorization: Bearer <token>" when not empty (the .NET client's optional
  // AccessToken setting, for a platform or provincial adapter that wants it).
  std::string bearer_token;
  int max_attempts = 4;  // per QUERY
  // The pull asks GET_BILL for the receipt of every paid transaction it writes.
  bool fetch_receipts = true;
  std::chrono::milliseconds retry_backoff{200};
};

struct PullSummary {
  int64_t written = 0;           // transactions written
  int64_t receipts = 0;          // paid ones whose receipt GET_BILL gave
  int64_t receipts_missing = 0;  // paid ones whose GET_BILL failed: written without a receipt
  std::string first_receipt_error;
};

// Recovers confirmations: one signed QUERY for every INIT of `ledger` created in [from - 1,
// to] (Vietnam days) whose MaThamChieu is not in `settled` (a final confirmation already
// stored). Writes the transactions paid in [from, to] as JSON Lines to `out_path` (through a
// temporary file renamed at the end: never a partial file). With `fetch_receipts`, each paid
// one (TrangThaiGD 1) carries the receipt GET_BILL gives; a failed GET_BILL does not stop the
// pull (the receipt is not needed to reconcile) but is counted.
Result<PullSummary> pull_transactions(http::HttpClient& client, const PlatformEndpoint& endpoint,
                                      const InitLedger& ledger, const std::vector<std::string>& settled,
                                      reconciliation::Day from, reconciliation::Day to,
                                      const std::string& out_path);

// The receipt of one transaction (GET_BILL).
Result<Bill> get_bill(http::HttpClient& client, const PlatformEndpoint& endpoint,
                      std::string_view partner_ref, std::string_view transaction_id);

}  // namespace lienthong::payment_platform
