// Source documents come from upstream systems: applying the shipped one-stop-shop and
// DVCQG mappings to arbitrary JSON must end in a document or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/core/common/json.hpp"
#include "gateway/core/mapping/mapping.hpp"

namespace {

class EchoResolver : public lienthong::mapping::CodeResolver {
 public:
  lienthong::Result<std::string> resolve(const std::string&, const std::string& code,
                                         int64_t) const override {
    if (code.empty()) return lienthong::Error(lienthong::ErrorKind::kMapping, "empty code");
    return code;
  }
};

const lienthong::mapping::Mapping& load(const char* rel) {
  static std::string root = LIENTHONG_SOURCE_DIR;
  auto m = lienthong::mapping::Mapping::load_file(root + "/" + rel);
  if (!m.ok()) __builtin_trap();  // the shipped files must load
  return *new lienthong::mapping::Mapping(std::move(m).value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong;
  static const mapping::Mapping& oss = load("mappings/one_stop_shop/dossier_event.json");
  static const mapping::Mapping& dossier = load("mappings/dvcqg/dossier.json");
  static const mapping::Mapping& progress = load("mappings/dvcqg/progress.json");
  static const EchoResolver resolver;
  auto src = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (!src.ok()) return 0;
  mapping::Context ctx{0, &resolver};
  auto canonical = oss.transform(*src, ctx);
  (void)dossier.transform(canonical.ok() ? *canonical : *src, ctx);
  (void)progress.transform(canonical.ok() ? *canonical : *src, ctx);
  return 0;
}
