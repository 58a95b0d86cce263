// Reconciliation benchmark: generates N transactions per source (default 10 million) with
// lienthong-sim's generator, then measures in separate processes, on the same data:
//   engine   — lienthong's adapters + matching engine over payments.jsonl, bank.csv,
//              treasury.xml and obligations.csv (parse, match, classify);
//   baseline — the sqlite3 command-line tool importing the same records as CSV and joining
//              them (reference join of payments to bank and treasury, grouped by outcome).
// Prints wall time and peak RSS of each, the input size and the ratios. Never run by tests.
//
// usage: bench_reconciliation [--size N] [--dir DIR] [--keep] [--sqlite PATH]
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "adapters/bank_statement/bank_statement.hpp"
#include "adapters/payment_platform/payment_platform.hpp"
#include "adapters/treasury/treasury.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/reconciliation/engine.hpp"
#include "gateway/flows/reconciliation/obligations_csv.hpp"
#include "sim/recon/recon_data.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace lienthong;

struct Measured {
  double seconds = 0;
  long peak_rss_kb = 0;
  int status = -1;
};

// Runs argv as a child process; wall time and the child's peak RSS (wait4's ru_maxrss).
Measured run_child(const std::vector<std::string>& argv, const std::string& stdin_file = "") {
  std::vector<char*> a;
  for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (!stdin_file.empty()) posix_spawn_file_actions_addopen(&fa, 0, stdin_file.c_str(), O_RDONLY, 0);
  auto start = std::chrono::steady_clock::now();
  pid_t pid;
  Measured m;
  if (posix_spawnp(&pid, a[0], &fa, nullptr, a.data(), environ) != 0) {
    std::perror(("spawn " + argv[0]).c_str());
    return m;
  }
  struct rusage ru {};
  int status = 0;
  wait4(pid, &status, 0, &ru);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.peak_rss_kb = ru.ru_maxrss;
  m.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  posix_spawn_file_actions_destroy(&fa);
  return m;
}

