#include "gateway/flows/webhooks/webhooks_component.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "gateway/core/common/log.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/mapping/mapping.hpp"
#include "gateway/core/metrics/metrics.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/core/scheduler/scheduler.hpp"
#include "gateway/flows/webhooks/notify_destination.hpp"
#include "gateway/flows/webhooks/procedure_codes.hpp"
#include "gateway/flows/webhooks/record_kind.hpp"
#include "gateway/flows/webhooks/webhook_receiver.hpp"
#include "gateway/flows/webhooks/webhook_routes.hpp"

namespace lienthong::webhooks {

namespace {

void validate_notify(const ConfigNode& section) {
  if (auto n = section.optional_object("notify")) {
    std::vector<std::string> keys = http::ClientOptions::config_keys();
    keys.push_back("url");
    n->allow_only(keys);
    (void)http::ClientOptions::from_config(*n);
  }
}

void validate(const ConfigNode& section, const RecordKinds* kinds) {
  WebhooksConfig c = parse_config(section);
  validate_notify(section);
  // The files must load now, not at the first push.
  for (const auto& s : c.sources) {
    if (!s.record_kind.empty()) {
      if (!kinds || !kinds->find(s.record_kind)) {
        throw ConfigError("webhooks.sources." + s.id + ".record_kind: no record kind '" + s.record_kind +
                          "' is available in this build (land_tax_notice, land_tax_voucher)");
      }
      continue;
    }
    auto m = mapping::Mapping::load_file(s.mapping_file);
    if (!m.ok()) throw ConfigError("webhooks.sources." + s.id + ".mapping: " + m.error().message);
    if (!s.procedure_codes_file.empty()) {
      auto t = ProcedureCodeTable::load_file(s.procedure_codes_file);
      if (!t.ok()) throw ConfigError("webhooks.sources." + s.id + ".procedure_codes: " + t.error().message);
    }
  }
}

std::vector<store::Migration> migrations(const RecordKinds* kinds) {
  // The shared tables are listed again so that webhooks work on their own; the store
  // applies each (module, version) once.
  std::vector<store::Migration> all = WebhookReceiver::migrations();
  if (kinds) {
    auto k = kinds->migrations();
    all.insert(all.end(), k.begin(), k.end());
  }
  for (auto& v : {dossiers::DossierStore::migrations(), dossiers::Quarantine::migrations()}) {
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

int64_t high_water_mark(const app::Runtime& rt) {
  auto store = rt.config->root().optional_object("store");
  return store ? store->integer_or("high_water_mark_bytes", 0, 0, INT64_MAX) : 0;
}

void journal_defaults(const app::Runtime& rt, WebhooksConfig& c) {
  apply_store_defaults(c, rt.config->root().optional_object("store"));
}

class WebhooksComponent final : public app::Component {
 public:
  WebhooksComponent(app::Runtime& rt, const ConfigNode& section, std::shared_ptr<const RecordKinds> kinds,
                    const dossiers::EventDestinations* destinations)
      : clock_(*rt.clock), kinds_(std::move(kinds)) {
    WebhooksConfig c = parse_config(section);
    journal_defaults(rt, c);
    retention_days_ = c.receipt_retention_days;
    if (c.notify_url) {
      notify_ = std::make_unique<NotifyDestination>(
          *c.notify_url, http::ClientOptions::from_config(section.object("notify")));
    }
    receiver_ = std::make_unique<WebhookReceiver>(std::move(c), *rt.db, *rt.outbox, *rt.clock,
                                                  high_water_mark(rt), nullptr, kinds_.get(), destinations);
  }
  void register_routes(server::HttpServer& server) override { webhooks::register_routes(server, *receiver_); }
  void register_destinations(outbox::Dispatcher& dispatcher) override {
    if (notify_) dispatcher.add(*notify_);
  }
  void register_jobs(scheduler::Scheduler& scheduler) override {
    // Also moves when no request comes in (the applier catching up).
    scheduler.add(
        "webhook-intake-backlog", std::chrono::seconds(10),
        [this]() -> Status {
          metrics::Registry::global()
              .gauge("lienthong_webhooks_intake_backlog",
                     "Accepted webhook deliveries not yet applied to the store")
              .set(static_cast<double>(receiver_->backlog()));
          metrics::Registry::global()
              .gauge("lienthong_webhooks_applier_lag_seconds",
                     "How long the oldest accepted webhook delivery not yet applied to the store has waited")
              .set(receiver_->applier_lag_seconds(clock_.now_ms()));
          return {};
        },
        std::chrono::seconds(10));
    if (retention_days_ == 0) return;
    // Daily, first a minute after start-up.
    scheduler.add(
        "webhook-receipts-retention", std::chrono::hours(24),
        [this]() -> Status {
          int64_t cutoff = clock_.now_ms() - retention_days_ * 86'400'000LL;
          LT_ASSIGN_OR_RETURN(int64_t n, receiver_->prune_receipts(cutoff));
          if (n > 0)
            log::info("webhooks", "receipts_pruned", "deleted receipts past the retention",
                      {{"deleted", static_cast<long long>(n)},
                       {"retention_days", static_cast<long long>(retention_days_)}});
          return {};
        },
        std::chrono::minutes(1));
  }

 private:
  const Clock& clock_;
  std::shared_ptr<const RecordKinds> kinds_;
  int64_t retention_days_ = 0;
  std::unique_ptr<NotifyDestination> notify_;
  std::unique_ptr<WebhookReceiver> receiver_;
};

}  // namespace

app::ComponentSpec component_spec(std::shared_ptr<const RecordKinds> kinds, DestinationsOf destinations) {
  app::ComponentSpec spec;
  spec.section = "webhooks";
  spec.validate = [kinds](const ConfigNode& section) { validate(section, kinds.get()); };
  spec.migrations = [kinds] { return migrations(kinds.get()); };
  spec.make = [kinds, destinations](app::Runtime& rt,
                                    const ConfigNode& section) -> std::unique_ptr<app::Component> {
    return std::make_unique<WebhooksComponent>(rt, section, kinds, destinations ? destinations(rt) : nullptr);
  };
  return spec;
}

}  // namespace lienthong::webhooks
