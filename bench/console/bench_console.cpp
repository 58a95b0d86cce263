// Server time of each console page over a file-backed SQLite store of N dossiers (issue
// #20: every page under 200 ms at one million). Fills the store with SQL (recursive CTEs,
// one transaction per table) and an audit chain of real hashes, logs in, then calls
// Console::handle() in-process as the tests do and prints min/median per page. The clock
// moves six minutes before each call, so the overview and the citizen page verify the
// audit chain every time (its cache lasts five minutes): the worst view, not the cached
// one. Baseline in the same run: the login page, which reads no store. Not a test.
//
// usage: bench_console [--dossiers N] [--runs R] [--dir DIR] [--keep 1]   (1000000, 5, system temp)
// --keep 1 leaves the store in DIR (its path is printed), to time queries against it.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "app/console/console.hpp"
#include "app/console/password.hpp"
#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/server/query.hpp"
#include "gateway/flows/calendar/calendar_settings.hpp"
#include "gateway/flows/kpi/late_register.hpp"
#include "gateway/flows/kpi/procedures/procedure_catalogue.hpp"
#include "gateway/flows/reconciliation/run_store.hpp"
#include "gateway/flows/sync/cursor_store.hpp"
#include "gateway/flows/webhooks/receipts.hpp"

using namespace lienthong;
namespace fs = std::filesystem;
using Clk = std::chrono::steady_clock;

namespace {

constexpr int64_t kNow = 1'796'000'000'000;  // 2026-11-30, Vietnam time
constexpr int64_t kDay = 86'400'000;

double ms_since(Clk::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clk::now() - t0).count();
}

void check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.error().message.c_str());
    std::exit(1);
  }
}

// One statement over the integers 1..n (a recursive CTE), timed.
void fill(store::Database& db, const char* table, int64_t n, const std::string& insert_select) {
  auto t0 = Clk::now();
  check(db.transaction([&]() -> Status {
    auto r = db.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) " + insert_select, {n});
    if (!r.ok()) return r.error();
    return {};
  }),
        table);
  std::printf("  %-18s %9lld rows  %6.1f s\n", table, static_cast<long long>(n), ms_since(t0) / 1000.0);
}

