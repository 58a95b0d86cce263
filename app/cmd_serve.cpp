// `lienthong serve`: the daemon. Validates the whole config, opens and migrates the
// store, builds every component, then serves GET /healthz, /readyz and /metrics plus the
// components' routes, runs their scheduled jobs (the sync pull every
// sync.interval_seconds) and the outbox workers, until SIGTERM or SIGINT, when it stops
// taking requests, lets running jobs and deliveries finish, and exits.
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <iostream>
#include <set>

#include "app/commands.hpp"
#include "app/service_signals.hpp"
#include "gateway/core/metrics/metrics.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/core/scheduler/scheduler.hpp"
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

int run_serve(const std::vector<std::string>& argv) {
  Args args = Args::parse(argv, {"help"});
  if (args.flag("help")) {
    std::cout << "usage: lienthong serve [--config FILE]\n"
                 "Runs the gateway: HTTP endpoints (server section), scheduled jobs, outbox workers.\n"
                 "Prints one JSON line {\"listening\":PORT} on stdout once the port is open.\n";
    return kExitOk;
  }
  args.allow_only({"help", "config"});
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
  store::Database& db = *rt.db;
  http.route("GET", "/healthz",
             [](server::Request&) { return server::Response::json(200, "{\"status\":\"ok\"}"); });
  http.route("GET", "/readyz", [&db, &migrations](server::Request&) { return readiness(db, migrations); });
  http.route("GET", "/metrics", [](server::Request&) {
    return server::Response::text(200, metrics::Registry::global().render(),
                                  "text/plain; version=0.0.4; charset=utf-8");
  });
  scheduler::Scheduler scheduler(*rt.clock);
  outbox::Dispatcher dispatcher(*rt.outbox, *rt.clock);
  for (auto& c : components) {
    c->register_routes(http);
    c->register_jobs(scheduler);
    c->register_destinations(dispatcher);
  }
  if (int64_t days = rt.outbox->policy().retention_days; days > 0) {
    // Daily, first a minute after start-up: settled messages older than the retention.
    outbox::Outbox* ob = rt.outbox.get();
    const Clock* clock = rt.clock;
    scheduler.add(
        "outbox-retention", std::chrono::hours(24),
        [ob, clock, days]() -> Status {
          LT_ASSIGN_OR_RETURN(int64_t n, ob->prune(clock->now_ms() - days * 86'400'000LL));
          if (n > 0)
            spdlog::info("outbox: deleted {} sent or discarded messages older than {} days", n, days);
          return {};
        },
        std::chrono::minutes(1));
  }
  for (auto& c : components) c->start();
  uint16_t port = http.start();
  spdlog::info("serve: listening on {}:{}", options.address, port);
  std::cout << "{\"listening\":" << port << "}" << std::endl;
  scheduler.start();
  const outbox::Policy& policy = rt.outbox->policy();
  dispatcher.start(policy.workers, policy.poll_interval_ms);

  notify_service_manager("READY=1");

  int sig = wait_for_stop(signals, [] { reload_service(); });
  spdlog::info("serve: signal {} received, shutting down", sig);
  notify_service_manager("STOPPING=1");
  http.stop();
  scheduler.stop();
  dispatcher.stop();
  for (auto it = components.rbegin(); it != components.rend(); ++it) (*it)->stop();
  spdlog::info("serve: stopped");
  return kExitOk;
}

}  // namespace lienthong::app
