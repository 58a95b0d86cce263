// mapping::CodeResolver over the code tables: a mapping step {"codes": "agency"} gets
// the code valid today for the code a record carried on its event date.
#pragma once

#include <memory>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/mapping/mapping.hpp"
#include "gateway/flows/codes/code_tables.hpp"

namespace lienthong::codes {

class TableResolver : public mapping::CodeResolver {
 public:
  // `today` comes from `clock` (Vietnam date) at each call.
  TableResolver(std::shared_ptr<const CodeTables> tables, const Clock& clock)
      : tables_(std::move(tables)), clock_(clock) {}
  Result<std::string> resolve(const std::string& kind, const std::string& code,
                              int64_t on_epoch_ms) const override;

 private:
  std::shared_ptr<const CodeTables> tables_;
  const Clock& clock_;
};

// Vietnam civil day of an instant.
Day day_of(int64_t epoch_ms);

}  // namespace lienthong::codes