// Dossiers received over three years up to kNow, 40 agencies; 90 % finished (one in ten
// of them late), the rest open. Two events each; one outbox message each (1 % dead).
void fill_store(store::Database& db, int64_t n) {
  const std::string span = std::to_string(3 * 365 * kDay / n), now = std::to_string(kNow),
                    day = std::to_string(kDay);
  const std::string code = "printf('000.00.%02d.H40-%07d', i % 40, i)";
  const std::string received = "(" + now + " - i * " + span + ")";
  fill(db, "dossiers", n,
       "INSERT INTO dossiers SELECT " + code +
           ", 'dvc', printf('1.%06d', i % 300), 'Thủ tục ' || (i % 300), "
           "'F' || (i % 12), 1 + i % 3, 1 + i % 2, printf('000.00.%02d.H40', i % 40), 'tinh', " +
           received + ", " + received + " + 15 * " + day + ", NULL, CASE WHEN i % 10 <> 0 THEN " + received +
           " + (5 + i % 12) * " + day + " END, CASE WHEN i % 10 <> 0 THEN 10 ELSE 2 END, " + received +
           " + " + day + ", 2, i % 2, i % 3 = 0, 50000, " + now + " FROM n");
  fill(db, "dossier_events", 2 * n,
       "INSERT INTO dossier_events SELECT printf('000.00.%02d.H40-%07d', ((i + 1) / 2) % 40, (i + 1) / 2), "
       "2 - i % 2, CASE WHEN i % 2 = 1 THEN 1 WHEN ((i + 1) / 2) % 10 <> 0 THEN 10 ELSE 2 END, " +
           now + " - ((i + 1) / 2) * " + span + " + (1 - i % 2) * 8 * " + day + ", 'dvc', '{}', " + now +
           " FROM n");
  fill(
      db, "outbox", n,
      "INSERT INTO outbox (id, destination, kind, ordering_key, dedup_key, content_hash, state, attempts, "
      "created_at_ms, next_attempt_at_ms, sent_at_ms, last_error, dossier_code) SELECT i, CASE i % 10 WHEN 0 "
      "THEN "
      "'payment_platform' WHEN 1 THEN 'lgsp' ELSE 'dvcqg' END, 'dossier_status', CASE i % 10 WHEN 0 THEN "
      "'payment_platform' WHEN 1 THEN 'lgsp' ELSE 'dvcqg' END || ':' || " +
          code +
          ", 'd-' || i, "
          "printf('%064d', i), CASE WHEN i % 100 = 7 THEN 'dead' WHEN i <= 2000 AND i % 5 = 0 THEN 'pending' "
          "ELSE 'sent' END, 1 + (i % 100 = 7) * 4, " +
          received + ", " + received +
          ", CASE WHEN i % 100 = 7 "
          "THEN 0 ELSE " +
          received +
          " + 1000 END, CASE WHEN i % 100 = 7 THEN '400 từ hệ thống nhận' ELSE '' "
          "END, " +
          code + " FROM n");
  fill(db, "outbox_payloads", n,
       "INSERT INTO outbox_payloads SELECT i, '{\"maHoSo\":\"' || " + code +
           " || '\",\"trangThai\":10,\"ghiChu\":\"tải trọng có kích thước điển hình của một sự kiện\"}' FROM "
           "n");
  fill(db, "quarantine", n / 200,
       "INSERT INTO quarantine (source, record_key, reason_kind, reason, payload, quarantined_at_ms, "
       "released_at_ms) SELECT CASE i % 2 WHEN 0 THEN 'sync:dvc' ELSE 'webhook:payment' END, "
       "CASE i % 2 WHEN 0 THEN printf('000.00.%02d.H40-%07d', (i * 200) % 40, i * 200) ELSE "
       "'webhook-id:' || i END, 'mapping', 'mã thủ tục không có trong danh mục', '{}', " +
           now + " - i * 60000, CASE WHEN i % 3 = 0 THEN " + now + " ELSE 0 END FROM n");
  fill(db, "recon_runs", 24,
       "INSERT INTO recon_runs (id, seq, period_from, period_to, as_of, rules, inputs, summary, "
       "created_at_ms) "
       "SELECT printf('run%029d', i), i, printf('2025-%02d-01', 1 + (i - 1) % 12), "
       "printf('2025-%02d-28', 1 + (i - 1) % 12), '2026-11-30', '{}', '{}', '{}', " +
           now + " - (24 - i) * " + day + " FROM n");
  fill(db, "recon_items", 24 * 2000,
       "INSERT INTO recon_items SELECT printf('run%029d', 1 + (i - 1) / 2000), 'k' || i, CASE i % 4 WHEN 0 "
       "THEN 'missing_bank' WHEN 1 THEN 'missing_treasury' WHEN 2 THEN 'amount_mismatch' ELSE "
       "'unknown_reference' END, 'TT' || i, printf('000.00.%02d.H40-%07d', i % 40, i), "
       "printf('000.00.%02d.H40', "
       "i % 40), 50000, CASE WHEN i % 4 = 0 THEN NULL ELSE 50000 END, CASE WHEN i % 4 = 1 THEN NULL ELSE "
       "50000 END, 50000, CASE WHEN i % 4 = 2 THEN 10000 ELSE 0 END, '2025-01-15', '' FROM n");
  fill(db, "recon_refunds", 300,
       "INSERT INTO recon_refunds SELECT 'r' || i, 'TT' || i, printf('000.00.%02d.H40-%07d', i % 40, i), "
       "printf('000.00.%02d.H40', i % 40), 10000, 'amount_mismatch', CASE i % 3 WHEN 0 THEN 'due' WHEN 1 "
       "THEN 'instructed' ELSE 'refunded' END, 'run1', NULL, NULL, " +
           now + " FROM n");
  fill(db, "webhook_receipts", n / 10,
       "INSERT INTO webhook_receipts SELECT CASE i % 2 WHEN 0 THEN 'payment' ELSE 'dvc' END, 'w' || i, "
       "printf('%064d', i), CASE WHEN i % 50 = 0 THEN 422 ELSE 200 END, 'accepted', '{}', " +
           now + " - i * 5000 FROM n");
  fill(db, "sync_cursors", 3,
       "INSERT INTO sync_cursors SELECT CASE i WHEN 1 THEN 'dvc' WHEN 2 THEN 'payment' ELSE 'treasury' END, "
       "'c', " +
           now + " - i * 600000 FROM n");
}

