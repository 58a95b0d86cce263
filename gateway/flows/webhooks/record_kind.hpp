// Record kinds other than the dossier-status event (issue #27): what a source whose
// `record_kind` is set pushes (land-tax notices and vouchers, …). A kind is implemented
// where its wire format lives (an adapter) and registered by name at start-up; the
// receiver keeps its admission, idempotency, intake journal and applier for it: the push
// is read entirely and checked before it is answered, its record is journaled before the
// answer, and the applier stores it once, in the transaction of its receipt.
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/webhooks/record_limits.hpp"

namespace lienthong::webhooks {

class RecordKind {
 public:
  virtual ~RecordKind() = default;
  struct Read {
    std::string record;   // what the journal keeps and apply() stores; no secret
    std::string summary;  // for the answer: codes and counts, never personal data
    // The dossier code the record is filed under, for a source that hands out codes
    // first (dossier_codes, issued_codes.hpp): it must be one handed out to the source.
    std::string key;
  };
  // The whole push, every line; an Error names the member, line or position (never the
  // content) and refuses the push: nothing is kept.
  virtual Result<Read> read(const std::string& body) const = 0;
  // As read(), within the source's limits (a kind that reads files overrides this one).
  virtual Result<Read> read(const std::string& body, const RecordLimits& limits) const {
    (void)limits;
    return read(body);
  }
  // Inside the applier's transaction, after the receipt.
  virtual Status apply(store::Database& db, const std::string& record, int64_t received_at_ms) const = 0;
  // The tables apply() writes.
  virtual std::vector<store::Migration> migrations() const { return {}; }
};

class RecordKinds {
 public:
  // Throws std::logic_error when `name` is registered already (a start-up bug).
  void add(std::string name, std::shared_ptr<const RecordKind> kind) {
    if (!kinds_.emplace(std::move(name), std::move(kind)).second)
      throw std::logic_error("webhook record kind registered twice");
  }
  const RecordKind* find(std::string_view name) const {
    auto it = kinds_.find(name);
    return it == kinds_.end() ? nullptr : it->second.get();
  }
  std::vector<store::Migration> migrations() const {
    std::vector<store::Migration> all;
    for (const auto& [name, kind] : kinds_) {
      auto m = kind->migrations();
      all.insert(all.end(), m.begin(), m.end());
    }
    return all;
  }

 private:
  std::map<std::string, std::shared_ptr<const RecordKind>, std::less<>> kinds_;
};

}  // namespace lienthong::webhooks