// The engine side, in its own process so that its peak RSS is its own.
int engine_mode(const std::string& dir, const std::string& from, const std::string& to,
                const std::string& as_of) {
  reconciliation::Dataset data;
  auto check = [](const Status& s) {
    if (!s.ok()) {
      std::cerr << s.error().message << "\n";
      std::exit(1);
    }
  };
  check(payment_platform::read_transactions(dir + "/payments.jsonl", data));
  check(bank_statement::read_statement(dir + "/bank.csv", bank_statement::ColumnMapping{}, data));
  check(treasury::read_credits(dir + "/treasury.xml", data));
  check(reconciliation::read_obligations_csv(dir + "/obligations.csv", data));
  reconciliation::Period p{static_cast<reconciliation::Day>(*vn_time::parse_date(from)),
                           static_cast<reconciliation::Day>(*vn_time::parse_date(to)),
                           static_cast<reconciliation::Day>(*vn_time::parse_date(as_of))};
  auto r = reconciliation::reconcile(data, reconciliation::Rules{}, p);
  std::printf("engine: %lld matched, %zu exceptions, %zu input issues\n",
              static_cast<long long>(r.summary.by_class[0].count), r.items.size(), r.issues.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 5 && args[0] == "--engine") return engine_mode(args[1], args[2], args[3], args[4]);
  int64_t size = 10'000'000;
  std::string dir, sqlite = "sqlite3";
  bool keep = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--size" && i + 1 < args.size()) {
      size = std::stoll(args[++i]);
    } else if (args[i] == "--dir" && i + 1 < args.size()) {
      dir = args[++i];
    } else if (args[i] == "--sqlite" && i + 1 < args.size()) {
      sqlite = args[++i];
    } else if (args[i] == "--keep") {
      keep = true;
    } else {
      std::cerr << "usage: bench_reconciliation [--size N (default 10000000)] [--dir DIR] [--keep] [--sqlite "
                   "PATH]\n";
      return 2;
    }
  }
  if (dir.empty())
    dir = (fs::temp_directory_path() / ("lienthong-recon-bench-" + std::to_string(getpid()))).string();
  std::printf("generating %lld transactions per source into %s ...\n", static_cast<long long>(size),
              dir.c_str());
  std::fflush(stdout);
  sim::ReconDataOptions o;
  o.size = size;
  o.seed = 42;
  o.discrepancies = size / 1000;
  o.out_dir = dir;
  o.sqlite_csv = true;
  auto gen_start = std::chrono::steady_clock::now();
  auto manifest = sim::generate_recon_data(o);
  double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - gen_start).count();
  std::printf(
      "generated in %.1f s; engine input %.1f MB (payments.jsonl, bank.csv, treasury.xml, obligations.csv)\n",
      gen_s, manifest.input_bytes / 1e6);
  std::fflush(stdout);

  // /proc/self/exe, not its target: it still runs this binary if the file was replaced.
  Measured engine =
      run_child({"/proc/self/exe", "--engine", dir, manifest.from, manifest.to, manifest.as_of});

  // The baseline: import the CSV renderings of the same records and join on the reference.
  fs::path script = fs::path(dir) / "baseline.sql";
  {
    std::FILE* f = std::fopen(script.c_str(), "w");
    std::fprintf(
        f,
        "CREATE TABLE payments(ref TEXT, dossier TEXT, agency TEXT, amount INTEGER, day TEXT);\n"
        "CREATE TABLE bank(day TEXT, amount INTEGER, ref TEXT, description TEXT);\n"
        "CREATE TABLE treasury(ref TEXT, dossier TEXT, agency TEXT, amount INTEGER, day TEXT, kind TEXT);\n"
        "CREATE TABLE obligations(dossier TEXT, agency TEXT, amount INTEGER, code TEXT);\n"
        ".mode csv\n"
        ".import --skip 1 %s/payments.csv payments\n"
        ".import --skip 1 %s/bank.csv bank\n"
        ".import --skip 1 %s/treasury.csv treasury\n"
        ".import --skip 1 %s/obligations.csv obligations\n"
        ".mode list\n"
        "SELECT CASE WHEN b.ref IS NULL THEN 'missing_at_bank'\n"
        "  WHEN b.amount <> p.amount OR t.amount <> p.amount THEN 'amount_mismatch'\n"
        "  WHEN t.ref IS NULL THEN 'missing_at_treasury'\n"
        "  WHEN o.dossier IS NULL THEN 'no_dossier' ELSE 'matched' END AS class, count(*)\n"
        "FROM payments p LEFT JOIN bank b ON b.ref = p.ref\n"
        "LEFT JOIN treasury t ON t.ref = p.ref AND t.kind = 'THU'\n"
        "LEFT JOIN obligations o ON o.dossier = p.dossier GROUP BY class;\n",
        dir.c_str(), dir.c_str(), dir.c_str(), dir.c_str());
    std::fclose(f);
  }
  fs::path db = fs::path(dir) / "baseline.db";
  fs::remove(db);
  Measured base = run_child({sqlite, db.string()}, script.string());

  std::printf("\n%-34s %12s %14s\n", "", "wall (s)", "peak RSS (MB)");
  std::printf("%-34s %12.2f %14.1f\n", "lienthong engine", engine.seconds, engine.peak_rss_kb / 1024.0);
  std::printf("%-34s %12.2f %14.1f\n", "baseline: sqlite3 import + join", base.seconds,
              base.peak_rss_kb / 1024.0);
  std::printf("input size (engine's files): %.1f MB\n", manifest.input_bytes / 1e6);
  if (engine.status != 0 || base.status != 0) {
    std::printf("a side failed (engine exit %d, sqlite3 exit %d): figures not comparable\n", engine.status,
                base.status);
  } else {
    std::printf("engine / baseline wall time: %.2f (target < 1)\n", engine.seconds / base.seconds);
    std::printf("engine peak RSS / input size: %.2f (target < 1.5)\n",
                engine.peak_rss_kb * 1024.0 / static_cast<double>(manifest.input_bytes));
  }
  if (!keep) fs::remove_all(dir);
  return engine.status == 0 && base.status == 0 ? 0 : 1;
}