// The citizen lookup audit log: n entries chained with their real hashes (the overview
// and the citizen page verify the chain), in one transaction.
void fill_audit(store::Database& db, int64_t n) {
  auto t0 = Clk::now();
  std::string prev = audit::kGenesisHash;
  check(db.transaction([&]() -> Status {
    for (int64_t i = 1; i <= n; ++i) {
      audit::AuditEntry e;
      e.seq = i;
      e.at_ms = kNow - (n - i) * 10'000;
      e.lookup_id = "tc-" + std::to_string(i);
      e.account = "motcua-" + std::to_string(i % 8);
      e.official = "can-bo-" + std::to_string(i % 50);
      e.agency = "000.00.01.H40";
      e.purpose = i % 3 ? "tiep_nhan_ho_so" : "xac_minh";
      e.result = i % 7 ? "found" : "not_found";
      e.subject = std::string(64, 'a');
      e.prev_hash = prev;
      e.entry_hash = audit::compute_entry_hash(e);
      prev = e.entry_hash;
      auto r = db.exec(
          "INSERT INTO citizen_audit (seq, at_ms, lookup_id, account, official, agency, purpose, "
          "dossier_code, result, subject, detail, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, "
          "?, '', ?, ?)",
          {e.seq, e.at_ms, e.lookup_id, e.account, e.official, e.agency, e.purpose, e.result, e.subject,
           e.prev_hash, e.entry_hash});
      if (!r.ok()) return r.error();
    }
    return {};
  }),
        "citizen_audit");
  std::printf("  %-18s %9lld rows  %6.1f s\n", "citizen_audit", static_cast<long long>(n),
              ms_since(t0) / 1000.0);
}

struct Page {
  std::string label, target;
};

server::Response call(console::Console& c, const std::string& method, const std::string& target,
                      const std::string& body, const std::string& cookie) {
  server::Request req;
  req.method = method;
  req.target = target;
  auto q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos) req.query = server::parse_query(target.substr(q + 1)).value();
  if (!cookie.empty()) req.headers.push_back({"cookie", cookie});
  req.body = body;
  req.remote_address = "127.0.0.1";
  return c.handle(req);
}

