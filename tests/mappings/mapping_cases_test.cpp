// Runs every golden case under tests/mappings/cases/<name>/:
//   case.json       {"mapping": "mappings/dvcqg/dossier.json",      // or
//                    "transitions": "mappings/dvcqg/status_transitions.json",
//                    "event_time": "2024-10-01T08:15:00+07:00" (or epoch ms; optional),
//                    "codes": {"agency": {"old": "new"}},          // a fixed resolver, or
//                    "codes_dir": "mappings/codes", "today": "2026-01-15",  // the code tables
//                    "apply_only": true}                            // skip "validate"
//   input.json      the source document (for transitions: {"from": 9|null, "to": 4})
//   expected.json   the exact target document (transitions: {"allowed": true}), or
//   expected_error.txt  a substring the error message must contain.
// Adding a case is adding a folder; the test picks it up at run time.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/mapping/mapping.hpp"
#include "gateway/flows/codes/code_tables.hpp"
#include "gateway/flows/codes/table_resolver.hpp"

namespace lienthong::mapping {
namespace {

namespace fs = std::filesystem;

// A fixed code table from case.json: kind -> {code -> today's code}.
class FixedResolver : public CodeResolver {
 public:
  std::map<std::string, std::map<std::string, std::string>> codes;
  Result<std::string> resolve(const std::string& kind, const std::string& code,
                              int64_t on_ms) const override {
    auto k = codes.find(kind);
    if (k != codes.end()) {
      auto c = k->second.find(code);
      if (c != k->second.end()) return c->second;
    }
    auto t = vn_time::to_vietnam(on_ms);
    return Error(ErrorKind::kMapping,
                 kind + " code '" + code + "' is not known on " +
                     vn_time::format_date(vn_time::days_from_civil(t.year, t.month, t.day)));
  }
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Runs one case; returns "" when it passes, else what went wrong.
std::string run_case(const fs::path& dir) {
  const std::string root = LIENTHONG_SOURCE_DIR;
  auto spec = json::parse_file((dir / "case.json").string());
  if (!spec.ok()) return spec.error().message;
  auto input = json::parse_file((dir / "input.json").string());
  if (!input.ok()) return input.error().message;
  const bool want_error = fs::exists(dir / "expected_error.txt");
  std::string expected_error;
  rapidjson::Document expected;
  if (want_error) {
    auto t = json::read_file((dir / "expected_error.txt").string());
    if (!t.ok()) return t.error().message;
    expected_error = trim(*t);
    if (expected_error.empty()) return "expected_error.txt is empty";
  } else {
    auto e = json::parse_file((dir / "expected.json").string());
    if (!e.ok()) return "needs expected.json or expected_error.txt: " + e.error().message;
    expected = std::move(e).value();
  }

  Result<rapidjson::Document> got =
      Error(ErrorKind::kInternal, "case.json names neither mapping nor transitions");
  if (auto tpath = json::get_string(*spec, "transitions")) {
    auto sm = StatusMachine::load_file(root + "/" + *tpath);
    if (!sm.ok()) {
      got = sm.error();
    } else {
      const auto* from = json::member(*input, "from");
      auto to = json::get_int(*input, "to");
      if (!to) return "input.json needs an integer \"to\"";
      std::optional<int> f;
      if (from && from->IsInt()) f = from->GetInt();
      auto st = sm->check(f, static_cast<int>(*to));
      if (st.ok()) {
        rapidjson::Document d(rapidjson::kObjectType);
        d.AddMember("allowed", true, d.GetAllocator());
        got = std::move(d);
      } else {
        got = st.error();
      }
    }
  } else if (auto mpath = json::get_string(*spec, "mapping")) {
    auto m = Mapping::load_file(root + "/" + *mpath);
    if (!m.ok()) {
      got = m.error();
    } else {
      Context ctx;
      FixedResolver fixed;
      std::optional<codes::TableResolver> tables;
      ManualClock clock;
      if (auto dir = json::get_string(*spec, "codes_dir")) {
        auto loaded = codes::CodeTables::load_dir(root + "/" + *dir);
        if (!loaded.ok()) return loaded.error().message;
        auto today = vn_time::parse_iso(json::get_string(*spec, "today").value_or("") + "T12:00:00+07:00");
        if (!today) return "case.json: codes_dir needs \"today\": \"YYYY-MM-DD\"";
        clock.set_ms(*today);
        tables.emplace(std::make_shared<codes::CodeTables>(std::move(loaded).value()), clock);
        ctx.codes = &*tables;
      }
      if (const auto* codes = json::member(*spec, "codes")) {
        for (auto& kind : codes->GetObject())
          for (auto& c : kind.value.GetObject())
            fixed.codes[kind.name.GetString()][c.name.GetString()] = c.value.GetString();
        ctx.codes = &fixed;
      }
      if (const auto* et = json::member(*spec, "event_time")) {
        if (et->IsInt64())
          ctx.event_time_ms = et->GetInt64();
        else if (et->IsString())
          ctx.event_time_ms = vn_time::parse_iso(et->GetString()).value_or(0);
      }
      got = json::get_bool(*spec, "apply_only").value_or(false) ? m->apply(*input, ctx)
                                                                : m->transform(*input, ctx);
    }
  }

  if (want_error) {
    if (got.ok())
      return "expected an error containing \"" + expected_error + "\", got:\n" + json::to_string(*got, true);
    if (got.error().message.find(expected_error) == std::string::npos)
      return "error \"" + got.error().message + "\" does not contain \"" + expected_error + "\"";
    return "";
  }
  if (!got.ok()) return "unexpected error: " + got.error().message;
  if (*got != expected)
    return "output differs.\nexpected:\n" + json::to_string(expected, true) + "\ngot:\n" +
           json::to_string(*got, true);
  return "";
}

TEST(MappingCases, EveryGoldenCaseProducesItsExpectedOutputOrError) {
  const fs::path cases = fs::path(LIENTHONG_SOURCE_DIR) / "tests/mappings/cases";
  int ran = 0;
  for (const auto& entry : fs::directory_iterator(cases)) {
    if (!entry.is_directory()) continue;
    ++ran;
    std::string failure = run_case(entry.path());
    if (!failure.empty()) ADD_FAILURE() << "case " << entry.path().filename().string() << ": " << failure;
  }
  EXPECT_GE(ran, 10) << "fewer golden cases than expected under " << cases;
}

}  // namespace
}  // namespace lienthong::mapping
