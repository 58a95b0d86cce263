// A small closed-loop HTTP/1.1 load generator over loopback: `connections` threads, each
// with one keep-alive connection, send requests made by `make` as fast as answers come
// back, for `duration`. Plain sockets so that client cost is the same for every target.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace lienthong::bench {

struct LoadResult {
  int64_t requests = 0;
  int64_t ok = 0;      // 2xx
  int64_t errors = 0;  // non-2xx or transport failures
  double seconds = 0;
  double ok_per_second() const { return seconds > 0 ? ok / seconds : 0; }
};

// `make(thread, n)` returns the complete request bytes for request n of that thread.
LoadResult run_load(uint16_t port, int connections, std::chrono::milliseconds duration,
                    const std::function<std::string(int thread, int64_t n)>& make);

}  // namespace lienthong::bench
