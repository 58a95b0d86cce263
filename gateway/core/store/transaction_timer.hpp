// lienthong_store_transaction_duration_seconds: the time of one outermost transaction,
// from BEGIN to the end of its COMMIT or ROLLBACK (not the wait for the connection's lock).
#pragma once

#include <chrono>

#include "gateway/core/metrics/metrics.hpp"

namespace lienthong::store {

// The series of one backend; looked up once per backend (a registry lookup takes a lock).
inline metrics::Histogram& transaction_histogram(const char* backend) {
  return metrics::Registry::global().histogram(
      "lienthong_store_transaction_duration_seconds",
      "Store transactions from BEGIN to the end of COMMIT or ROLLBACK, in seconds", {{"backend", backend}},
      metrics::kLocalBuckets);
}

class TransactionTimer {
 public:
  explicit TransactionTimer(metrics::Histogram& histogram) : histogram_(histogram) {}
  ~TransactionTimer() {
    histogram_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  }
  TransactionTimer(const TransactionTimer&) = delete;
  TransactionTimer& operator=(const TransactionTimer&) = delete;

 private:
  metrics::Histogram& histogram_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace lienthong::store
