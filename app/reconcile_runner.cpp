#include "app/reconcile_runner.hpp"

#include <algorithm>
#include <filesystem>

#include "adapters/payment_platform/payment_platform.hpp"
#include "adapters/tax/push_inbox.hpp"
#include "adapters/tax/tax.hpp"
#include "adapters/treasury/treasury.hpp"
#include "app/kpi_settings.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/reconciliation/callback_inbox.hpp"
#include "gateway/flows/reconciliation/obligations_csv.hpp"
#include "gateway/flows/reconciliation/report.hpp"

namespace lienthong::app {

using namespace reconciliation;

TreasuryApi TreasuryApi::from_config(const ConfigNode& n) {
  std::vector<std::string> keys = {"url", "secret", "page_size"};
  for (const auto& k : http::ClientOptions::config_keys()) keys.push_back(k);
  n.allow_only(keys);
  TreasuryApi a;
  a.url = n.string("url");
  if (a.url.rfind("http://", 0) != 0 && a.url.rfind("https://", 0) != 0)
    n.fail("url", "must be an http:// or https:// URL (the treasury API's base URL)");
  while (a.url.ends_with('/')) a.url.pop_back();
  a.secret = n.secret("secret");
  if (a.secret.empty()) n.fail("secret", "is empty (" + a.secret.source() + ")");
  a.page_size = static_cast<int>(n.integer_or("page_size", a.page_size, 1, 5000));
  a.client = http::ClientOptions::from_config(n);
  return a;
}

void attach_calendar(ReconcileSettings& settings, const ConfigNode& root) {
  if (settings.rules.window_unit != reconciliation::WindowUnit::kWorkingDays) return;
  auto calc = calendar::make_calculator(calendar_settings(root));
  if (!calc)
    throw ConfigError("calendar: " + calc.error().message +
                      " (reconciliation.rules.window_unit is "
                      "\"working_days\": the run counts on this calendar)");
  settings.calendar = std::make_shared<const calendar::WorkingDayCalendar>(calc->calendar());
}

ReconcileSettings ReconcileSettings::from_config(const ConfigNode& n) {
  n.allow_only({"rules", "bank", "tax_agency", "tax_push", "out_dir", "csv_format", "payment_platform",
                "schedule", "refund_approval"});
  ReconcileSettings s;
  if (auto r = n.optional_object("rules")) s.rules = Rules::from_config(*r);
  if (auto b = n.optional_object("bank")) s.bank = bank_statement::mapping_from_config(*b);
  s.tax_agency = n.string_or("tax_agency", s.tax_agency);
  if (s.tax_agency.empty()) n.fail("tax_agency", "must not be empty");
  // The land-tax pushes are webhook sources now (issue #27): the old key is refused with
  // what to write instead, so that a config written for the old routes does not start
  // without them silently.
  if (n.has("tax_push")) {
    n.fail("tax_push",
           "was removed: DVCQG's land-tax pushes are webhook sources now. Register "
           "webhooks.sources.<id> with \"record_kind\": \"land_tax_notice\" (and another with "
           "\"land_tax_voucher\"), \"auth\": \"shared_key\", \"shared_key\": {\"secret\": <the same "
           "security_key>, \"body_field\": \"SecurityKey\"}, \"answer\": \"dvcqg\"; DVCQG then posts to "
           "/v1/webhooks/<id> (docs/webhooks.md, docs/contracts/tax.md)");
  }
  s.out_dir = n.file_path_or("out_dir", s.out_dir);
  if (n.has("csv_format")) {
    auto f = reconciliation::csv_format_from_string(n.string_or("csv_format", ""));
    if (!f)
      n.fail("csv_format", "must be \"standard\" (',' and YYYY-MM-DD) or \"excel_vi\" (';' and dd/mm/yyyy)");
    s.csv_format = *f;
  }
  if (n.has("refund_approval")) {
    const std::string a = n.string_or("refund_approval", "");
    if (a != "none" && a != "four_eyes")
      n.fail("refund_approval",
             "must be \"none\" (a run instructs every due refund) or \"four_eyes\" (only refunds an "
             "approver approved in the console)");
    s.refunds_need_approval = a == "four_eyes";
  }
  if (auto p = n.optional_object("payment_platform")) {
    // The invented paged list API is gone: its key is refused with what replaces it.
    if (p->has("page_size")) {
      p->fail("page_size",
              "was removed: the payment platform has no paged transaction list; missed confirmations are "
              "recovered by one QUERY per open INIT of payment_platform.init_ledger (see "
              "docs/contracts/payment_platform.md)");
    }
    std::vector<std::string> keys = {"secret",        "callback_path", "base_url",
                                     "partner_code",  "init_ledger",   "query_path",
                                     "get_bill_path", "access_token",  "fetch_receipts"};
    for (const auto& k : http::ClientOptions::config_keys()) keys.push_back(k);
    p->allow_only(keys);
    if (p->has("secret")) s.callback_secret = p->secret("secret");
    if (p->has("access_token")) s.platform_access_token = p->secret("access_token");
    s.platform_base_url = p->string_or("base_url", "");
    if (!s.platform_base_url.empty() && s.platform_base_url.rfind("http://", 0) != 0 &&
        s.platform_base_url.rfind("https://", 0) != 0) {
      p->fail("base_url", "must be an http:// or https:// URL");
    }
    while (s.platform_base_url.ends_with('/')) s.platform_base_url.pop_back();
    s.partner_code = p->string_or("partner_code", "");
    s.fetch_receipts = p->boolean_or("fetch_receipts", true);
    if (p->has("init_ledger")) s.init_ledger = p->file_path("init_ledger");
    for (auto [key, path] : {std::pair<const char*, std::string*>{"query_path", &s.query_path},
                             {"get_bill_path", &s.get_bill_path}}) {
      *path = p->string_or(key, *path);
      if (path->empty() || (*path)[0] != '/') p->fail(key, "must start with '/'");
    }
    s.platform_client = http::ClientOptions::from_config(*p);
    s.callback_path = p->string_or("callback_path", s.callback_path);
    if (s.callback_path.empty() || s.callback_path[0] != '/') p->fail("callback_path", "must start with '/'");
  }
  if (auto sc = n.optional_object("schedule")) {
    sc->allow_only({"enabled", "time", "lookback_days", "max_lookback_days", "pull_payments", "inputs"});
    s.schedule.enabled = sc->boolean_or("enabled", true);
    std::string t = sc->string_or("time", "06:00");
    if (t.size() != 5 || t[2] != ':' || !isdigit(t[0]) || !isdigit(t[1]) || !isdigit(t[3]) ||
        !isdigit(t[4])) {
      sc->fail("time", "must be HH:MM (Vietnam time), e.g. \"06:00\"");
    }
    s.schedule.hour = (t[0] - '0') * 10 + (t[1] - '0');
    s.schedule.minute = (t[3] - '0') * 10 + (t[4] - '0');
    if (s.schedule.hour > 23 || s.schedule.minute > 59)
      sc->fail("time", "must be a time of day 00:00..23:59");
    s.schedule.lookback_days = static_cast<int>(sc->integer_or("lookback_days", 1, 0, 31));
    s.schedule.max_lookback_days =
        static_cast<int>(sc->integer_or("max_lookback_days", s.schedule.max_lookback_days, 0, 366));
    auto in = sc->object("inputs");
    in.allow_only(
        {"payments", "bank", "treasury", "treasury_api", "obligations", "tax_notices", "tax_vouchers"});
    for (const auto& k : in.keys()) {
      if (k != "treasury_api") s.schedule.inputs[k] = in.file_path(k);
    }
    if (!s.schedule.inputs.count("bank")) in.fail("bank", "is required for scheduled runs");
    if (auto api = in.optional_object("treasury_api"))
      s.schedule.treasury_api = TreasuryApi::from_config(*api);
    bool kb_file = s.schedule.inputs.count("treasury") > 0, kb_api = s.schedule.treasury_api.has_value();
    if (!kb_file && !kb_api) {
      in.fail("treasury",
              "or inputs.treasury_api is required for scheduled runs (the treasury's credit records)");
    }
    if (kb_file && kb_api) {
      in.fail("treasury_api",
              "excludes inputs.treasury: the treasury's credits come either from its API or from a file");
    }
    s.schedule.pull_payments = sc->boolean_or("pull_payments", false);
    if (s.schedule.pull_payments && s.platform_base_url.empty())
      sc->fail("pull_payments", "needs reconciliation.payment_platform.base_url (where QUERY is sent)");
    if (s.schedule.pull_payments && (s.init_ledger.empty() || !s.callback_secret || s.partner_code.empty())) {
      sc->fail("pull_payments",
               "needs reconciliation.payment_platform.init_ledger, secret and partner_code (QUERY is signed "
               "and sent for every open INIT)");
    }
    if (s.schedule.pull_payments && s.schedule.inputs.count("payments"))
      sc->fail("pull_payments",
               "excludes inputs.payments: the portal's transactions come either from the API or from a file");
  }
  return s;
}

Result<Period> scheduled_period(store::Database& db, const Clock& clock,
                                const ReconcileSettings::Schedule& schedule, Day today, size_t* left_out) {
  const Day to = today - schedule.lookback_days;
  const Day floor = to - schedule.max_lookback_days;
  Day from = to;
  size_t dropped = 0;
  RunStore rs(db, clock);
  LT_ASSIGN_OR_RETURN(auto tail, rs.last_of_series(kScheduledSeries));
  if (tail) {
    // Days the previous run did not reach (the service was down) are not skipped.
    from = std::min(from, tail->to + 1);
    for (Day d : tail->pending_days) {
      if (d < floor)
        ++dropped;
      else
        from = std::min(from, d);
    }
  }
  from = std::max(from, floor);
  if (left_out) *left_out = dropped;
  return Period{from, to, today};
}

std::string expand_input_path(std::string path, Day from, Day to) {
  for (auto [key, day] : {std::pair<const char*, Day>{"{from}", from}, {"{to}", to}}) {
    for (size_t at; (at = path.find(key)) != std::string::npos;)
      path.replace(at, std::string(key).size(), vn_time::format_date(day));
  }
  return path;
}

Result<ReconcileOutcome> run_reconciliation(store::Database& db, const Clock& clock,
                                            const ReconcileSettings& settings, const ReconcileRequest& req) {
  if (req.bank.empty()) return make_error(ErrorKind::kValidation, "a run needs at least the bank statement");
  if (req.treasury.empty() == !req.treasury_api.has_value()) {
    return make_error(
        ErrorKind::kValidation,
        req.treasury.empty()
            ? "a run needs the treasury's credit records: a treasury file or the treasury API"
            : "the treasury's credit records come either from a file or from the API, not both");
  }
  if (req.period.from > req.period.to) return make_error(ErrorKind::kValidation, "period: from is after to");
  ReconcileOutcome o;
  // The working days the windows count on, over every day a window can reach from the run.
  reconciliation::Period period = req.period;
  reconciliation::WorkingDays working_days;
  if (settings.calendar) {
    const auto& cal = *settings.calendar;
    working_days = reconciliation::WorkingDays(std::min(period.from, period.as_of) - 180,
                                               std::max(period.to, period.as_of) + 180,
                                               [&](reconciliation::Day d) { return cal.is_working_day(d); });
  }
  period.working_days = &working_days;
  o.info.from = req.period.from;
  o.info.to = req.period.to;
  o.info.as_of = req.period.as_of;
  o.info.series = req.series;
  o.info.rules = settings.rules.fingerprint();
  const std::pair<const char*, const std::string*> inputs[] = {
      {"payments", &req.payments},       {"bank", &req.bank},
      {"treasury", &req.treasury},       {"obligations", &req.obligations},
      {"tax_notices", &req.tax_notices}, {"tax_vouchers", &req.tax_vouchers}};
  for (auto [name, path] : inputs) {
    if (path->empty()) continue;
    LT_ASSIGN_OR_RETURN(auto c, checksum_file(name, *path));
    o.info.inputs.push_back(std::move(c));
  }
  std::string payments = req.payments;
  std::optional<payment_platform::InitLedger> inits;
  Dataset data;
  if (!settings.init_ledger.empty()) {
    if (!settings.callback_secret) {
      return make_error(
          ErrorKind::kConfig,
          "reconciliation.payment_platform.init_ledger needs payment_platform.secret (each INIT "
          "is verified)");
    }
    LT_ASSIGN_OR_RETURN(auto c, checksum_file("inits", settings.init_ledger));
    o.info.inputs.push_back(std::move(c));
    LT_ASSIGN_OR_RETURN(inits, payment_platform::read_init_ledger(settings.init_ledger,
                                                                  settings.callback_secret->reveal(), &data));
  }
  if (req.pull) {
    if (settings.platform_base_url.empty()) {
      return make_error(ErrorKind::kConfig,
                        "--pull needs reconciliation.payment_platform.base_url in the config");
    }
    if (!inits || settings.partner_code.empty()) {
      return make_error(ErrorKind::kConfig,
                        "--pull needs reconciliation.payment_platform.init_ledger, secret and partner_code: "
                        "one signed QUERY is sent for every open INIT");
    }
    if (req.out_dir.empty()) return make_error(ErrorKind::kValidation, "--pull needs an output directory");
    std::error_code ec;
    std::filesystem::create_directories(req.out_dir, ec);
    payments = req.out_dir + "/payments-" + vn_time::format_date(req.period.from) + "_" +
               vn_time::format_date(req.period.to) + ".jsonl";
    http::HttpClient client(settings.platform_client);
    payment_platform::PlatformEndpoint e;
    e.base_url = settings.platform_base_url;
    e.query_path = settings.query_path;
    e.get_bill_path = settings.get_bill_path;
    e.partner_code = settings.partner_code;
    e.secret = settings.callback_secret->reveal();
    if (settings.platform_access_token) e.bearer_token = settings.platform_access_token->reveal();
    e.fetch_receipts = settings.fetch_receipts;
    CallbackInbox inbox(db, clock);
    LT_ASSIGN_OR_RETURN(auto settled, inbox.settled_refs());
    LT_ASSIGN_OR_RETURN(o.pulled, payment_platform::pull_transactions(
                                      client, e, *inits, settled, req.period.from, req.period.to, payments));
    LT_ASSIGN_OR_RETURN(auto c, checksum_file("payments", payments));
    o.info.inputs.insert(o.info.inputs.begin(), std::move(c));
  }
  if (!payments.empty()) LT_TRY(payment_platform::read_transactions(payments, data));
  if (!req.tax_vouchers.empty()) LT_TRY(tax::read_vouchers(req.tax_vouchers, settings.tax_agency, data));
  LT_TRY(bank_statement::read_statement(req.bank, settings.bank, data));
  if (req.treasury_api) {
    const TreasuryApi& api = *req.treasury_api;
    // The engine weighs credits booked up to date_window_days before and settlement_window_days
    // after the period (in_scope), so those are the days to ask for.
    auto [from, to] = reconciliation::record_scope(settings.rules, period);
    http::HttpClient client(api.client);
    treasury::PullOptions po;
    po.base_url = api.url;
    po.token = api.secret.reveal();
    po.page_size = api.page_size;
    LT_ASSIGN_OR_RETURN(auto pulled, treasury::pull_credits(client, po, from, to, data));
    // Recorded where the file's checksum would be (after the bank statement): the same pages
    // give the same run id, so a re-run reuses the run instead of adding rows.
    InputChecksum c{"treasury",
                    api.url + "/chung-tu?TuNgay=" + vn_time::format_date(from) +
                        "&DenNgay=" + vn_time::format_date(to) + "&SoBanGhi=" + std::to_string(api.page_size),
                    pulled.sha256, pulled.bytes};
    auto bank = std::find_if(o.info.inputs.begin(), o.info.inputs.end(),
                             [](const InputChecksum& i) { return i.name == "bank"; });
    o.info.inputs.insert(bank == o.info.inputs.end() ? bank : bank + 1, std::move(c));
  } else {
    LT_TRY(treasury::read_credits(req.treasury, data));
  }
  if (!req.obligations.empty()) LT_TRY(read_obligations_csv(req.obligations, data));
  if (!req.tax_notices.empty()) LT_TRY(tax::read_notices(req.tax_notices, settings.tax_agency, data));
  if (req.include_tax_pushes) {
    // Notices and vouchers DVCQG pushed (stored before they were answered) join the files.
    LT_TRY(db.migrate(tax::push_migrations()));
    tax::PushInbox inbox(db, clock);
    size_t before_obl = data.obligations().size(), before_pay = data.payments().size();
    LT_ASSIGN_OR_RETURN(int64_t added, inbox.load(settings.tax_agency, data));
    if (added > 0) {
      std::string digest;
      for (size_t i = before_obl; i < data.obligations().size(); ++i)
        digest.append("O:")
            .append(data.obligations()[i].ref)
            .append(":" + std::to_string(data.obligations()[i].amount))
            .push_back('\n');
      for (size_t i = before_pay; i < data.payments().size(); ++i)
        digest.append("P:")
            .append(data.payments()[i].ref)
            .append(":" + std::to_string(data.payments()[i].amount))
            .push_back('\n');
      o.info.inputs.push_back({"tax_pushes", "store", sha256_hex(digest), static_cast<uint64_t>(added)});
    }
  }
  if (req.include_callbacks) {
    CallbackInbox inbox(db, clock);
    // A confirmation carries only MaThamChieu: its dossier and agency come from the INIT.
    CallbackInbox::InitLookup lookup;
    if (inits) {
      lookup = [&](std::string_view ref) -> std::optional<std::pair<std::string, std::string>> {
        const auto* i = inits->find(ref);
        if (!i) return std::nullopt;
        return std::make_pair(i->dossier, i->agency);
      };
    }
    LT_ASSIGN_OR_RETURN(int64_t added, inbox.load(req.period.from, req.period.to, data, lookup));
    // Callbacks are inputs too: their content enters the run id so a new one makes a new run.
    if (added > 0) {
      std::string digest;
      for (const auto& p : data.payments()) digest.append(p.ref).push_back('\n');
      o.info.inputs.push_back({"callbacks", "store", sha256_hex(digest), static_cast<uint64_t>(added)});
    }
  }
  o.result = reconcile(data, settings.rules, period);
  RunStore rs(db, clock, settings.refunds_need_approval);
  LT_ASSIGN_OR_RETURN(o.saved, rs.save(o.info, o.result));
  if (!req.out_dir.empty())
    LT_TRY(write_reports(req.out_dir, o.info, o.result, &o.saved, settings.csv_format));
  return o;
}

}  // namespace lienthong::app
