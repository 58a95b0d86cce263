// The webhook intake journal as read back at start-up: a segment file's bytes (frames),
// then each frame's record. A damaged or hostile file must end in errors, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/flows/webhooks/intake_journal.hpp"
#include "gateway/flows/webhooks/intake_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong::webhooks;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t valid = 0;
  for (const auto& payload : decode_frames(in, valid)) (void)decode_record(payload);
  if (valid > size) __builtin_trap();
  // A record on its own, as if its frame had been intact.
  (void)decode_record(in);
  return 0;
}
