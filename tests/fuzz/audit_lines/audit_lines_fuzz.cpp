// What `lienthong audit verify` reads from files an inspector hands it: lines of an
// exported segment (--file), its seal (the signed last line) and recorded heads
// (--anchors), signed or not. Bad lines end in errors.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/audit/signature.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong::audit;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<AuditEntry> entries;
  std::vector<Anchor> anchors;
  size_t start = 0;
  while (start <= in.size()) {
    size_t end = in.find('\n', start);
    if (end == std::string_view::npos) end = in.size();
    std::string_view line = in.substr(start, end - start);
    if (auto e = from_json_line(line); e.ok()) entries.push_back(*e);
    if (auto a = parse_anchor_line(line); a.ok()) {
      if (a->seq < 1 || a->hash.size() != 64) __builtin_trap();
      (void)anchor_message(*a);
      anchors.push_back(*a);
    }
    if (is_seal_line(line)) {
      if (auto s = parse_seal_line(line); s.ok()) {
        if (s->signature.size() != 128 || s->count < 0 || s->last_seq < 0) __builtin_trap();
        ExportSeal found;
        describe_entries(entries, found);
        (void)seal_message(*s);
      }
    }
    start = end + 1;
  }
  // Parsed entries need not be sorted or gapless: the checks must cope.
  for (bool whole : {true, false}) {
    VerifyReport r = verify_chain(entries, whole);
    (void)check_anchors(entries, whole, anchors, r);
  }
  return 0;
}
