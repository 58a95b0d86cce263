// What the citizen flow asks of the national population database (CSDLQG về dân cư): the
// interface the flow owns. The adapter that answers it (adapters/population: SOAP through
// NGSP or an LGSP, or JSON through a provincial adapter) is built by app/ from the
// citizen_lookup.upstream section and handed to the flow; the flow never builds it. The
// names keep the population namespace the adapter and its simulator share.
#pragma once

#include <string>

#include "gateway/core/common/result.hpp"
#include "gateway/core/model/citizen_record.hpp"

namespace lienthong::population {

struct Query {
  std::string personal_id;
  std::string full_name;
  std::string date_of_birth;  // YYYY-MM-DD
  std::string request_id;     // mã yêu cầu: one per lookup, the same on a retry
  std::string official_code;  // mã cán bộ: the C06-registered account or the official's ID number
  std::string service_code;   // mã dịch vụ công the lookup serves ("" = the configured default)
};

enum class Outcome {
  kFound,
  kNotFound,  // no citizen with that number
  kMismatch,  // the number exists but name or date of birth differ
};

struct Answer {
  Outcome outcome = Outcome::kNotFound;
  model::CitizenRecord record;  // only for kFound
  int attempts = 1;
};

class PopulationRegistry {
 public:
  virtual ~PopulationRegistry() = default;
  // Upstream failures come back as errors of kind timeout, refused, server, protocol,
  // unauthorized, forbidden or rate_limited. Messages never hold personal data.
  virtual Result<Answer> lookup(const Query& query) = 0;
};

}  // namespace lienthong::population
