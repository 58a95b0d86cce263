// Simulator of the State Treasury's (KBNN) credit-record API: serves, page by page and behind
// a bearer token, the <ChungTu> records of a treasury.xml export (as lienthong-sim recon-data
// writes it), each page a <DuLieuKhoBac> document of the same format, with injectable faults.
// Records are served byte for byte, so a run fed by the API reads what a run fed by the file
// reads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lienthong::sim {

struct TreasurySimOptions {
  std::string data_file;  // treasury.xml
  std::string token;      // the bearer token every request must present (401 otherwise)
  uint16_t port = 0;
  int fail_every = 0;      // every Nth authorised request answers 503 (0: never)
  int malformed_page = 0;  // this page is answered cut off before </DuLieuKhoBac> (0: none)
};

class TreasurySim {
 public:
  // Reads the export; throws std::runtime_error when it cannot be read or has no <DuLieuKhoBac>.
  explicit TreasurySim(TreasurySimOptions options);
  ~TreasurySim();
  uint16_t start();  // returns the bound port
  void stop();
  int64_t requests() const;  // page requests answered, refused ones included
  size_t records() const;    // <ChungTu> records loaded

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// lienthong-sim treasury --data treasury.xml --token-env NAME [--port 0] [--fail-every N]
//   [--malformed-page P]
int run_treasury_sim(const std::vector<std::string>& args);

}  // namespace lienthong::sim
