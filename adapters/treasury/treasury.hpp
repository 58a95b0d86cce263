// Kho bạc Nhà nước (KBNN, State Treasury) credit records for a period: an XML export
// (simulated, as no public spec exists) of <ChungTu> vouchers inside <DuLieuKhoBac>.
// Read as a stream, one record at a time, each record parsed with pugixml, so a file of
// any size costs one record of memory.
#pragma once

#include <string>
#include <string_view>

#include "gateway/common/result.hpp"
#include "gateway/reconciliation/dataset.hpp"

namespace lienthong::treasury {

// Streams the export at `path` into `out`. A malformed record becomes an InputIssue with
// file, line and reason; a file that is not a treasury export (other root element, a
// DOCTYPE, truncated before </DuLieuKhoBac>) is refused as a whole.
Status read_credits(const std::string& path, reconciliation::Dataset& out);
// Same, from memory (API answers, tests, fuzzing); `name` stands for the file in issues.
Status read_credits_from_string(std::string_view xml, const std::string& name, reconciliation::Dataset& out);

}  // namespace lienthong::treasury
