// Command-line options shared by the simulators: `--key value` / `--key=value`, the
// fault-injection flags every simulator accepts, and the "ready" line tests wait for.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/common/sim_server.hpp"

namespace lienthong::sim {

class SimArgs {
 public:
  // Throws std::invalid_argument on a malformed command line.
  static SimArgs parse(const std::vector<std::string>& args);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string str(const std::string& name, const std::string& fallback) const;
  int64_t integer(const std::string& name, int64_t fallback, int64_t min, int64_t max) const;
  double number(const std::string& name, double fallback, double min, double max) const;
  // Refuses options not in `known` nor among the fault options (typos).
  void allow_only(const std::set<std::string>& known) const;

  // --latency-ms, --fail-5xx, --timeout-share, --hang-ms, --drop-share,
  // --lost-reply-share, --seed.
  Faults faults() const;

 private:
  std::map<std::string, std::string> values_;
};

extern const char* const kFaultHelp;

// Prints one JSON line on stdout and flushes it: the simulator is ready.
void print_ready(const std::string& json_line);
// Blocks until SIGINT or SIGTERM (or stdin closes when `stdin_eof` is set).
void wait_for_shutdown_signal();

}  // namespace lienthong::sim
