// lienthong reconcile: one treasury reconciliation run now, printing its summary.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "app/cli.hpp"
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

const cli::CommandSpec& reconcile_spec() {
  static const cli::CommandSpec s{
      "reconcile",
      "One treasury reconciliation: the portal's online fee payments (JSON Lines), the bank statement (CSV), "
      "the State Treasury's credit records (XML) and the dossiers' obligations for the period; stores the "
      "run "
      "and writes exceptions.csv, report.json, summary.json, input_issues.csv and refund_instructions.csv "
      "into --out (default: reconciliation.out_dir).",
      "--pull recovers the portal's transactions by one signed QUERY to reconciliation.payment_platform\n"
      "(base_url, query_path) for every open INIT of payment_platform.init_ledger, into --out, and (unless\n"
      "payment_platform.fetch_receipts is false) each paid one's receipt by GET_BILL.\n"
      "`lienthong reconcile refunds --help`: the refunds still outstanding.",
      {cli::config_option()},
      {"",
       "",
       {},
       {{"from", "YYYY-MM-DD", "first day of the period (required)"},
        {"to", "YYYY-MM-DD", "last day of the period (required)"},
        {"bank", "FILE", "the bank statement (required)"},
        {"treasury", "FILE", "the treasury's credit records (or --treasury-url)"},
        {"treasury-url", "URL", "read the credit records from the treasury's API instead of a file"},
        {"treasury-secret-env", "NAME",
         "the environment variable holding the API's bearer token (default LIENTHONG_TREASURY_SECRET)"},
        {"payments", "FILE", "the portal's payments (or --pull)"},
        {"pull", "", "recover the portal's transactions from the payment platform"},
        {"obligations", "FILE", "the dossiers' obligations"},
        {"tax-notices", "FILE", "the tax notices"},
        {"tax-vouchers", "FILE", "the tax payment vouchers"},
        {"as-of", "YYYY-MM-DD",
         "decides which uncredited payments are still inside the settlement window (default: today, Vietnam "
         "time)"},
        {"out", "DIR", "where the reports go (default: reconciliation.out_dir)"},
        {"csv-format", "standard|excel_vi",
         "excel_vi: ';' and dates dd/mm/yyyy, as Excel on a Vietnamese locale opens them (default: "
         "reconciliation.csv_format, else standard)"},
        {"no-callbacks", "", "leave out the payment platform's callbacks"},
        {"json", "", "print the summary as one JSON object"}}},
      {}};
  return s;
}

const cli::CommandSpec& refunds_spec() {
  static const cli::CommandSpec s{
      "reconcile refunds",
      "Lists the refunds still outstanding in the store: due, approved or instructed, not yet shown refunded "
      "(HOAN) by "
      "the treasury, with their total.",
      "",
      {cli::config_option()},
      {"",
       "",
       {},
       {{"csv", "FILE",
         "also write them to FILE as refund_instructions.csv is (in reconciliation.csv_format)"}},
       true},
      {}};
  return s;
}

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
  auto parsed = cli::parse(refunds_spec(), std::vector<std::string>(argv.begin() + 1, argv.end()));
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
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
  if (cli::format_of(args) == "csv") {
    std::cout << reconciliation::refunds_csv(*refunds, settings.csv_format);
    return kExitOk;
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
  auto parsed = cli::parse(reconcile_spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
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
