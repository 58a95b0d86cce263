#include "sim/common/sim_args.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>

namespace lienthong::sim {

namespace {
const std::set<std::string> kFaultKeys = {"latency-ms", "fail-5xx",         "timeout-share", "hang-ms",
                                          "drop-share", "lost-reply-share", "seed"};
}

const char* const kFaultHelp =
    "fault injection (applies to every path except /__sim/*):\n"
    "  --latency-ms N         added latency per request (default 0)\n"
    "  --fail-5xx X           share of requests answered 503 before processing (0..1)\n"
    "  --timeout-share X      share held unanswered for --hang-ms, then closed\n"
    "  --hang-ms N            how long a timed-out request is held (default 3000)\n"
    "  --drop-share X         share whose connection is closed without an answer\n"
    "  --lost-reply-share X   share processed, then closed without an answer\n"
    "  --seed N               seed of the fault and data generators (default 1)\n";

SimArgs SimArgs::parse(const std::vector<std::string>& args) {
  SimArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + a + "'");
    std::string key = a.substr(2);
    size_t eq = key.find('=');
    if (eq != std::string::npos) {
      out.values_[key.substr(0, eq)] = key.substr(eq + 1);
    } else if (key == "help") {
      out.values_[key] = "1";
    } else {
      if (i + 1 >= args.size()) throw std::invalid_argument("option --" + key + " needs a value");
      out.values_[key] = args[++i];
    }
  }
  return out;
}

std::string SimArgs::str(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

int64_t SimArgs::integer(const std::string& name, int64_t fallback, int64_t min, int64_t max) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  size_t used = 0;
  int64_t v = 0;
  try {
    v = std::stoll(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != it->second.size() || v < min || v > max)
    throw std::invalid_argument("--" + name + " expects an integer in [" + std::to_string(min) + ", " +
                                std::to_string(max) + "], got '" + it->second + "'");
  return v;
}

double SimArgs::number(const std::string& name, double fallback, double min, double max) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != it->second.size() || v < min || v > max)
    throw std::invalid_argument("--" + name + " expects a number in [" + std::to_string(min) + ", " +
                                std::to_string(max) + "], got '" + it->second + "'");
  return v;
}

void SimArgs::allow_only(const std::set<std::string>& known) const {
  for (auto& [k, _] : values_) {
    if (k == "help" || known.count(k) || kFaultKeys.count(k)) continue;
    throw std::invalid_argument("unknown option --" + k);
  }
}

Faults SimArgs::faults() const {
  Faults f;
  f.latency_ms = static_cast<int>(integer("latency-ms", 0, 0, 600'000));
  f.fail_5xx = number("fail-5xx", 0, 0, 1);
  f.timeout_share = number("timeout-share", 0, 0, 1);
  f.hang_ms = static_cast<int>(integer("hang-ms", 3000, 0, 600'000));
  f.drop_share = number("drop-share", 0, 0, 1);
  f.lost_reply_share = number("lost-reply-share", 0, 0, 1);
  f.seed = static_cast<uint64_t>(integer("seed", 1, 0, INT64_MAX));
  if (f.fail_5xx + f.timeout_share + f.drop_share + f.lost_reply_share > 1)
    throw std::invalid_argument("the fault shares add up to more than 1");
  return f;
}

void print_ready(const std::string& json_line) {
  std::cout << json_line << std::endl;
}

void wait_for_shutdown_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
}

}  // namespace lienthong::sim
