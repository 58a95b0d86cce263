// The options a simulator was given (parsed by sim_cli.hpp from its declared options), the
// fault-injection options read from them, and the "ready" line tests wait for.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim/common/sim_server.hpp"

namespace lienthong::sim {

class SimArgs {
 public:
  SimArgs() = default;
  explicit SimArgs(std::map<std::string, std::string> values) : values_(std::move(values)) {}
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string str(const std::string& name, const std::string& fallback) const;
  int64_t integer(const std::string& name, int64_t fallback, int64_t min, int64_t max) const;
  double number(const std::string& name, double fallback, double min, double max) const;

  // --latency-ms, --fail-5xx, --timeout-share, --hang-ms, --drop-share,
  // --lost-reply-share, --seed.
  Faults faults() const;

 private:
  std::map<std::string, std::string> values_;
};

// RFC 3986 percent-encoding of a query value (everything but unreserved characters), as
// the senders the push simulators play put a shared code in the query string.
std::string percent_encoded(std::string_view v);

// Prints one JSON line on stdout and flushes it: the simulator is ready.
void print_ready(const std::string& json_line);
// Blocks until SIGINT or SIGTERM (or stdin closes when `stdin_eof` is set).
void wait_for_shutdown_signal();

}  // namespace lienthong::sim
