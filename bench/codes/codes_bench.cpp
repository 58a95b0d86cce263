// Codes translated per second with the full national tables (mappings/codes/national:
// 10 035 former communes, 696 districts, 63 provinces and their successors): one million
// translations of former commune and province codes from 2025-06-30 to 2025-09-01, next
// to a baseline measured in the same run — a plain std::unordered_map from former code
// to its single successor, built from the same tables. Not a test: it prints figures.
//   build/bench/codes/codes_bench [translations] [tables dir]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/flows/codes/code_tables.hpp"

namespace {

using namespace lienthong;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 1'000'000;
  const std::string dir = argc > 2 ? argv[2] : std::string(LIENTHONG_SOURCE_DIR) + "/mappings/codes/national";
  auto t0 = Clock::now();
  auto tables = codes::CodeTables::load_dir(dir);
  if (!tables.ok()) {
    std::fprintf(stderr, "codes_bench: %s\n", tables.error().message.c_str());
    return 1;
  }
  const double load_s = seconds_since(t0);
  const auto before = *codes::CodeTables::parse_day("2025-06-30");
  const auto after = *codes::CodeTables::parse_day("2025-09-01");

  // The workload: every former commune and province code with a single successor.
  std::vector<std::pair<std::string, std::string>> work;  // (kind, code)
  std::unordered_map<std::string, std::string> baseline;
  for (const auto& c : tables->diff(before, after)) {
    if (c.to.size() != 1 || (c.kind != "commune" && c.kind != "province")) continue;
    for (const auto& from : c.from) {
      work.emplace_back(c.kind, from);
      baseline.emplace(c.kind + ":" + from, c.to[0]);
    }
  }
  if (work.empty()) {
    std::fprintf(stderr, "codes_bench: no translatable codes in %s\n", dir.c_str());
    return 1;
  }

  size_t failures = 0, checksum = 0;
  t0 = Clock::now();
  for (long i = 0; i < n; ++i) {
    const auto& [kind, code] = work[static_cast<size_t>(i) % work.size()];
    auto r = tables->translate(kind, code, before, after);
    if (!r.ok()) {
      ++failures;
      continue;
    }
    checksum += r->size();
  }
  const double tables_s = seconds_since(t0);

  size_t base_checksum = 0;
  t0 = Clock::now();
  for (long i = 0; i < n; ++i) {
    const auto& [kind, code] = work[static_cast<size_t>(i) % work.size()];
    auto it = baseline.find(kind + ":" + code);
    base_checksum += it == baseline.end() ? 0 : it->second.size();
  }
  const double base_s = seconds_since(t0);

  std::printf("tables: %s (%zu entries, loaded in %.2f s)\n", dir.c_str(), tables->size(), load_s);
  std::printf("workload: %ld translations over %zu former codes (2025-06-30 -> 2025-09-01)\n", n,
              work.size());
  std::printf("CodeTables::translate   %8.3f s  %10.0f codes/s  %7.0f ns/code  failures %zu\n", tables_s,
              n / tables_s, tables_s * 1e9 / n, failures);
  std::printf("baseline unordered_map  %8.3f s  %10.0f codes/s  %7.0f ns/code\n", base_s, n / base_s,
              base_s * 1e9 / n);
  std::printf("ratio (translate / baseline): %.1fx\n", tables_s / std::max(base_s, 1e-9));
  return checksum == base_checksum && failures == 0 ? 0 : 2;
}
