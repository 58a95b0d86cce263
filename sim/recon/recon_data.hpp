// Consistent reconciliation inputs of any size with a known, injected set of discrepancies:
// the portal's payments (JSON Lines), the bank statement (CSV with BOM and Vietnamese
// headers), the State Treasury export (XML) and the obligations (CSV), plus manifest.json
// listing every injected discrepancy as {key, reason}. Everything is streamed to disk, so
// 10 million rows per source cost little memory. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lienthong::sim {

struct ReconDataOptions {
  int64_t size = 1000;  // baseline transactions (each on every side)
  uint64_t seed = 1;
  int64_t discrepancies = 20;  // injected, spread over the classes in turn
  int64_t malformed = 0;       // malformed rows injected into the bank CSV and treasury XML
  std::string out_dir;
  std::string from = "2026-11-01";  // period start (YYYY-MM-DD)
  int days = 10;                    // period length; as_of is the day after the period
  int settlement_window_days = 3;
  int date_window_days = 1;
  int64_t tax = 0;                    // land-tax obligations relayed by the portal (notices + vouchers)
  bool sqlite_csv = false;            // also write payments.csv / treasury.csv for the sqlite baseline
  std::string secret = "sim-secret";  // MaXacThuc of the INIT ledger (inits.jsonl)
};

struct ExpectedItem {
  std::string key;
  std::string reason;
};

struct ReconDataManifest {
  std::string from, to, as_of;
  std::vector<ExpectedItem> expected;                       // every item that is not "matched"
  std::vector<std::pair<std::string, uint32_t>> malformed;  // file name, line
  int64_t matched = 0;
  uint64_t input_bytes = 0;
};

// Writes payments.jsonl, inits.jsonl (the one-stop-shop's signed INIT messages, one per
// payment), bank.csv, treasury.xml, obligations.csv and manifest.json; with `tax` > 0 also
// tax_notices.json and tax_vouchers.json (the public push envelopes of
// docs/contracts/tax.md), whose obligations are paid through the bank and credited by the
// treasury (one injected unpaid notice among them when `discrepancies` > 0).
// Throws std::runtime_error on I/O failure, std::invalid_argument on bad options.
ReconDataManifest generate_recon_data(const ReconDataOptions& options);

// lienthong-sim recon-data --size N --seed S --discrepancies K [--malformed M] --out DIR
//   [--from YYYY-MM-DD] [--days D] [--tax T] [--sqlite-csv]
int run_recon_data(const std::vector<std::string>& args);

}  // namespace lienthong::sim
