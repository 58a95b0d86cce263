// Accepted webhooks per second with durable storage, next to a baseline measured in the
// same run on the same server: a no-op route that reads the same signed request and
// answers 204. Not a test; prints figures. R rounds (default 3) of S seconds per target
// each alternate the two, and the ratio is that of their totals. --prefill-seconds P first
// loads the webhook route for P seconds, unmeasured, so that the rounds write into a
// store with history (its indexes larger) instead of an empty one.
//
//   webhook_bench [--seconds S] [--rounds R] [--prefill-seconds P] [--connections C] [--threads T]
//                 [--dir DIR]
//   webhook_bench --url http://127.0.0.1:PORT[,http://127.0.0.1:PORT2] [--seconds S] [--connections C]
//
// --url loads an already running `lienthong serve` instead; several --url (or one with
// comma-separated URLs) load several instances at once (e.g. two on one PostgreSQL), the
// connections split evenly between them, and the rates are their sums (example config:
// bench/webhooks/serve_bench.json, started with LIENTHONG_BENCH_SECRET set to this
// program's kSecret). Its baseline is then GET /healthz of that server (200, no store, no
// body), with the client still building and signing a webhook per request so that client
// cost stays the same; only wall-clock rates are printed (the server's CPU is elsewhere).
//
// The gateway side is the real one: Beast HttpServer, WebhookReceiver with the dkkd
// mapping, its intake journal, file-backed SQLite (WAL, synchronous from the store config:
// NORMAL by default, BENCH_SYNC=FULL also fdatasyncs the journal on every delivery), the
// durable outbox. A webhook is answered 2xx only after it is written to the intake
// journal; the applier thread moves it into the store's tables (event, dossier view,
// outbox, receipt) concurrently, and the bench reports how far behind it was when the
// load stopped and the sustained rate including that catch-up. WAL checkpoints run in the
// background (store option checkpoint=background); BENCH_CHECKPOINT=inline measures
// SQLite's own in-COMMIT ones. BENCH_PAGE_SIZE sets the new store's page size (default
// 8192, the store's). BENCH_JOURNAL=write appends to the journal with one pwritev per
// delivery instead of copying into its mapping. Logging is that of `serve` with a log file:
// JSON lines at info, one `http_access` line per request, in DIR/serve.log;
// BENCH_ACCESS_LOG=off measures without the access lines (log.access: false), and
// BENCH_LOG=stderr writes them to stderr as `serve` without log.file does.
// Every request is freshly signed (Standard Webhooks) with a new webhook-id and dossier.
// After the rounds, one more run of S seconds loads the land-tax notice source (issue #27:
// record kind land_tax_notice, SecurityKey in the body, no webhook-id, a new dossier with
// three LIST lines per push, answered {"error_code":0}) and prints its rate beside the
// status events' (in-process mode only).
// Server threads default to 2 (the ServerOptions default and this machine's cores).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/tax/land_tax_record.hpp"
#include "adapters/tax/push_inbox.hpp"
#include "bench/webhooks/load_client.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/webhooks/record_kind.hpp"
#include "gateway/flows/webhooks/standard_webhooks.hpp"
#include "gateway/flows/webhooks/webhook_receiver.hpp"
#include "gateway/flows/webhooks/webhook_routes.hpp"
#include "sim/ministry/ministry_messages.hpp"
#include "sim/tax_push/tax_push_messages.hpp"

using namespace lienthong;

