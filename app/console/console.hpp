// Bảng điều khiển (operator console): server-rendered pages under /console/ on the admin
// listener. It reads the same store the metrics read and acts through the same library
// calls as the CLI (outbox replay/discard, quarantine retry/release); every action is
// appended to the hash-chained audit log under the record it touched. Plain C++ (no
// Beast): handle() takes a Request and answers a Response, which the tests call directly.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/console/console_config.hpp"
#include "app/console/sessions.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/kpi/indicators.hpp"
#include "gateway/flows/kpi/monitors.hpp"

namespace lienthong {
class Clock;
}
namespace lienthong::outbox {
class Outbox;
}
namespace lienthong::webhooks {
struct WebhooksConfig;
}

namespace lienthong::console {

struct ConsoleContext {
  store::Database* db = nullptr;
  outbox::Outbox* outbox = nullptr;
  const Clock* clock = nullptr;
  // The webhooks section, for quarantine retry; null when not configured (retry refused).
  std::shared_ptr<const webhooks::WebhooksConfig> webhooks;
  bool secure_cookies = false;  // the admin listener speaks TLS
  // Every indicator for a period, by agency or by level (and the total): the KPI flow's
  // compute_kpi with the catalogue and targets of the kpi section (wired by the app);
  // empty without one.
  std::function<Result<kpi::KpiReport>(const kpi::Period&, kpi::GroupBy)> kpi;
  // The late-dossier register and the online dossiers not acknowledged in time, received
  // in [from_ms, to_ms): the KPI flow's monitors with the configured working calendar.
  // Empty when the calendar cannot be built; monitors_problem then says why.
  std::function<Result<std::vector<kpi::LateFinding>>(int64_t from_ms, int64_t to_ms)> late_dossiers;
  std::function<Result<std::vector<kpi::AckFinding>>(int64_t from_ms, int64_t to_ms)> unacknowledged_online;
  std::string monitors_problem;
  // reconciliation.refund_approval is "four_eyes" (its default): a due refund is instructed only after
  // an operator asks and an approver approves here (RunStore::approve_refund).
  bool refund_approval = false;
  int ack_working_hours = 8;
  // Certificate files the configuration names, (where, file): their expiry on the overview.
  std::vector<std::pair<std::string, std::string>> certificates;
};

class Console {
 public:
  Console(ConsoleConfig config, ConsoleContext context);
  ~Console();
  static std::vector<store::Migration> migrations();

  server::Response handle(server::Request& req);
  // Every /console/ route on `admin`, each answered by handle().
  void register_routes(server::HttpServer& admin);

  // Computes ahead what the heavy pages show, so that a view only reads it: the KPI of
  // the current month, its twelve-month trend and its late and unacknowledged registers,
  // the citizen-lookup counts of the finished days, and (at most hourly) the whole
  // audit-chain check. `serve` runs it every `console.refresh_minutes` (the
  // "console-refresh" job) after calling background_refresh(); without that, a page
  // computes what it lacks itself, as the tests and the benchmark's cold column do.
  Status refresh();
  void background_refresh();
  int64_t refresh_interval_ms() const;  // console.refresh_minutes

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The embedded stylesheet and script (app/console/assets/, compiled into the binary so
// that the console needs no file and no network beside the gateway).
std::string_view asset_css();
std::string_view asset_js();
std::string_view asset_icon();  // favicon.svg

}  // namespace lienthong::console
