// Simulator of the portal's payment platform (docs/contracts/payment_platform.md): answers
// INIT, QUERY and GET_BILL for the transactions of a JSON Lines file (as lienthong-sim
// recon-data writes them), refuses a wrong MaXacThuc with MaLoi "99", signs confirmation
// callbacks the public way, and injects faults (503s).
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
  std::string secret = "sim-secret";
  std::string partner_code = "H12";
  std::string init_path = "/init";
  std::string query_path = "/query";
  std::string get_bill_path = "/get-bill";
  // When set, QUERY and GET_BILL without "Authorization: Bearer <token>" are answered HTTP
  // 401 (no public source: the .NET client's optional AccessToken).
  std::string bearer_token;
};

class PaymentPlatformSim {
 public:
  explicit PaymentPlatformSim(PaymentPlatformSimOptions options);
  ~PaymentPlatformSim();
  uint16_t start();  // returns the bound port
  void stop();
  int64_t requests() const;
  int64_t inits() const;  // INIT messages accepted

  // The signed confirmation callback the platform posts for the transaction with this
  // MaThamChieu; `ma_loi` "00" for a payment made, "99" for a failed one. Empty when unknown.
  std::string confirmation_for(const std::string& partner_ref, const std::string& ma_loi = "00") const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// lienthong-sim payment-platform --data payments.jsonl [--port 0] [--fail-every N] [--secret S]
int run_payment_platform_sim(const std::vector<std::string>& args);

}  // namespace lienthong::sim