namespace {

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kTaxKey = "bench-land-tax-key-of-32-bytes!!";

// A land-tax notice push for a new dossier (three LIST lines), as DVCQG sends it.
std::string tax_request_bytes(int thread, int64_t n) {
  auto d = sim::tax_push::sample_dossier(thread * 1'000'000 + static_cast<int>(n) + 1, 3);
  sim::tax_push::Envelope e;
  e.security_key = kTaxKey;
  e.service = "ImportThongBaoThueFromDVCQG";
  e.ngay = "20261102143000";
  std::string body = sim::tax_push::notice_push(e, sim::tax_push::notice_xml({d}));
  return "POST /v1/webhooks/thue-tb HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string request_bytes(const std::string& path, const std::string& key, int thread, int64_t n,
                          int64_t now_ms, int64_t run_id = 0) {
  sim::ministry::MessageSpec spec;
  spec.index = thread * 1'000'000 + static_cast<int>(n) + 1;
  spec.now_ms = now_ms;
  std::string body = sim::ministry::business_registration_json(spec);
  std::string id = "bench-" + std::to_string(run_id) + "-" + std::to_string(thread) + "-" + std::to_string(n);
  int64_t ts = now_ms / 1000;
  std::string sig = webhooks::sign(key, id, ts, body);
  return "POST " + path +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nwebhook-id: " + id +
         "\r\nwebhook-timestamp: " + std::to_string(ts) + "\r\nwebhook-signature: " + sig +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// --url mode: both loads against other processes on loopback, each target's connections
// split between the instances and loaded at once.
int run_against(const std::vector<std::string>& urls, int seconds, int connections) {
  constexpr std::string_view kPrefix = "http://127.0.0.1:";
  std::vector<uint16_t> ports;
  for (const auto& url : urls) {
    int port = url.rfind(kPrefix, 0) == 0 ? std::atoi(url.c_str() + kPrefix.size()) : 0;
    if (port <= 0 || port > 65535) {
      std::cerr << "--url must be http://127.0.0.1:PORT (loopback, plain HTTP), got '" << url << "'\n";
      return 2;
    }
    ports.push_back(static_cast<uint16_t>(port));
  }
  if (connections < static_cast<int>(ports.size())) {
    std::cerr << "--connections must be at least the number of URLs\n";
    return 2;
  }
  const std::string key = webhooks::decode_secret(kSecret).value();
  auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  // Ids must not repeat across runs against the same store: a redelivery is not accepted work.
  const int64_t run_id = now_ms();
  auto make = [&](const std::string& path, bool health, int instance) {
    return [&, path, health, instance](int t, int64_t n) {
      // Each instance's threads number their dossiers from their own range.
      std::string req = request_bytes(path, key, instance * 64 + t, n, now_ms(), run_id);
      if (!health) return req;
      return std::string("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    };
  };
  auto load_all = [&](bool health) {
    std::vector<bench::LoadResult> parts(ports.size());
    std::vector<std::thread> loaders;
    const int per = connections / static_cast<int>(ports.size());
    for (size_t i = 0; i < ports.size(); ++i) {
      loaders.emplace_back([&, i] {
        parts[i] = bench::run_load(ports[i], per, std::chrono::seconds(seconds),
                                   make("/v1/webhooks/dkkd", health, static_cast<int>(i)));
      });
    }
    for (auto& t : loaders) t.join();
    bench::LoadResult sum;
    for (const auto& p : parts) {
      sum.requests += p.requests;
      sum.ok += p.ok;
      sum.errors += p.errors;
      sum.seconds = std::max(sum.seconds, p.seconds);
    }
    return sum;
  };
  auto base = load_all(true);
  auto real = load_all(false);
  std::string targets;
  for (const auto& u : urls) targets += (targets.empty() ? "" : " + ") + u;
  std::cout << "webhook bench against " << targets << ": " << connections << " keep-alive connections, "
            << seconds << " s per target (store settings are the server's config)\n";
  std::cout << "  baseline  GET /healthz (200, no store; client builds and signs a webhook anyway): "
            << static_cast<int64_t>(base.ok_per_second()) << " req/s (" << base.ok << " ok, " << base.errors
            << " errors)\n";
  std::cout << "  webhooks  POST /v1/webhooks/dkkd: " << static_cast<int64_t>(real.ok_per_second())
            << " accepted/s (" << real.ok << " ok, " << real.errors << " errors)\n";
  std::cout << "  ratio     " << (base.ok_per_second() > 0 ? real.ok_per_second() / base.ok_per_second() : 0)
            << " of baseline wall-clock (target >= 0.5)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 5, connections = 16, threads = 2, rounds = 3, prefill_seconds = 0;
  std::vector<std::string> urls;
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("lienthong_webhook_bench_" + std::to_string(::getpid()));
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--seconds")
      seconds = std::atoi(argv[i + 1]);
    else if (a == "--threads")
      threads = std::atoi(argv[i + 1]);
    else if (a == "--connections")
      connections = std::atoi(argv[i + 1]);
    else if (a == "--rounds")
      rounds = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--prefill-seconds")
      prefill_seconds = std::max(0, std::atoi(argv[i + 1]));
    else if (a == "--dir")
      dir = argv[i + 1];
    else if (a == "--url") {
      std::string list = argv[i + 1];
      for (size_t from = 0; from <= list.size();) {
        size_t comma = list.find(',', from);
        if (comma == std::string::npos) comma = list.size();
        if (comma > from) urls.push_back(list.substr(from, comma - from));
        from = comma + 1;
      }
    } else {
      std::cerr << "usage: webhook_bench [--seconds S] [--rounds R] [--prefill-seconds P] [--connections C] "
                   "[--threads T] "
                   "[--dir DIR]\n"
                   "       webhook_bench --url http://127.0.0.1:PORT[,...] [--seconds S] [--connections C]\n";
      return 2;
    }
  }
  if (!urls.empty()) return run_against(urls, seconds, connections);
  // Each (round, connection) numbers its dossiers from its own million (an int).
  if ((rounds + 1) * connections > 2000) {
    std::cerr << "webhook_bench: (rounds + 1) x connections must stay within 2000\n";
    return 2;
  }
  std::filesystem::create_directories(dir);
  {
    log::Options lo;
    lo.json = true;
    const char* where = std::getenv("BENCH_LOG");
    if (!where || std::string(where) != "stderr") lo.file = (dir / "serve.log").string();
    const char* access = std::getenv("BENCH_ACCESS_LOG");
    lo.access = !access || std::string(access) != "off";
    log::init(lo);
    std::cout << "logging: " << (lo.file.empty() ? std::string("stderr") : lo.file) << ", access lines "
              << (lo.access ? "on" : "off") << "\n";
  }
  ::setenv("LIENTHONG_BENCH_SECRET", kSecret, 1);

  store::SqliteOptions so;
  so.path = (dir / "bench.db").string();
  if (const char* s = std::getenv("BENCH_SYNC")) so.synchronous = s;
  if (const char* s = std::getenv("BENCH_PAGE_SIZE")) so.page_size = std::atoi(s);
  so.background_checkpoint = true;
  if (const char* s = std::getenv("BENCH_CHECKPOINT")) so.background_checkpoint = std::string(s) != "inline";
  auto db = std::move(store::open_sqlite(so).value());
  std::vector<store::Migration> all = dossiers::DossierStore::migrations();
  webhooks::RecordKinds kinds;
  tax::add_land_tax_record_kinds(kinds);
  ::setenv("LIENTHONG_BENCH_TAX_KEY", kTaxKey, 1);
  for (auto& v : {dossiers::Quarantine::migrations(), outbox::Outbox::migrations(),
                  webhooks::WebhookReceiver::migrations(), kinds.migrations()}) {
    all.insert(all.end(), v.begin(), v.end());
  }
  if (auto st = db->migrate(all); !st.ok()) {
    std::cerr << st.error().message << "\n";
    return 1;
  }
  outbox::Outbox outbox(*db, outbox::Policy{}, SystemClock::instance());
  auto cfg = ConfigFile::from_string(R"({"webhooks": {"sources": {"dkkd": {
      "secrets": {"current": {"env": "LIENTHONG_BENCH_SECRET"}},
      "mapping": "mappings/webhooks/dkkd/mapping.json",
      "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json"},
      "thue-tb": {"auth": "shared_key", "answer": "dvcqg", "record_kind": "land_tax_notice",
                  "shared_key": {"secret": {"env": "LIENTHONG_BENCH_TAX_KEY"}, "body_field": "SecurityKey"}}}}})",
                                     LIENTHONG_SOURCE_DIR);
  auto wcfg = webhooks::parse_config(cfg->root().object("webhooks"));
  wcfg.journal_dir = (dir / "journal").string();
  if (const char* s = std::getenv("BENCH_SYNC")) wcfg.journal_fsync = std::string(s) == "FULL";
  if (const char* s = std::getenv("BENCH_JOURNAL")) wcfg.journal_mapping = std::string(s) != "write";
  const bool receiver_journal_mapping = wcfg.journal_mapping;
  // Large enough that the run measures intake, not the backlog limit; reported below.
  wcfg.max_backlog = 10'000'000;
  webhooks::WebhookReceiver receiver(std::move(wcfg), *db, outbox, SystemClock::instance(), 0, nullptr,
                                     &kinds);

  server::ServerOptions opts;
  opts.threads = threads;
  server::HttpServer http(opts);
  webhooks::register_routes(http, receiver);
  http.route("POST", "/bench/noop", [](server::Request&) {
    server::Response r;
    r.status = 204;
    return r;
  });
  uint16_t port = http.start();

  const std::string key = webhooks::decode_secret(kSecret).value();
  auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  // CPU seconds of the whole process (server + client) next to wall-clock time: on a
  // shared machine the per-CPU-second rate is the steadier comparison.
  auto cpu_seconds = [] {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  };
  // Each round's webhooks are new deliveries of new dossiers (ids and dossier numbers are
  // unique across rounds), as in a single run.
  int round = 0;
  auto run = [&](const std::string& path, double& cpu, int for_seconds) {
    double c0 = cpu_seconds();
    auto r = bench::run_load(port, connections, std::chrono::seconds(for_seconds), [&](int t, int64_t n) {
      return request_bytes(path, key, round * connections + t, n, now_ms(), round);
    });
    cpu = cpu_seconds() - c0;
    return r;
  };
  // Rounds of: baseline, then the real route, then the applier's catch-up (so that the
  // next baseline does not share the cores with it). The baseline of this VM moves by
  // ±20 % from one run to the next with the same code; alternating short rounds and
  // comparing their totals keeps drift out of the ratio.
  struct Round {
    bench::LoadResult base, real;
    double base_cpu = 0, real_cpu = 0, drain_s = 0, drain_cpu = 0;
    size_t backlog = 0;
  };
  // A store with history: the random-keyed indexes a webhook writes are larger, and each
  // batch dirties more of their pages. The prefill's deliveries are not measured.
  int64_t prefilled = 0;
  if (prefill_seconds > 0) {
    round = rounds;  // ids and dossiers of their own
    double ignored = 0;
    prefilled = run("/v1/webhooks/dkkd", ignored, prefill_seconds).ok;
    receiver.wait_applied(std::chrono::minutes(30));
    round = 0;
  }
  std::vector<Round> done;
  for (; round < rounds; ++round) {
    Round rd;
    rd.base = run("/bench/noop", rd.base_cpu, seconds);
    rd.real = run("/v1/webhooks/dkkd", rd.real_cpu, seconds);
    // Accepted deliveries are durable in the intake journal; the applier moves them into
    // the store's tables behind the answers. How far behind it was when the load stopped,
    // and how long it then took to catch up, give the sustained end-to-end rate.
    rd.backlog = receiver.backlog();
    double drain_cpu0 = cpu_seconds();
    auto drain_t0 = std::chrono::steady_clock::now();
    receiver.wait_applied(std::chrono::minutes(10));
    rd.drain_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - drain_t0).count();
    rd.drain_cpu = cpu_seconds() - drain_cpu0;
    done.push_back(rd);
  }
  // The land-tax notices: one run after the rounds, then their catch-up.
  double tax_cpu = cpu_seconds();
  auto tax = bench::run_load(port, connections, std::chrono::seconds(seconds), tax_request_bytes);
  tax_cpu = cpu_seconds() - tax_cpu;
  auto tax_drain_t0 = std::chrono::steady_clock::now();
  receiver.wait_applied(std::chrono::minutes(10));
  double tax_drain_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - tax_drain_t0).count();
  int64_t tax_stored = tax::PushInbox(*db, SystemClock::instance()).count(tax::PushKind::kNotice).value();
  bench::LoadResult base, real;
  double base_cpu = 0, real_cpu = 0, drain_s = 0, drain_cpu = 0;
  size_t backlog_at_end = 0;
  for (const auto& rd : done) {
    base.ok += rd.base.ok;
    base.errors += rd.base.errors;
    base.seconds += rd.base.seconds;
    real.ok += rd.real.ok;
    real.errors += rd.real.errors;
    real.seconds += rd.real.seconds;
    base_cpu += rd.base_cpu;
    real_cpu += rd.real_cpu;
    drain_s += rd.drain_s;
    drain_cpu += rd.drain_cpu;
    backlog_at_end = std::max(backlog_at_end, rd.backlog);
  }
  http.stop();
  std::error_code wal_ec;
  auto wal_bytes = std::filesystem::file_size(so.path + "-wal", wal_ec);
  int64_t stored = dossiers::DossierStore(*db).count_events().value();  // after the drain

  std::cout << "webhook bench: " << connections << " keep-alive connections, " << rounds << " round"
            << (rounds > 1 ? "s" : "") << " of " << seconds << " s per target, loopback, server threads "
            << opts.threads << ", memory allocator " LIENTHONG_ALLOCATOR "\n";
  std::cout << "  store     SQLite WAL, synchronous=" << so.synchronous << ", checkpoints "
            << (so.background_checkpoint ? "in the background" : "inline in COMMIT (SQLite default)")
            << "; 2xx only after the delivery is written to the intake journal ("
            << (so.synchronous == "FULL"
                    ? "pwritev, then one fdatasync for the deliveries of all connections "
                      "that arrived meanwhile"
                : receiver_journal_mapping ? "copied into its mapping"
                                           : "pwritev")
            << ")\n";
  if (prefilled > 0) {
    std::cout << "  prefill   " << prefilled << " webhooks accepted and stored in " << prefill_seconds
              << " s before the rounds (not measured): the rounds write into a store with that history\n";
  }
  if (rounds > 1) {
    std::vector<double> ratios;
    for (size_t i = 0; i < done.size(); ++i) {
      const auto& rd = done[i];
      double q = rd.base.ok_per_second() > 0 ? rd.real.ok_per_second() / rd.base.ok_per_second() : 0;
      ratios.push_back(q);
      std::cout << "  round " << i + 1 << "   baseline " << static_cast<int64_t>(rd.base.ok_per_second())
                << " req/s, webhooks " << static_cast<int64_t>(rd.real.ok_per_second())
                << " accepted/s, ratio " << q << "; caught up in " << rd.drain_s << " s\n";
    }
    std::sort(ratios.begin(), ratios.end());
    const size_t mid = ratios.size() / 2;
    const double median = ratios.size() % 2 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
    std::cout << "  rounds    median ratio " << median << ", lowest " << ratios.front() << ", highest "
              << ratios.back() << "\n";
  }
  std::cout << "  baseline  POST /bench/noop (204, same server, same signed requests): "
            << static_cast<int64_t>(base.ok_per_second()) << " req/s (" << base.ok << " ok, " << base.errors
            << " errors)\n";
  std::cout << "  webhooks  POST /v1/webhooks/dkkd (verified, mapped, durable in the intake journal): "
            << static_cast<int64_t>(real.ok_per_second()) << " accepted/s (" << real.ok << " ok, "
            << real.errors << " errors, " << stored << " events in the store)\n";
  double ratio = base.ok_per_second() > 0 ? real.ok_per_second() / base.ok_per_second() : 0;
  double base_per_cpu = base_cpu > 0 ? base.ok / base_cpu : 0;
  double real_per_cpu = real_cpu > 0 ? real.ok / real_cpu : 0;
  std::cout << "  per CPU-second (server + load client): baseline " << static_cast<int64_t>(base_per_cpu)
            << ", webhooks " << static_cast<int64_t>(real_per_cpu) << " (CPU " << base_cpu << " s / "
            << real_cpu << " s)\n";
  std::cout << "  ratio     " << ratio << " of baseline wall-clock, "
            << (base_per_cpu > 0 ? real_per_cpu / base_per_cpu : 0) << " per CPU-second (target >= 0.5)\n";
  double sustained = real.seconds + drain_s > 0 ? static_cast<double>(real.ok) / (real.seconds + drain_s) : 0;
  double sustained_per_cpu = (real_cpu + drain_cpu) > 0 ? real.ok / (real_cpu + drain_cpu) : 0;
  std::cout << "  applied   at most " << backlog_at_end
            << " accepted deliveries were not yet in the store's tables when a round's load "
            << "stopped; applying them took " << drain_s << " s more in all\n";
  std::cout << "  sustained " << static_cast<int64_t>(sustained) << " webhooks/s accepted and applied (ratio "
            << (base.ok_per_second() > 0 ? sustained / base.ok_per_second() : 0) << " wall-clock, "
            << (base_per_cpu > 0 ? sustained_per_cpu / base_per_cpu : 0) << " per CPU-second)\n";
  std::cout << "  tax notices POST /v1/webhooks/thue-tb (key in the body, base64 XML of 3 LIST lines read, "
               "derived id, durable in the intake journal): "
            << static_cast<int64_t>(tax.ok_per_second()) << " accepted/s (" << tax.ok << " ok, " << tax.errors
            << " errors, " << tax_stored << " pushes in tax_pushes after " << tax_drain_s
            << " s of catch-up), ratio "
            << (base.ok_per_second() > 0 ? tax.ok_per_second() / base.ok_per_second() : 0)
            << " of the rounds' baseline; " << static_cast<int64_t>(tax_cpu > 0 ? tax.ok / tax_cpu : 0)
            << " per CPU-second\n";
  std::cout << "  WAL file at the end: " << (wal_ec ? 0 : wal_bytes / 1024) << " KiB\n";
  std::filesystem::remove_all(dir);
  return 0;
}
