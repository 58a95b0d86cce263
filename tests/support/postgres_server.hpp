// A real PostgreSQL server for the tests of the PostgreSQL store: initdb into a temporary
// directory, `postgres` listening only on a unix socket in that directory (no port to
// collide with), stopped at the end. PostgreSQL refuses to run as root: as root the
// server runs as the `postgres` system user (runuser). One server per test binary
// (PostgresEnvironment); each test takes a schema of its own (fresh_conninfo).
//
// Missing server binaries are a test failure with a message, never a silent skip.
// LIENTHONG_PG_BINDIR overrides where initdb/pg_ctl are looked for.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace lienthong::testing {

class PostgresServer {
 public:
  // Started by PostgresEnvironment; throws std::runtime_error saying what is missing.
  static PostgresServer& instance() {
    static PostgresServer server;
    return server;
  }

  void start() {
    if (running_) return;
    namespace fs = std::filesystem;
    bindir_ = find_bindir();
    stop_orphans();
    char tmpl[] = "/tmp/lienthong-pg-XXXXXX";
    if (!::mkdtemp(tmpl))
      throw std::runtime_error("postgres test server: cannot create a temporary directory");
    dir_ = tmpl;
    // Who started this server: a later run stops it if this process dies without stop().
    std::ofstream(dir_ + "/owner.pid") << ::getpid() << "\n";
    std::string data = dir_ + "/data";
    if (::geteuid() == 0) {
      struct passwd* pw = ::getpwnam("postgres");
      if (!pw) {
        throw std::runtime_error(
            "postgres test server: running as root and there is no 'postgres' system user to run the server "
            "as (PostgreSQL refuses root); install the Debian package postgresql or run the tests as a "
            "normal "
            "user");
      }
      if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        throw std::runtime_error("postgres test server: cannot hand " + dir_ + " to the postgres user");
      }
      as_user_ = as_user_prefix();
    }
    // Durability is not what these tests are about: fsync off keeps them fast.
    sh(as_user_ + bindir_ + "/initdb -D " + data + " -U lienthong -A trust -E UTF8 --locale=C --no-sync >" +
           dir_ + "/initdb.log 2>&1",
       "initdb", dir_ + "/initdb.log");
    sh(as_user_ + bindir_ + "/pg_ctl -D " + data + " -l " + dir_ + "/server.log -w -t 60 -o \"-k " + dir_ +
           " -c listen_addresses='' -F -c full_page_writes=off -c synchronous_commit=off"
           " -c max_connections=60 -c shared_buffers=32MB\" start >" +
           dir_ + "/pg_ctl.log 2>&1",
       "pg_ctl start", dir_ + "/server.log");
    running_ = true;
  }

  void stop() {
    if (!running_) return;
    running_ = false;
    std::string cmd = as_user_ + bindir_ + "/pg_ctl -D " + dir_ + "/data -m fast -w stop >/dev/null 2>&1";
    (void)std::system(cmd.c_str());
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // The server's maintenance database (the schemas below live in it).
  std::string conninfo() const { return "host=" + dir_ + " dbname=postgres user=lienthong"; }

  // A new empty schema, first on the search path of connections made with the result:
  // tests do not see each other's tables.
  std::string fresh_conninfo() {
    static std::atomic<int> n{0};
    std::string schema = "t" + std::to_string(::getpid()) + "_" + std::to_string(++n);
    execute("CREATE SCHEMA " + schema);
    return conninfo() + " options='-csearch_path=" + schema + "'";
  }

  void execute(const std::string& sql) {
    PGconn* c = PQconnectdb(conninfo().c_str());
    std::string err;
    if (PQstatus(c) != CONNECTION_OK) {
      err = PQerrorMessage(c);
    } else {
      PGresult* r = PQexec(c, sql.c_str());
      if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        err = PQresultErrorMessage(r);
      }
      PQclear(r);
    }
    PQfinish(c);
    if (!err.empty()) throw std::runtime_error("postgres test server: " + sql + ": " + err);
  }

  bool running() const { return running_; }

  ~PostgresServer() { stop(); }

 private:
  PostgresServer() = default;

  // Servers left by a test binary that was killed (SIGKILL, a ctest timeout) before it
  // could stop them: their owner process is gone. Servers of running binaries are kept.
  void stop_orphans() const {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (auto& e : fs::directory_iterator("/tmp", ec)) {
      if (e.path().filename().string().rfind("lienthong-pg-", 0) != 0) continue;
      std::ifstream in(e.path() / "owner.pid");
      pid_t owner = 0;
      if (!(in >> owner) || owner <= 0 || ::kill(owner, 0) == 0 || errno != ESRCH) continue;
      if (fs::exists(e.path() / "data" / "postmaster.pid")) {
        std::string cmd = as_user_prefix() + bindir_ + "/pg_ctl -D " + (e.path() / "data").string() +
                          " -m immediate -w stop >/dev/null 2>&1";
        (void)std::system(cmd.c_str());
      }
      std::error_code rm;
      fs::remove_all(e.path(), rm);
    }
  }
  static std::string as_user_prefix() { return ::geteuid() == 0 ? "runuser -u postgres -- " : ""; }

  static std::string find_bindir() {
    namespace fs = std::filesystem;
    if (const char* env = std::getenv("LIENTHONG_PG_BINDIR"); env && *env) {
      if (!fs::exists(fs::path(env) / "initdb")) {
        throw std::runtime_error(std::string("postgres test server: LIENTHONG_PG_BINDIR=") + env +
                                 " has no initdb");
      }
      return env;
    }
    std::string best;
    int best_version = -1;
    std::error_code ec;
    for (auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
      int v = std::atoi(e.path().filename().c_str());
      if (v > best_version && fs::exists(e.path() / "bin" / "initdb") &&
          fs::exists(e.path() / "bin" / "pg_ctl")) {
        best_version = v;
        best = (e.path() / "bin").string();
      }
    }
    if (best.empty()) {
      throw std::runtime_error(
          "postgres test server: no PostgreSQL server binaries (initdb, pg_ctl) under "
          "/usr/lib/postgresql/*/bin; "
          "install the Debian package postgresql (scripts/setup.sh does) or set LIENTHONG_PG_BINDIR");
    }
    return best;
  }

  static void sh(const std::string& cmd, const std::string& what, const std::string& log) {
    int rc = std::system(cmd.c_str());
    if (rc != 0) {
      std::ifstream in(log);
      std::stringstream text;
      text << in.rdbuf();
      throw std::runtime_error("postgres test server: " + what + " failed (status " + std::to_string(rc) +
                               "): " + text.str());
    }
  }

  std::string bindir_;
  std::string dir_;
  std::string as_user_;
  bool running_ = false;
};

// Starts the server before the binary's first test and stops it after the last.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    try {
      PostgresServer::instance().start();
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }
  void TearDown() override { PostgresServer::instance().stop(); }
};

}  // namespace lienthong::testing
