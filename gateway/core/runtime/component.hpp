// A component is one flow or service of the daemon (sync, webhooks, reconciliation,
// citizen lookup, KPI...). Components are listed explicitly, once, in components.cpp
// (as userver's main appends components); a duplicate name is a start-up error.
// Each owns one top-level config section, validates it fully in `validate`, and
// contributes migrations, HTTP routes, scheduled jobs and outbox destinations.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/config/config.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::server {
class HttpServer;
}
namespace lienthong::outbox {
class Outbox;
class Dispatcher;
}  // namespace lienthong::outbox
namespace lienthong::scheduler {
class Scheduler;
}
namespace lienthong {
class Clock;
}

namespace lienthong::app {

struct Runtime;

class Component {
 public:
  virtual ~Component() = default;
  // Routes outside parties call (webhooks, callbacks, lookups): the public listener.
  virtual void register_routes(server::HttpServer&) {}
  // Routes for operators and their tools (KPI API): the admin listener.
  virtual void register_admin_routes(server::HttpServer&) {}
  virtual void register_jobs(scheduler::Scheduler&) {}
  virtual void register_destinations(outbox::Dispatcher&) {}
  virtual void start() {}
  virtual void stop() {}
};

struct ComponentSpec {
  std::string section;  // top-level config key, e.g. "sync"
  // Throws ConfigError naming the key; must not open ports, files for writing, or the store.
  std::function<void(const ConfigNode&)> validate;
  std::function<std::vector<store::Migration>()> migrations;
  // Builds the component from its (already validated) section. May be empty or return
  // nullptr: the spec then only contributes validation and migrations (e.g. "outbox").
  std::function<std::unique_ptr<Component>(Runtime&, const ConfigNode&)> make;
  // Optional: checks that need other sections (e.g. sync's adapters are configured);
  // called with the root after every section validated. Throws ConfigError.
  std::function<void(const ConfigNode& root)> cross_check;
};

// The explicit list (components.cpp).
std::vector<ComponentSpec> component_specs();

}  // namespace lienthong::app
