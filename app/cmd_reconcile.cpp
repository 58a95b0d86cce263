// lienthong reconcile: one treasury reconciliation run now, printing its summary.
#include <cstdlib>
#include <iostream>

#include "app/commands.hpp"
#include "app/reconcile_runner.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/flows/reconciliation/report.hpp"

namespace lienthong::app {

namespace {

constexpr const char* kUsage =
    "usage: lienthong reconcile --from YYYY-MM-DD --to YYYY-MM-DD --bank FILE\n"
    "         (--treasury FILE | --treasury-url URL [--treasury-secret-env NAME])\n"
    "         [--payments FILE | --pull] [--obligations FILE] [--tax-notices FILE] [--tax-vouchers FILE]\n"
    "         [--as-of YYYY-MM-DD] [--out DIR] [--no-callbacks] [--json] [--config FILE]\n"
    "Reconciles the portal's online fee payments (JSON Lines), the bank statement (CSV), the\n"
    "State Treasury's credit records (XML) and the dossiers' obligations for the period, stores\n"
    "the run and writes exceptions.csv, report.json, summary.json, input_issues.csv and\n"
    "refund_instructions.csv into --out (default: reconciliation.out_dir). --as-of (default:\n"
    "today, Vietnam time) decides which uncredited payments are still inside the settlement window.\n"
    "--pull recovers the portal's transactions by one signed QUERY to reconciliation.payment_platform\n"
    "(base_url, query_path) for every open INIT of payment_platform.init_ledger, into --out, and\n"
    "(unless payment_platform.fetch_receipts is false) each paid one's receipt by GET_BILL.\n"
    "--treasury-url reads the treasury's credit records from its API instead of a file, with the bearer\n"
    "token in the environment variable --treasury-secret-env (default LIENTHONG_TREASURY_SECRET).\n";

constexpr const char* kDefaultTreasurySecretEnv = "LIENTHONG_TREASURY_SECRET";

reconciliation::Day parse_day_option(const Args& args, const std::string& name) {
  auto v = args.required(name);
  auto d = vn_time::parse_date(v);
  if (!d) throw UsageError("--" + name + " must be a date YYYY-MM-DD, got '" + v + "'");
  return static_cast<reconciliation::Day>(*d);
}

}  // namespace

int run_reconcile(const std::vector<std::string>& argv) {
  Args args = Args::parse(argv, {"help", "json", "no-callbacks", "pull"});
  if (args.flag("help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  args.allow_only({"help", "json", "no-callbacks", "pull", "from", "to", "as-of", "bank", "treasury",
                   "treasury-url", "treasury-secret-env", "payments", "obligations", "tax-notices",
                   "tax-vouchers", "out", "config"});
  ReconcileRequest req;
  req.period.from = parse_day_option(args, "from");
  req.period.to = parse_day_option(args, "to");
  if (req.period.from > req.period.to) throw UsageError("--from is after --to");
  req.bank = args.required("bank");
  req.treasury = args.option_or("treasury", "");
  std::string treasury_url = args.option_or("treasury-url", "");
  if (req.treasury.empty() == treasury_url.empty()) {
    throw UsageError(req.treasury.empty() ? "the treasury's credit records are required: --treasury FILE or "
                                            "--treasury-url URL"
                                          : "--treasury and --treasury-url exclude each other");
  }
  if (!treasury_url.empty()) {
    if (treasury_url.rfind("http://", 0) != 0 && treasury_url.rfind("https://", 0) != 0)
      throw UsageError("--treasury-url must be an http:// or https:// URL, got '" + treasury_url + "'");
    std::string env = args.option_or("treasury-secret-env", kDefaultTreasurySecretEnv);
    const char* token = std::getenv(env.c_str());
    if (!token || !*token) {
      throw UsageError("--treasury-url needs the treasury API's bearer token in the environment variable " +
                       env + ", which is unset or empty");
    }
    TreasuryApi api;
    api.url = treasury_url;
    while (api.url.ends_with('/')) api.url.pop_back();
    api.secret = Secret(token, "env:" + env);
    req.treasury_api = std::move(api);
  } else if (args.option("treasury-secret-env")) {
    throw UsageError("--treasury-secret-env goes with --treasury-url");
  }
  req.payments = args.option_or("payments", "");
  req.obligations = args.option_or("obligations", "");
  req.tax_notices = args.option_or("tax-notices", "");
  req.tax_vouchers = args.option_or("tax-vouchers", "");
  req.include_callbacks = !args.flag("no-callbacks");
  req.pull = args.flag("pull");
  if (req.pull && !req.payments.empty()) throw UsageError("--pull and --payments exclude each other");

  Runtime rt = open_runtime(config_path(args));
  ReconcileSettings settings;
  if (auto sec = rt.config->root().optional_object("reconciliation"))
    settings = ReconcileSettings::from_config(*sec);
  attach_calendar(settings, rt.config->root());
  if (args.option("as-of")) {
    req.period.as_of = parse_day_option(args, "as-of");
  } else {
    auto t = vn_time::to_vietnam(rt.clock->now_ms());
    req.period.as_of = static_cast<reconciliation::Day>(vn_time::days_from_civil(t.year, t.month, t.day));
  }
  req.out_dir = args.option_or("out", settings.out_dir);

  auto outcome = run_reconciliation(*rt.db, *rt.clock, settings, req);
  if (!outcome.ok()) {
    std::cerr << "lienthong reconcile: " << outcome.error().message << "\n";
    return kExitFailure;
  }
  const auto& o = *outcome;
  if (args.flag("json")) {
    std::cout << "{\"run\":\"" << o.info.id << "\",\"reused\":" << (o.saved.reused ? "true" : "false")
              << ",\"out\":\"" << reconciliation::json_escape_text(req.out_dir)
              << "\",\"changes_since_previous\":" << o.saved.diff.changes.size()
              << ",\"refund_instructions\":" << o.saved.instructed.size();
    if (o.pulled) {
      std::cout << ",\"pulled\":{\"transactions\":" << o.pulled->written
                << ",\"receipts\":" << o.pulled->receipts
                << ",\"receipts_missing\":" << o.pulled->receipts_missing << "}";
    }
    std::cout << ",\"summary\":" << reconciliation::summary_json(o.result.summary) << "}\n";
  } else {
    if (o.pulled) {
      std::cout << "Giao dịch thu hồi bằng QUERY: " << o.pulled->written
                << " (biên lai GET_BILL: " << o.pulled->receipts
                << ", thiếu biên lai: " << o.pulled->receipts_missing << ")\n";
      if (o.pulled->receipts_missing > 0)
        std::cout << "  Lỗi GET_BILL đầu tiên: " << o.pulled->first_receipt_error << "\n";
    }
    std::cout << reconciliation::summary_text(o.info, o.result, &o.saved);
    if (!req.out_dir.empty()) std::cout << "Reports in " << req.out_dir << "\n";
  }
  return kExitOk;
}

}  // namespace lienthong::app
