#include "app/console/console.hpp"

#include "app/console/console_impl.hpp"

namespace lienthong::console {

Console::Console(ConsoleConfig config, ConsoleContext context)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(context))) {}
Console::~Console() = default;

std::vector<store::Migration> Console::migrations() {
  return {{"console", 1,
           "CREATE TABLE console_requests ("
           " id TEXT PRIMARY KEY, action TEXT NOT NULL, record TEXT NOT NULL, dossier TEXT NOT NULL,"
           " reason TEXT NOT NULL, requested_by TEXT NOT NULL, requested_at_ms BIGINT NOT NULL,"
           " state TEXT NOT NULL, decided_by TEXT NOT NULL, decided_at_ms BIGINT NOT NULL,"
           " decision_reason TEXT NOT NULL);"
           "CREATE INDEX console_requests_record ON console_requests (record)"}};
}

server::Response Console::handle(server::Request& req) {
  return impl_->handle(req);
}

Status Console::refresh() {
  return impl_->refresh();
}

int64_t Console::refresh_interval_ms() const {
  return impl_->config.refresh_ms;
}

void Console::background_refresh() {
  impl_->background = true;
}

void Console::register_routes(server::HttpServer& admin) {
  auto h = [this](server::Request& req) { return handle(req); };
  for (const char* p :
       {"/console", "/console/", "/console/login", "/console/assets/{file}", "/console/dossier",
        "/console/outbox", "/console/outbox/{id}", "/console/quarantine", "/console/quarantine/{id}",
        "/console/requests", "/console/reconciliation", "/console/reconciliation/{file}", "/console/kpi",
        "/console/kpi/{file}", "/console/citizen", "/console/refunds/{key}"})
    admin.route("GET", p, h, {64 * 1024});
  for (const char* p : {"/console/login", "/console/logout", "/console/outbox/{id}/{action}",
                        "/console/quarantine/{id}/{action}", "/console/requests/{id}/{action}",
                        "/console/refunds/{key}/{action}"})
    admin.route("POST", p, h, {64 * 1024});
}

}  // namespace lienthong::console
