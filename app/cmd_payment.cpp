// lienthong payment receipt: the receipt (biên lai) of one paid transaction, by GET_BILL.
#include <iostream>

#include "adapters/payment_platform/payment_platform.hpp"
#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/reconcile_runner.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"

namespace lienthong::app {

namespace {

const cli::CommandSpec& spec() {
  static const cli::CommandSpec s{
      "payment",
      "A paid transaction's receipt from the payment platform (GET_BILL).",
      "Exit code 1 here: the platform refused or could not be reached; 3: the configuration lacks\n"
      "reconciliation.payment_platform's base_url, partner_code or secret.",
      {cli::config_option()},
      {},
      {{"receipt",
        "asks the payment platform (reconciliation.payment_platform: base_url, get_bill_path, partner_code, "
        "secret) for the receipt of one paid transaction by a signed GET_BILL and prints its number "
        "(SoBienLai) and link (DuongDanBienLai)",
        {},
        {{"ref", "MA_THAM_CHIEU", "the partner's reference (required)"},
         {"transaction", "MA_GIAO_DICH", "the platform's transaction id (required)"},
         {"json", "", "print the receipt as one JSON object"}}}}};
  return s;
}

int run_receipt(const Args& args) {
  std::string ref = args.required("ref"), tx = args.required("transaction");
  Runtime rt = open_runtime(config_path(args));
  ReconcileSettings s;
  if (auto sec = rt.config->root().optional_object("reconciliation"))
    s = ReconcileSettings::from_config(*sec);
  if (s.platform_base_url.empty() || s.partner_code.empty() || !s.callback_secret) {
    std::cerr << "lienthong payment receipt: GET_BILL needs reconciliation.payment_platform.base_url, "
                 "partner_code and secret in the config\n";
    return kExitConfig;
  }
  payment_platform::PlatformEndpoint e;
  e.base_url = s.platform_base_url;
  e.get_bill_path = s.get_bill_path;
  e.partner_code = s.partner_code;
  e.secret = s.callback_secret->reveal();
  if (s.platform_access_token) e.bearer_token = s.platform_access_token->reveal();
  http::HttpClient client(s.platform_client);
  auto bill = payment_platform::get_bill(client, e, ref, tx);
  if (!bill.ok()) {
    std::cerr << "lienthong payment receipt: " << bill.error().message << "\n";
    return kExitFailure;
  }
  if (args.flag("json")) {
    std::string out = "{\"MaThamChieu\":";
    json::append_string(out, bill->partner_ref);
    out += ",\"MaGiaoDich\":";
    json::append_string(out, bill->transaction_id);
    out += ",\"SoBienLai\":";
    json::append_string(out, bill->receipt_no);
    out += ",\"DuongDanBienLai\":";
    json::append_string(out, bill->receipt_url);
    std::cout << out << "}\n";
  } else {
    std::cout << "Mã tham chiếu: " << bill->partner_ref << "\nMã giao dịch: " << bill->transaction_id
              << "\nSố biên lai: " << bill->receipt_no << "\nĐường dẫn biên lai: " << bill->receipt_url
              << "\n";
  }
  return kExitOk;
}

}  // namespace

int run_payment(const std::vector<std::string>& argv) {
  auto parsed = cli::parse(spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  const std::string& sub = args.positional()[0];
  if (sub == "receipt") return run_receipt(args);
  throw UsageError("unknown payment subcommand '" + sub + "' (known: receipt)");
}

}  // namespace lienthong::app
