// What a browser (or anyone reaching the admin listener) sends the operator console: the
// path with its query, the Cookie header and the form body, routed and parsed by
// Console::handle. Input: "<METHOD> <target>\n<cookie header>\n<body>".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/console/console.hpp"
#include "app/console/password.hpp"
#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/server/query.hpp"

namespace {

struct Fixture {
  std::unique_ptr<lienthong::store::Database> db;
  std::unique_ptr<lienthong::outbox::Outbox> outbox;
  lienthong::ManualClock clock{1'780'000'000'000};
  std::unique_ptr<lienthong::console::Console> console;

  Fixture() {
    using namespace lienthong;
    db = std::move(store::open_sqlite({.path = ":memory:"}).value());
    for (auto& ms : {outbox::Outbox::migrations(), dossiers::Quarantine::migrations(),
                     audit::AuditLog::migrations(), console::Console::migrations()})
      if (!db->migrate(ms).ok()) std::abort();
    outbox = std::make_unique<outbox::Outbox>(*db, outbox::Policy{}, clock);
    console::ConsoleConfig config;
    config.users.push_back({"vanhanh", console::Role::kOperator, console::hash_password("p").value(), ""});
    console::ConsoleContext ctx;
    ctx.db = db.get();
    ctx.outbox = outbox.get();
    ctx.clock = &clock;
    console = std::make_unique<console::Console>(config, ctx);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture f;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto line = [&in]() {
    auto nl = in.find('\n');
    std::string_view l = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    return std::string(l);
  };
  std::string first = line();
  lienthong::server::Request req;
  auto space = first.find(' ');
  req.method = first.substr(0, space);
  req.target = space == std::string::npos ? "/console/" : first.substr(space + 1);
  auto q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) {
    auto parsed = lienthong::server::parse_query(req.target.substr(q + 1));
    if (parsed.ok()) req.query = std::move(parsed).value();
  }
  req.headers.push_back({"cookie", line()});
  req.body = std::string(in);
  req.remote_address = "127.0.0.1";
  auto r = f.console->handle(req);
  // Nothing is served without the security headers.
  bool csp = false;
  for (auto& [k, v] : r.headers) csp = csp || k == "Content-Security-Policy";
  if (!csp || r.status < 200 || r.status > 599) std::abort();
  return 0;
}
