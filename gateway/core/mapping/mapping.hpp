// Declarative mappings: a JSON file under mappings/ says how to build each target field
// from a source document (paths, constants, code tables, date formats, arrays), and how
// to validate the result. A new field or code is a mapping change, not a code change.
// The file format is documented in docs/mappings.md.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/mapping/status_machine.hpp"

namespace lienthong::mapping {

// Effective-dated code lookups (administrative units, agencies), supplied by the codes
// module; a mapping step {"codes": "agency"} asks it for the code valid on the event date.
class CodeResolver {
 public:
  virtual ~CodeResolver() = default;
  // Returns the code to send today for `code` of `kind` as of `on_epoch_ms`, or an Error
  // (kMapping) naming the code and the date when unknown on that date.
  virtual Result<std::string> resolve(const std::string& kind, const std::string& code,
                                      int64_t on_epoch_ms) const = 0;
};

struct Context {
  int64_t event_time_ms = 0;            // the date code lookups are made for
  const CodeResolver* codes = nullptr;  // optional
};

class Mapping {
 public:
  static Result<Mapping> load_file(const std::string& path);
  static Result<Mapping> parse(std::string_view text, std::string_view name);

  const std::string& name() const;
  int version() const;

  // Builds the target document. Errors are kMapping and name the target field and the
  // source path ("TrangThaiHoSo from status: no entry 'xyz' in table 'status'").
  Result<rapidjson::Document> apply(const rapidjson::Value& source, const Context& ctx = {}) const;
  // The same into `out` (made an object), with `allocator` owning what it holds: callers
  // on a hot path pass a pool they reuse (json::ScratchPool) instead of a new document's.
  Status apply_into(const rapidjson::Value& source, rapidjson::Value& out,
                    rapidjson::MemoryPoolAllocator<>& allocator, const Context& ctx = {}) const;
  // Runs the file's "validate" rules over a target document (required fields, patterns,
  // date order); kValidation naming the field.
  Status validate(const rapidjson::Value& target) const;
  // apply() then validate(): what a flow normally calls.
  Result<rapidjson::Document> transform(const rapidjson::Value& source, const Context& ctx = {}) const;
  // Code table lookup, for callers that need one value.
  std::optional<std::string> lookup(const std::string& table, const std::string& key) const;
  // The file's "transitions" section, when it has one.
  const StatusMachine* transitions() const;
  // Number of top-level field rules (for benches and diagnostics).
  size_t field_count() const;

  Mapping(Mapping&&) noexcept;
  Mapping& operator=(Mapping&&) noexcept;
  ~Mapping();

 private:
  Mapping();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lienthong::mapping
