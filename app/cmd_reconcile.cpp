// lienthong reconcile: one treasury reconciliation run now, printing its summary.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "app/commands.hpp"
#include "app/reconcile_runner.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/flows/reconciliation/amount.hpp"
#include "gateway/flows/reconciliation/report.hpp"
#include "gateway/flows/reconciliation/run_store.hpp"

namespace lienthong::app {

namespace {

constexpr const char* kUsage =
    "usage: lienthong reconcile --from YYYY-MM-DD --to YYYY-MM-DD --bank FILE\n"
    "         (--treasury FILE | --treasury-url URL [--treasury-secret-env NAME])\n"
    "         [--payments FILE | --pull] [--obligations FILE] [--tax-notices FILE] [--tax-vouchers FILE]\n"
    "         [--as-of YYYY-MM-DD] [--out DIR] [--csv-format standard|excel_vi] [--no-callbacks] [--json]\n"
    "         [--config FILE]\n"
    "Reconciles the portal's online fee payments (JSON Lines), the bank statement (CSV), the\n"
    "State Treasury's credit records (XML) and the dossiers' obligations for the period, stores\n"
    "the run and writes exceptions.csv, report.json, summary.json, input_issues.csv and\n"
    "refund_instructions.csv into --out (default: reconciliation.out_dir). --as-of (default:\n"
    "today, Vietnam time) decides which uncredited payments are still inside the settlement window.\n"
    "--csv-format excel_vi writes the CSV reports with ';' and dates dd/mm/yyyy, as Excel on a\n"
    "Vietnamese locale opens them (default: reconciliation.csv_format, else standard).\n"
    "--pull recovers the portal's transactions by one signed QUERY to reconciliation.payment_platform\n"
    "(base_url, query_path) for every open INIT of payment_platform.init_ledger, into --out, and\n"
    "(unless payment_platform.fetch_receipts is false) each paid one's receipt by GET_BILL.\n"
    "--treasury-url reads the treasury's credit records from its API instead of a file, with the bearer\n"
    "token in the environment variable --treasury-secret-env (default LIENTHONG_TREASURY_SECRET).\n"
    "\n"
    "usage: lienthong reconcile refunds [--json] [--csv FILE] [--config FILE]\n"
    "Lists the refunds still outstanding in the store: due, approved or instructed, not yet shown refunded\n"
    "(HOAN) by the treasury, with their total; --csv writes them as refund_instructions.csv is\n"
    "(in reconciliation.csv_format).\n";

constexpr const char* kDefaultTreasurySecretEnv = "LIENTHONG_TREASURY_SECRET";

reconciliation::Day parse_day_option(const Args& args, const std::string& name) {
  auto v = args.required(name);
  auto d = vn_time::parse_date(v);
  if (!d) throw UsageError("--" + name + " must be a date YYYY-MM-DD, got '" + v + "'");
  return static_cast<reconciliation::Day>(*d);
}

std::string refund_json(const reconciliation::Refund& f) {
  using reconciliation::json_escape_text;
  return "{\"key\":\"" + json_escape_text(f.key) + "\",\"reference\":\"" + json_escape_text(f.reference) +
         "\",\"dossier\":\"" + json_escape_text(f.dossier) + "\",\"agency\":\"" + json_escape_text(f.agency) +
         "\",\"amount\":" + std::to_string(f.amount) + ",\"reason\":\"" + json_escape_text(f.reason) +
         "\",\"state\":\"" + f.state + "\",\"opened_run\":\"" + f.opened_run + "\",\"instructed_run\":\"" +
         f.instructed_run + "\"}";
}

// lienthong reconcile refunds: what the province still owes payers (hoàn trả chưa thực hiện).
int run_outstanding_refunds(const std::vector<std::string>& argv) {
  Args args = Args::parse(argv, {"help", "json"});
  if (args.flag("help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  args.allow_only({"help", "json", "csv", "config"});
  if (args.positional().size() > 1) throw UsageError("unexpected argument '" + args.positional()[1] + "'");
  Runtime rt = open_runtime(config_path(args), StoreAccess::kExisting);
  ReconcileSettings settings;
  if (auto sec = rt.config->root().optional_object("reconciliation"))
    settings = ReconcileSettings::from_config(*sec);
  reconciliation::RunStore runs(*rt.db, *rt.clock);
  auto refunds = runs.outstanding_refunds();
  if (!refunds.ok()) {
    std::cerr << "lienthong reconcile refunds: " << refunds.error().message << "\n";
    return kExitFailure;
  }
  reconciliation::Vnd total = 0;
  for (const auto& f : *refunds) total += f.amount;
  if (auto csv = args.option("csv")) {
    std::ofstream out(*csv, std::ios::binary | std::ios::trunc);
    out << reconciliation::refunds_csv(*refunds, settings.csv_format);
    out.flush();
    if (!out) {
      std::cerr << "lienthong reconcile refunds: cannot write " << *csv << " (check the folder exists)\n";
      return kExitFailure;
    }
  }
  if (args.flag("json")) {
    std::cout << "{\"outstanding\":" << refunds->size() << ",\"amount\":" << total << ",\"refunds\":[";
    for (size_t i = 0; i < refunds->size(); ++i) std::cout << (i ? "," : "") << refund_json((*refunds)[i]);
    std::cout << "]}\n";
    return kExitOk;
  }
  std::cout << "Hoàn trả chưa thực hiện (refunds outstanding): " << refunds->size() << ", tổng (total) "
            << reconciliation::format_vnd(total) << " đồng\n";
  if (refunds->empty()) return kExitOk;
  std::cout << "Mã giao dịch gốc\tMã hồ sơ\tMã đơn vị\tSố tiền hoàn\tLý do\tTrạng thái\tLần chạy chỉ thị\n";
  for (const auto& f : *refunds) {
    std::cout << f.reference << "\t" << f.dossier << "\t" << f.agency << "\t"
              << reconciliation::format_vnd(f.amount) << "\t" << f.reason << "\t"
              << (f.state == "due"        ? "chờ chỉ thị (due)"
                  : f.state == "approved" ? "đã duyệt, chờ chỉ thị (approved)"
                                          : "đã chỉ thị (instructed)")
              << "\t" << (f.instructed_run.empty() ? "-" : f.instructed_run) << "\n";
  }
  return kExitOk;
}

}  // namespace

int run_reconcile(const std::vector<std::string>& argv) {
  if (!argv.empty() && argv[0] == "refunds") return run_outstanding_refunds(argv);
  Args args = Args::parse(argv, {"help", "json", "no-callbacks", "pull"});
  if (args.flag("help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  args.allow_only({"help", "json", "no-callbacks", "pull", "from", "to", "as-of", "bank", "treasury",
                   "treasury-url", "treasury-secret-env", "payments", "obligations", "tax-notices",
                   "tax-vouchers", "out", "csv-format", "config"});
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
  if (auto f = args.option("csv-format")) {
    auto format = reconciliation::csv_format_from_string(*f);
    if (!format) throw UsageError("--csv-format must be standard or excel_vi, got '" + *f + "'");
    settings.csv_format = *format;
  }

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
