#include "sim/common/sim_args.hpp"

#include <cctype>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace lienthong::sim {

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

std::string percent_encoded(std::string_view v) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace lienthong::sim
