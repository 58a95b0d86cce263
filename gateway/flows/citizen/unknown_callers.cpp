#include "gateway/flows/citizen/unknown_callers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

namespace lienthong::citizen {

std::string source_key(const std::string& source_address) {
  std::string host = source_address;
  in_addr v4{};
  in6_addr v6{};
  auto parses = [&](const std::string& h) {
    return inet_pton(AF_INET, h.c_str(), &v4) == 1 || inet_pton(AF_INET6, h.c_str(), &v6) == 1;
  };
  if (!host.empty() && host.front() == '[') {
    // [v6]:port
    auto close = host.find(']');
    if (close != std::string::npos) host = host.substr(1, close - 1);
  } else if (!parses(host)) {
    auto colon = host.rfind(':');
    if (colon != std::string::npos && colon + 1 < host.size() &&
        host.find_first_not_of("0123456789", colon + 1) == std::string::npos &&
        parses(host.substr(0, colon))) {
      host.resize(colon);
    }
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1 && !IN6_IS_ADDR_V4MAPPED(&v6)) {
    std::fill(v6.s6_addr + 8, v6.s6_addr + 16, 0);
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(AF_INET6, &v6, text, sizeof text);
    return std::string(text) + "/64";
  }
  return host;
}

void UnknownCallerGate::roll(int64_t now_ms) {
  const int64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(options_.window).count();
  if (window_start_ms_ != INT64_MIN && now_ms < window_start_ms_ + window_ms) return;
  for (auto& [key, tally] : callers_) {
    if (tally.refusals > 1) ended_.push_back(std::move(tally));
  }
  callers_.clear();
  per_source_.clear();
  total_ = 0;
  window_start_ms_ = now_ms - ((now_ms % window_ms) + window_ms) % window_ms;
}

UnknownCallerGate::Decision UnknownCallerGate::refuse(const std::string& source_address,
                                                      const std::string& credential) {
  const int64_t now = clock_.now_ms();
  std::lock_guard lock(mu_);
  roll(now);
  const std::string address = source_key(source_address);
  std::string source = address;
  std::string key = source + " " + credential;
  if (!callers_.count(key) && callers_.size() >= options_.max_callers) {
    source = "*";
    key = "*";
  }
  auto [it, fresh] = callers_.try_emplace(key);
  RefusalTally& tally = it->second;
  if (fresh) {
    tally.source = source;
    tally.credential = key == "*" ? "*" : credential;
    tally.window_start_ms = window_start_ms_;
  }
  ++tally.refusals;
  // Addresses are counted apart even when their callers share a tally; beyond
  // kMaxSourcesCounted in a window only the total holds them back.
  int64_t from_source = 0;
  if (auto it_source = per_source_.find(address); it_source != per_source_.end()) {
    from_source = ++it_source->second;
  } else if (per_source_.size() < kMaxSourcesCounted) {
    from_source = per_source_[address] = 1;
  }
  ++total_;
  Decision d;
  d.audit = tally.refusals == 1;
  if (from_source > options_.per_source || total_ > options_.total) {
    d.throttled = true;
    ++tally.throttled;
    d.retry_after_ms = window_start_ms_ +
                       std::chrono::duration_cast<std::chrono::milliseconds>(options_.window).count() - now;
  }
  return d;
}

std::vector<RefusalTally> UnknownCallerGate::take_ended(bool all) {
  std::lock_guard lock(mu_);
  roll(clock_.now_ms());
  if (all) {
    for (auto& [key, tally] : callers_) {
      if (tally.refusals > 1) ended_.push_back(tally);
      tally.refusals = tally.throttled = 0;  // what is taken is not summed twice
    }
  }
  std::vector<RefusalTally> out;
  out.swap(ended_);
  return out;
}

}  // namespace lienthong::citizen
