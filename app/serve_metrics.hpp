// What `serve` exposes on /metrics beyond the counters the flows keep: figures read from
// the store at scrape time (so they agree with the CLI at the same moment: `outbox
// counts`, `quarantine count`), the scheduler's jobs, the store's size, the certificates
// in use and the build. Installed once by serve; removed when it stops.
#pragma once

#include <vector>

#include "gateway/core/config/config.hpp"

namespace lienthong::store {
class Database;
}
namespace lienthong::outbox {
class Outbox;
}
namespace lienthong::scheduler {
class Scheduler;
}
namespace lienthong {
class Clock;
}

namespace lienthong::app {

class ServeMetrics {
 public:
  ServeMetrics(store::Database& db, outbox::Outbox& outbox, const scheduler::Scheduler& scheduler,
               const Clock& clock, const ConfigNode& root);
  ~ServeMetrics();  // removes its collectors
  ServeMetrics(const ServeMetrics&) = delete;
  ServeMetrics& operator=(const ServeMetrics&) = delete;

 private:
  std::vector<int> collectors_;
};

// Certificate files the configuration names (server, admin, clients of the adapters):
// every "cert_file" and "client_cert_file" key, labelled by where it sits ("server.tls").
std::vector<std::pair<std::string, std::string>> configured_certificates(const ConfigNode& root);

}  // namespace lienthong::app
