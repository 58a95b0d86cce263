#include "app/serve_metrics.hpp"

#include <map>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/metrics/metrics.hpp"
#include "gateway/core/metrics/process_metrics.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/scheduler/scheduler.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::app {

namespace {

bool table_exists(store::Database& db, const std::string& table) {
  auto rows = db.backend() == "postgres"
                  ? db.query("SELECT 1 FROM information_schema.tables WHERE table_name = ?", {table})
                  : db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {table});
  return rows.ok() && !rows->empty();
}

// A store error aborts the collector (its families are left out of that scrape and
// lienthong_metrics_collector_errors_total counts it): a missing figure, never a wrong 0.
store::Rows must(Result<store::Rows> r, const char* what) {
  if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.error().message);
  return std::move(r).value();
}

void collect_outbox(store::Database& db, outbox::Outbox& ob, const Clock& clock, metrics::Exposition& e) {
  const int64_t now = clock.now_ms();
  e.describe("lienthong_outbox_messages", "Outbox messages by destination and state", "gauge");
  e.describe("lienthong_outbox_oldest_pending_age_seconds", "Age of the oldest pending message, in seconds",
             "gauge");
  auto dests = must(db.query("SELECT DISTINCT destination FROM outbox"), "outbox destinations");
  for (auto& d : dests) {
    const std::string dest = d.str(0);
    auto c = ob.counts(dest);
    if (!c.ok()) throw std::runtime_error("outbox counts: " + c.error().message);
    auto extra = must(db.query("SELECT COUNT(CASE WHEN lease_until_ms > ? THEN 1 END), MIN(created_at_ms) "
                               "FROM outbox WHERE destination = ? AND state = 'pending'",
                               {now, dest}),
                      "outbox pending");
    const int64_t leased = extra.empty() || extra[0].is_null(0) ? 0 : extra[0].i64(0);
    const char* help =
        "Outbox messages by destination and state (as `lienthong outbox counts`); leased and "
        "blocked are pending messages being delivered or held behind a dead letter";
    e.gauge("lienthong_outbox_messages", help, {{"destination", dest}, {"state", "pending"}},
            static_cast<double>(c->pending));
    e.gauge("lienthong_outbox_messages", help, {{"destination", dest}, {"state", "leased"}},
            static_cast<double>(leased));
    e.gauge("lienthong_outbox_messages", help, {{"destination", dest}, {"state", "dead"}},
            static_cast<double>(c->dead));
    e.gauge("lienthong_outbox_messages", help, {{"destination", dest}, {"state", "blocked"}},
            static_cast<double>(c->blocked));
    e.gauge("lienthong_outbox_messages", help, {{"destination", dest}, {"state", "sent"}},
            static_cast<double>(c->sent));
    const double age = extra.empty() || extra[0].is_null(1)
                           ? 0.0
                           : static_cast<double>(std::max<int64_t>(0, now - extra[0].i64(1))) / 1000.0;
    e.gauge("lienthong_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending message of a destination, in seconds (0: none pending)",
            {{"destination", dest}}, age);
  }
}

void collect_store(store::Database& db, const Clock& clock, metrics::Exposition& e) {
  e.gauge("lienthong_store_size_bytes",
          "Size of the store (SQLite: database file plus WAL; PostgreSQL: database)",
          {{"backend", std::string(db.backend())}}, static_cast<double>(db.size_bytes()));
  if (int64_t wal = db.wal_bytes(); wal >= 0)
    e.gauge("lienthong_store_wal_bytes", "Size of the store's write-ahead log not yet checkpointed (SQLite)",
            {{"backend", std::string(db.backend())}}, static_cast<double>(wal));
  if (table_exists(db, "quarantine")) {
    e.describe("lienthong_quarantine_open_records", "Records held in quarantine and not released", "gauge");
    auto rows = must(db.query("SELECT source, reason_kind, COUNT(*) FROM quarantine WHERE released_at_ms = 0 "
                              "GROUP BY source, reason_kind"),
                     "quarantine");
    for (auto& r : rows)
      e.gauge(
          "lienthong_quarantine_open_records",
          "Records held in quarantine and not released (as `lienthong quarantine count`), by source and kind",
          {{"source", r.str(0)}, {"kind", r.str(1)}}, static_cast<double>(r.i64(2)));
  }
  if (table_exists(db, "sync_cursors")) {
    e.describe("lienthong_sync_cursor_updated_timestamp_seconds", "When the source's cursor last moved",
               "gauge");
    auto rows = must(db.query("SELECT source, updated_at_ms FROM sync_cursors"), "sync cursors");
    for (auto& r : rows)
      e.gauge(
          "lienthong_sync_cursor_updated_timestamp_seconds",
          "When the source's cursor last moved (records last pulled and stored), in seconds since the epoch",
          {{"source", r.str(0)}}, static_cast<double>(r.i64(1)) / 1000.0);
  }
  if (table_exists(db, "recon_runs")) {
    e.describe("lienthong_reconciliation_last_run_timestamp_seconds",
               "When the last reconciliation run was stored", "gauge");
    e.describe("lienthong_reconciliation_exceptions", "Exceptions of the last reconciliation run, by reason",
               "gauge");
    auto last =
        must(db.query("SELECT id, created_at_ms FROM recon_runs ORDER BY created_at_ms DESC, seq DESC "
                      "LIMIT 1"),
             "reconciliation runs");
    if (!last.empty()) {
      e.gauge("lienthong_reconciliation_last_run_timestamp_seconds",
              "When the last stored reconciliation run (scheduled or from the CLI) was recorded, in seconds "
              "since "
              "the epoch",
              {}, static_cast<double>(last[0].i64(1)) / 1000.0);
      auto items = must(db.query("SELECT reason, COUNT(*) FROM recon_items WHERE run_id = ? GROUP BY reason",
                                 {last[0].str(0)}),
                        "reconciliation items");
      for (auto& r : items)
        e.gauge("lienthong_reconciliation_exceptions", "Exceptions of the last reconciliation run, by reason",
                {{"reason", r.str(0)}}, static_cast<double>(r.i64(1)));
    }
    auto refunds = must(db.query("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM recon_refunds "
                                 "WHERE state <> 'refunded'"),
                        "reconciliation refunds");
    if (!refunds.empty()) {
      e.gauge("lienthong_reconciliation_refunds_outstanding", "Refunds opened and not yet refunded", {},
              static_cast<double>(refunds[0].i64(0)));
      e.gauge("lienthong_reconciliation_refunds_outstanding_vnd",
              "Amount of the refunds not yet refunded, in đồng", {}, static_cast<double>(refunds[0].i64(1)));
    }
  }
  (void)clock;
}

