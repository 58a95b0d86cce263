// `lienthong serve`: the daemon. Validates the whole config, opens and migrates the
// store, builds every component, then serves the components' public routes (webhooks,
// callbacks, lookups) on the public listener (server section) and GET /healthz, /readyz,
// /metrics and the operators' routes (KPI) on the admin listener (admin section, loopback
// by default), runs their scheduled jobs (the sync pull every
// sync.interval_seconds) and the outbox workers, until SIGTERM or SIGINT, when it stops
// taking requests, lets running jobs and deliveries finish, and exits.
#include <chrono>
#include <csignal>
#include <iostream>
#include <set>

#include "app/adapters.hpp"
#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/serve_metrics.hpp"
#include "app/service_signals.hpp"
#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/metrics/metrics.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/core/scheduler/scheduler.hpp"
#include "gateway/core/server/admin_listener.hpp"
#include "gateway/core/server/http_server.hpp"

namespace lienthong::app {

namespace {

// Readiness: the store answers and every migration the components declare is applied
// (open_runtime applied them; a store that lost them, or went away, is not ready). The
// same migration may be declared by several components: compared as a set.
server::Response readiness(store::Database& db, const std::set<std::pair<std::string, int64_t>>& expected) {
  auto rows = db.query("SELECT module, version FROM schema_migrations");
  if (!rows.ok()) return server::Response::json(503, "{\"ready\":false,\"reason\":\"store unreachable\"}");
  std::set<std::pair<std::string, int64_t>> applied;
  for (auto& r : *rows) applied.insert({r.str(0), r.i64(1)});
  for (auto& m : expected) {
    if (!applied.count(m))
      return server::Response::json(503, "{\"ready\":false,\"reason\":\"migration " + m.first + " v" +
                                             std::to_string(m.second) + " not applied\"}");
  }
  return server::Response::json(200, "{\"ready\":true}");
}

}  // namespace

void validate_server_section(const ConfigNode& n) {
  (void)server::ServerOptions::from_config(n);
}

void validate_admin_section(const ConfigNode& n) {
  (void)server::AdminOptions::from_config(&n);
}

namespace {

// The citizen lookup audit log's hash chain, verified in the background so that an
// edited or deleted entry raises an alert (lienthong_audit_chain_intact) rather than
// waiting for someone to run `lienthong audit verify`.
Status verify_audit_chain(store::Database& db, const Clock& clock) {
  auto report = audit::AuditLog(db).verify();
  auto& reg = metrics::Registry::global();
  if (!report.ok()) return report.error().context("verifying the citizen lookup audit chain");
  reg.gauge("lienthong_audit_chain_intact", "1 when the last verification found the audit hash chain intact")
      .set(report->intact ? 1 : 0);
  reg.gauge("lienthong_audit_chain_entries", "Entries of the audit log at the last verification")
      .set(static_cast<double>(report->entries));
  reg.gauge("lienthong_audit_chain_last_verification_timestamp_seconds",
            "When the audit chain was last verified, in seconds since the epoch")
      .set(static_cast<double>(clock.now_ms()) / 1000.0);
  if (!report->intact) {
    log::error("audit", "audit_chain_broken", report->detail,
               {{"first_broken_seq", static_cast<long long>(report->first_broken_seq)},
                {"problem", report->problem}});
  }
  return {};
}

}  // namespace

int run_serve(const std::vector<std::string>& argv) {
  static const cli::CommandSpec spec{
      "serve",
      "Runs the gateway: public HTTP endpoints (server section), the admin listener with /metrics, "
      "/healthz, /readyz and /v1/kpi (admin section; 127.0.0.1 by default), scheduled jobs, outbox "
      "workers.",
      "Prints one JSON line {\"listening\":PORT,\"admin\":PORT} on stdout once the ports are open.",
      {cli::config_option()},
      {},
      {}};
  auto parsed = cli::parse(spec, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  // Signals are taken with sigwait(); block them before any thread starts.
  sigset_t signals = block_service_signals();

  Runtime rt = open_runtime(config_path(args));
  ConfigNode root = rt.config->root();
  std::vector<std::unique_ptr<Component>> components;
  std::set<std::pair<std::string, int64_t>> migrations;
  for (auto& spec : component_specs()) {
    if (spec.migrations)
      for (auto& m : spec.migrations()) migrations.insert({m.module, m.version});
    if (!spec.make) continue;
    auto node = root.optional_object(spec.section);
    if (!node) continue;
    auto c = spec.make(rt, *node);
    if (c) components.push_back(std::move(c));
  }
  auto server_node = root.optional_object("server");
  server::ServerOptions options =
      server_node ? server::ServerOptions::from_config(*server_node) : server::ServerOptions{};
  server::HttpServer http(options);
  auto admin_node = root.optional_object("admin");
  server::AdminOptions admin_options = server::AdminOptions::from_config(admin_node ? &*admin_node : nullptr);
  server::HttpServer admin(admin_options.server);
  if (auto guard = server::admin_guard(admin_options.bearer_token)) admin.set_request_guard(std::move(guard));
  store::Database& db = *rt.db;
  admin.route("GET", "/healthz",
              [](server::Request&) { return server::Response::json(200, "{\"status\":\"ok\"}"); });
  admin.route("GET", "/readyz", [&db, &migrations](server::Request&) { return readiness(db, migrations); });
  admin.route("GET", "/metrics", [](server::Request&) {
    return server::Response::text(200, metrics::Registry::global().render(),
                                  "text/plain; version=0.0.4; charset=utf-8");
  });
  scheduler::Scheduler scheduler(*rt.clock);
  outbox::Dispatcher dispatcher(*rt.outbox, *rt.clock);
  for (auto& c : components) {
    c->register_routes(http);
    c->register_admin_routes(admin);
    c->register_jobs(scheduler);
    c->register_destinations(dispatcher);
  }
  register_destination_adapters(rt, dispatcher);
  if (int64_t days = rt.outbox->policy().retention_days; days > 0) {
    // Daily, first a minute after start-up: settled messages older than the retention.
    outbox::Outbox* ob = rt.outbox.get();
    const Clock* clock = rt.clock;
    scheduler.add(
        "outbox-retention", std::chrono::hours(24),
        [ob, clock, days]() -> Status {
          LT_ASSIGN_OR_RETURN(int64_t n, ob->prune(clock->now_ms() - days * 86'400'000LL));
          if (n > 0)
            log::info(
                "outbox", "outbox_pruned", "deleted sent or discarded messages past the retention",
                {{"deleted", static_cast<long long>(n)}, {"retention_days", static_cast<long long>(days)}});
          return {};
        },
        std::chrono::minutes(1));
  }
  if (root.optional_object("citizen_lookup")) {
    const Clock* clock = rt.clock;
    scheduler.add(
        "audit-verify", std::chrono::hours(6), [&db, clock]() { return verify_audit_chain(db, *clock); },
        std::chrono::seconds(5));
  }
  ServeMetrics serve_metrics(db, *rt.outbox, scheduler, *rt.clock, root);
  for (auto& c : components) c->start();
  uint16_t port = http.start();
  uint16_t admin_port = admin.start();
  log::info("serve", "listening", "public and admin listeners open",
            {{"address", options.address},
             {"port", port},
             {"admin_address", admin_options.server.address},
             {"admin_port", admin_port}});
  std::cout << "{\"listening\":" << port << ",\"admin\":" << admin_port << "}" << std::endl;
  scheduler.start();
  const outbox::Policy& policy = rt.outbox->policy();
  dispatcher.start(policy.workers, policy.poll_interval_ms);

  notify_service_manager("READY=1");

  int sig = wait_for_stop(signals, [&] { reload_service(config_path(args)); });
  log::info("serve", "shutting_down", "signal received, shutting down", {{"signal", sig}});
  notify_service_manager("STOPPING=1");
  http.stop();
  admin.stop();
  scheduler.stop();
  dispatcher.stop();
  for (auto it = components.rbegin(); it != components.rend(); ++it) (*it)->stop();
  log::info("serve", "stopped", "stopped");
  return kExitOk;
}

}  // namespace lienthong::app
