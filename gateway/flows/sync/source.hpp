// What the sync flow needs from a source system (the provincial one-stop-shop, later
// others): pages of dossiers changed since an opaque cursor, already translated to
// canonical events by the source adapter's mapping. Wire formats stay in the adapter.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/model/dossier_event.hpp"

namespace lienthong::sync {

// One entry of a dossier's status history, translated (or why it could not be).
struct SourceEvent {
  int sequence = 0;
  Result<model::DossierStatusEvent> event = Error(ErrorKind::kInternal, "unset");
};

// One dossier as pulled.
struct SourceRecord {
  std::string dossier_code;         // empty when the record had none
  std::string payload;              // the record as received; may hold personal data (quarantine only)
  std::vector<SourceEvent> events;  // in history order
  std::optional<Error> error;       // set when the record as a whole could not be read
};

struct SourcePage {
  std::vector<SourceRecord> records;
  std::string next_cursor;
  bool has_more = false;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual std::string name() const = 0;
  // Dossiers changed after `cursor` ("" = from the beginning), at most `limit`.
  virtual Result<SourcePage> fetch(const std::string& cursor, size_t limit) = 0;
};

}  // namespace lienthong::sync
