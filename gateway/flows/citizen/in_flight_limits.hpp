// Caps on lookups in flight to the population database, per account, per agency (đơn vị)
// and in total. A slot is taken before the call, under one lock, and given back when the
// answer (or the failure) is in, so the caps hold with any number of server threads.
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace lienthong::citizen {

struct InFlightOptions {
  int per_account = 4;
  int per_agency = 16;
  int total = 32;
};

class InFlightLimits {
 public:
  explicit InFlightLimits(InFlightOptions options) : options_(options) {}

  // Takes one slot for the account and its agency; on refusal returns the cap that was
  // full ("account", "agency" or "total") and takes nothing.
  const char* try_enter(const std::string& account, const std::string& agency);
  void leave(const std::string& account, const std::string& agency);
  int in_flight() const;

 private:
  InFlightOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, int> by_account_, by_agency_;
  int total_ = 0;
};

}  // namespace lienthong::citizen