void collect_scheduler(const scheduler::Scheduler& s, metrics::Exposition& e) {
  for (const auto& j : s.stats()) {
    const metrics::Labels job{{"job", j.name}};
    e.counter("lienthong_scheduler_runs_total", "Completed runs of a scheduled job, failed ones included",
              job, static_cast<double>(j.runs));
    e.counter("lienthong_scheduler_failures_total", "Failed runs of a scheduled job", job,
              static_cast<double>(j.failures));
    e.counter("lienthong_scheduler_skipped_total", "Runs skipped because the previous one was still going",
              job, static_cast<double>(j.skipped));
    if (j.last_success_ms > 0)
      e.gauge("lienthong_scheduler_last_success_timestamp_seconds",
              "End of a job's last successful run, in seconds since the epoch", job,
              static_cast<double>(j.last_success_ms) / 1000.0);
    if (j.last_failure_ms > 0)
      e.gauge("lienthong_scheduler_last_failure_timestamp_seconds",
              "End of a job's last failed run, in seconds since the epoch", job,
              static_cast<double>(j.last_failure_ms) / 1000.0);
    e.gauge("lienthong_scheduler_job_running", "1 while a job runs", job, j.running ? 1 : 0);
  }
}

void find_certificates(const ConfigNode& node, const std::string& where,
                       std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& key : node.keys()) {
    const auto& v = node.raw()[key.c_str()];
    const std::string here = where.empty() ? key : where + "." + key;
    if (v.IsObject()) {
      find_certificates(node.object(key), here, out);
    } else if (v.IsString() && (key == "cert_file" || key == "client_cert_file")) {
      out.emplace_back(where, node.file_path(key));
    } else if (v.IsArray()) {
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        if (!v[i].IsObject()) continue;
        ConfigNode child(&v[i], node.key_path(key) + "[" + std::to_string(i) + "]", node.resolve_path("."));
        find_certificates(child, here + "[" + std::to_string(i) + "]", out);
      }
    }
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> configured_certificates(const ConfigNode& root) {
  std::vector<std::pair<std::string, std::string>> out;
  find_certificates(root, "", out);
  return out;
}

ServeMetrics::ServeMetrics(store::Database& db, outbox::Outbox& outbox, const scheduler::Scheduler& scheduler,
                           const Clock& clock, const ConfigNode& root) {
  auto& reg = metrics::Registry::global();
  collectors_.push_back(
      metrics::install_process_metrics(reg, LIENTHONG_BUILD_VERSION, LIENTHONG_BUILD_COMMIT));
  collectors_.push_back(reg.add_collector(
      "outbox", [&db, &outbox, &clock](metrics::Exposition& e) { collect_outbox(db, outbox, clock, e); }));
  collectors_.push_back(
      reg.add_collector("store", [&db, &clock](metrics::Exposition& e) { collect_store(db, clock, e); }));
  collectors_.push_back(reg.add_collector(
      "scheduler", [&scheduler](metrics::Exposition& e) { collect_scheduler(scheduler, e); }));
  std::vector<metrics::CertificateInUse> certs;
  for (auto& [use, file] : configured_certificates(root)) certs.push_back({use, file});
  if (!certs.empty()) collectors_.push_back(metrics::install_certificate_metrics(reg, std::move(certs)));
}

ServeMetrics::~ServeMetrics() {
  for (int id : collectors_) metrics::Registry::global().remove_collector(id);
}

}  // namespace lienthong::app
