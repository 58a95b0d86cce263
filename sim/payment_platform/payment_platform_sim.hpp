// Simulator of the portal's payment platform API: serves, page by page, the transactions of
// a JSON Lines file (as lienthong-sim recon-data writes them), with injectable faults.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lienthong::sim {

struct PaymentPlatformSimOptions {
  std::string data_file;  // payments.jsonl
  uint16_t port = 0;
  int fail_every = 0;  // every Nth request answers 503 (0: never)
};

class PaymentPlatformSim {
 public:
  explicit PaymentPlatformSim(PaymentPlatformSimOptions options);
  ~PaymentPlatformSim();
  uint16_t start();  // returns the bound port
  void stop();
  int64_t requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// lienthong-sim payment-platform --data payments.jsonl [--port 0] [--fail-every N]
int run_payment_platform_sim(const std::vector<std::string>& args);

}  // namespace lienthong::sim