double load1() {
  double l[1] = {0};
  return getloadavg(l, 1) == 1 ? l[0] : -1;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 1'000'000;
  int runs = 5;
  fs::path dir = fs::temp_directory_path();
  bool keep = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--dossiers")
      n = std::atoll(argv[i + 1]);
    else if (a == "--runs")
      runs = std::atoi(argv[i + 1]);
    else if (a == "--dir")
      dir = argv[i + 1];
    else if (a == "--keep")
      keep = std::string(argv[i + 1]) == "1";
  }
  if (n < 1000 || runs < 1) {
    std::fprintf(stderr, "usage: bench_console [--dossiers N>=1000] [--runs R>=1] [--dir DIR] [--keep 1]\n");
    return 2;
  }
  const fs::path path = dir / ("bench_console_" + std::to_string(::getpid()) + ".db");
  auto opened = store::open_sqlite({.path = path.string()});
  if (!opened.ok()) return std::fprintf(stderr, "%s\n", opened.error().message.c_str()), 1;
  store::Database& db = **opened;
  for (auto& ms :
       {outbox::Outbox::migrations(), dossiers::DossierStore::migrations(),
        dossiers::Quarantine::migrations(), audit::AuditLog::migrations(), console::Console::migrations(),
        reconciliation::migrations(), webhooks::Receipts::migrations(), sync::CursorStore::migrations(),
        kpi::LateRegister::migrations()})
    check(db.migrate(ms), "migrate");

  std::printf("bench_console: %lld dossiers, %d runs per page, load %.2f, store %s\n",
              static_cast<long long>(n), runs, load1(), path.c_str());
  auto t_fill = Clk::now();
  fill_store(db, n);
  fill_audit(db, n / 5);
  check(db.exec("ANALYZE").ok() ? Status{} : Status(Error(ErrorKind::kInternal, "analyze")), "analyze");
  std::printf("filled in %.1f s\n", ms_since(t_fill) / 1000.0);

  ManualClock clock(kNow);
  outbox::Policy policy;
  outbox::Outbox ob(db, policy, clock);
  procedures::ProcedureCatalogue catalogue;
  auto calc = calendar::make_calculator({});
  check(calc.ok() ? Status{} : Status(calc.error()), "calendar");
  console::ConsoleContext ctx;
  ctx.db = &db;
  ctx.outbox = &ob;
  ctx.clock = &clock;
  ctx.kpi = [&](const kpi::Period& p, kpi::GroupBy by) {
    return kpi::compute_kpi(db, catalogue, p, by, kpi::indicator_ids(), {});
  };
  ctx.late_dossiers = [&](int64_t from, int64_t to) {
    return kpi::late_dossiers(db, *calc, clock.now_ms(), from, to, false);
  };
  ctx.unacknowledged_online = [&](int64_t from, int64_t to) {
    return kpi::unacknowledged_online(db, *calc, clock.now_ms(), from, to, 8);
  };
  console::ConsoleConfig config;
  config.idle_timeout_ms = 30LL * kDay;  // the clock moves minutes per call
  config.users.push_back(
      {"duyet", console::Role::kApprover, console::hash_password("mật khẩu thử").value(), ""});

  const std::string some = "000.00.07.H40-0004007";  // dossier 4007: a dead message (4007 % 100 == 7)
  const std::vector<Page> pages = {
      {"login (baseline)", "/console/login"},
      {"overview", "/console/"},
      {"dossier", "/console/dossier?code=" + some},
      {"outbox (dead)", "/console/outbox"},
      {"outbox (all)", "/console/outbox?state=all"},
      {"outbox record", "/console/outbox/4007"},
      {"quarantine", "/console/quarantine"},
      {"quarantine record", "/console/quarantine/1"},
      {"approvals", "/console/requests"},
      {"reconciliation", "/console/reconciliation"},
      {"kpi", "/console/kpi"},
      {"citizen lookups", "/console/citizen"},
  };
  // Two consoles on the same store. "On demand": no background job, and the clock moves
  // past twice the refresh interval before each call, so every view computes all it
  // shows (the worst case; the first call also pays the hourly whole audit-chain check).
  // "As serve runs it": background_refresh() and refresh() every five minutes (timed
  // apart), the clock moving one minute per call.
  for (bool background : {false, true}) {
    console::Console console(config, ctx);
    if (background) console.background_refresh();
    auto login = call(console, "POST", "/console/login",
                      "user=duyet&password=m%E1%BA%ADt%20kh%E1%BA%A9u%20th%E1%BB%AD", "");
    std::string cookie;
    for (auto& [k, v] : login.headers)
      if (k == "Set-Cookie") cookie = v.substr(0, v.find(';'));
    if (login.status != 303 || cookie.empty())
      return std::fprintf(stderr, "login failed: %d\n", login.status), 1;
    std::vector<double> refreshes;
    int64_t since_refresh = config.refresh_ms;
    auto tick = [&]() -> int {
      if (!background) {
        clock.advance(std::chrono::milliseconds(2 * config.refresh_ms + 60'000));
        return 0;
      }
      clock.advance(std::chrono::minutes(1));
      since_refresh += 60'000;
      if (since_refresh < config.refresh_ms) return 0;
      since_refresh = 0;
      auto t0 = Clk::now();
      Status st = console.refresh();
      refreshes.push_back(ms_since(t0));
      if (!st.ok()) return std::fprintf(stderr, "refresh: %s\n", st.error().message.c_str()), 1;
      return 0;
    };
    std::printf("\n%s\n%-20s %10s %10s %10s %8s\n",
                background ? "as serve runs it (console-refresh job every 5 minutes)"
                           : "on demand (no background job; every view computes what it shows)",
                "page", "first ms", "min ms", "median ms", "KiB");
    for (auto& p : pages) {
      std::vector<double> t;
      size_t bytes = 0;
      for (int r = 0; r <= runs; ++r) {
        if (tick()) return 1;
        auto t0 = Clk::now();
        auto resp = call(console, "GET", p.target, "", cookie);
        t.push_back(ms_since(t0));
        bytes = resp.body.size();
        if (resp.status != 200)
          return std::fprintf(stderr, "%s: status %d\n", p.target.c_str(), resp.status), 1;
      }
      const double first = t.front();
      t.erase(t.begin());
      std::sort(t.begin(), t.end());
      std::printf("%-20s %10.1f %10.1f %10.1f %8zu%s\n", p.label.c_str(), first, t.front(), t[t.size() / 2],
                  bytes / 1024, t[t.size() / 2] > 200 ? "  over 200 ms" : "");
    }
    if (!refreshes.empty()) {
      const double first = refreshes.front();  // with the whole audit-chain check
      std::sort(refreshes.begin(), refreshes.end());
      std::printf("%-20s %10.1f %10.1f %10.1f   (%zu runs, in the background, not in a view)\n", "refresh()",
                  first, refreshes.front(), refreshes[refreshes.size() / 2], refreshes.size());
    }
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("\nload %.2f, peak RSS %ld MiB\n", load1(), ru.ru_maxrss / 1024);
  if (keep) {
    std::printf("store kept: %s\n", path.string().c_str());
    return 0;
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  return 0;
}
