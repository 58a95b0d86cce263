// Outbox throughput on a file-backed SQLite WAL store: enqueue + claim + mark_sent, with
// batches of 1 (the in-run baseline: one transaction per message per step) and of 500,
// then the Dispatcher end to end. Prints messages/s and peak RSS. Not a test.
//
// usage: bench_outbox [MESSAGES] [DIR]   (defaults: 20000, the system temp directory)
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "gateway/core/outbox/outbox.hpp"

using namespace lienthong;
namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// User + system CPU seconds of this process: on a shared machine the wall clock mostly
// measures the neighbours, so both are printed.
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // KiB on Linux
}

std::unique_ptr<store::Database> fresh_db(const fs::path& dir, const std::string& name) {
  fs::path path = dir / (name + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  auto db = store::open_sqlite({.path = path.string()});
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.error().message.c_str());
    std::exit(1);
  }
  if (auto s = (*db)->migrate(outbox::Outbox::migrations()); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.error().message.c_str());
    std::exit(1);
  }
  return std::move(db).value();
}

// A realistic payload size: a canonical dossier-status event is a few hundred bytes.
const std::string kPayload =
    R"({"maHoSo":"000.00.00.H00-261126-0001","trangThai":5,"ngayCapNhat":"20261126101500",)"
    R"("coQuan":"000.00.00.H00","ghiChu":"benchmark payload of a typical size for one event"})";

void check(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.error().message.c_str());
    std::exit(1);
  }
}

outbox::NewMessage message(int i) {
  // 1000 dossiers, each with several status events in order.
  return {"dvcqg", "dossier_status", "dvcqg:H" + std::to_string(i % 1000), "ev-" + std::to_string(i),
          kPayload};
}

struct Figures {
  double enqueue_s = 0, drain_s = 0;
};

Figures run_outbox(const fs::path& dir, int n, size_t batch) {
  auto db = fresh_db(dir, "bench_outbox_b" + std::to_string(batch));
  outbox::Outbox ob(*db, outbox::Policy{}, SystemClock::instance());
  Figures f;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n;) {
    int end = std::min<int>(n, i + static_cast<int>(batch));
    check(db->transaction([&]() -> Status {
      for (; i < end; ++i) LT_TRY(ob.enqueue(message(i)));
      return {};
    }));
  }
  f.enqueue_s = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  int sent = 0;
  while (true) {
    auto c = ob.claim("dvcqg", batch);
    if (!c.ok()) check(c.error());
    if (c->empty()) break;
    std::vector<int64_t> ids;
    ids.reserve(c->size());
    for (auto& m : *c) ids.push_back(m.id);
    check(ob.mark_sent(ids));
    sent += static_cast<int>(ids.size());
  }
  f.drain_s = seconds_since(t0);
  if (sent != n) {
    std::fprintf(stderr, "error: drained %d of %d\n", sent, n);
    std::exit(1);
  }
  return f;
}

class NullDestination : public outbox::Destination {
 public:
  std::string name() const override { return "dvcqg"; }
  size_t max_batch() const override { return 500; }
  std::vector<Status> deliver(const std::vector<outbox::Message>& batch) override {
    delivered += static_cast<int64_t>(batch.size());
    return std::vector<Status>(batch.size());
  }
  int64_t delivered = 0;
};

double run_dispatcher(const fs::path& dir, int n) {
  auto db = fresh_db(dir, "bench_outbox_dispatch");
  outbox::Outbox ob(*db, outbox::Policy{}, SystemClock::instance());
  NullDestination dest;
  outbox::Dispatcher d(ob, SystemClock::instance());
  d.add(dest);
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n;) {
    int end = std::min(n, i + 500);
    check(db->transaction([&]() -> Status {
      for (; i < end; ++i) LT_TRY(ob.enqueue(message(i)));
      return {};
    }));
  }
  auto r = d.run_until_idle(SystemClock::instance().now_ms() + 600'000, false);
  if (!r.ok()) check(r.error());
  double s = seconds_since(t0);
  if (r->sent != n || dest.delivered != n) {
    std::fprintf(stderr, "error: dispatcher sent %lld of %d\n", static_cast<long long>(r->sent), n);
    std::exit(1);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 20000;
  fs::path dir = argc > 2
                     ? fs::path(argv[2])
                     : fs::temp_directory_path() / ("lienthong_bench_outbox_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::printf("outbox bench: %d messages over 1000 ordering keys, SQLite WAL in %s\n", n, dir.c_str());
  std::printf("%-28s %12s %12s %12s %12s %13s\n", "run", "enqueue/s", "drain/s", "total/s", "total/CPU-s",
              "peak RSS KiB");
  double baseline_total = 0;
  for (size_t batch : {size_t{1}, size_t{500}}) {
    double cpu0 = cpu_seconds();
    Figures f = run_outbox(dir, n, batch);
    double cpu = cpu_seconds() - cpu0;
    double total = n / (f.enqueue_s + f.drain_s);
    if (batch == 1) baseline_total = total;
    std::printf("%-28s %12.0f %12.0f %12.0f %12.0f %13ld%s\n", ("batch " + std::to_string(batch)).c_str(),
                n / f.enqueue_s, n / f.drain_s, total, n / cpu, peak_rss_kib(),
                batch == 1 ? "  (baseline)" : "");
    if (batch != 1)
      std::printf("%-28s %.1fx the batch-1 baseline (wall clock)\n", "", total / baseline_total);
  }
  double cpu0 = cpu_seconds();
  double s = run_dispatcher(dir, n);
  double cpu = cpu_seconds() - cpu0;
  std::printf("%-28s %12s %12s %12.0f %12.0f %13ld  (%.1fx baseline)\n", "dispatcher end to end (500)", "-",
              "-", n / s, n / cpu, peak_rss_kib(), (n / s) / baseline_total);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
