// What every command shares: the validated config, the store with all migrations
// applied, the outbox and the clock.
#pragma once

#include <memory>
#include <string>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/component.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::app {

struct Runtime {
  std::shared_ptr<ConfigFile> config;
  std::unique_ptr<store::Database> db;
  const Clock* clock = &SystemClock::instance();
  std::unique_ptr<outbox::Outbox> outbox;  // policy from the "outbox" section
};

// The three functions below are defined in app/runtime.cpp (they need the component list).

// --config FILE, else $LIENTHONG_CONFIG, else ./lienthong.json.
std::string config_path(const Args& args);

// Validates the whole file: unknown top-level sections and every component's section.
// Throws ConfigError.
std::shared_ptr<ConfigFile> check_config(const std::string& file);

// check_config + logging + store opened and migrated.
Runtime open_runtime(const std::string& file);

}  // namespace lienthong::app
