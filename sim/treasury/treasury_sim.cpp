#include "sim/treasury/treasury_sim.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/server/http_server.hpp"
#include "sim/common/sim_args.hpp"
#include "sim/common/sim_cli.hpp"

namespace lienthong::sim {

namespace {

constexpr std::string_view kDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr std::string_view kOpenRecord = "<ChungTu";
constexpr std::string_view kCloseRecord = "</ChungTu>";
constexpr std::string_view kDateOpen = "<NgayHachToan>";
constexpr int kMaxPageSize = 5000;

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;  // no early exit: the answer time does not tell how much matched
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

server::Response xml(int status, std::string body) {
  return server::Response::text(status, std::move(body), "application/xml; charset=utf-8");
}

}  // namespace

struct TreasurySim::Impl {
  TreasurySimOptions options;
  std::string root_open;  // the export's own <DuLieuKhoBac ...> tag, attributes kept
  struct Record {
    std::string xml;   // verbatim, malformed ones included
    std::string date;  // NgayHachToan text; empty when unreadable (served for every period)
  };
  std::vector<Record> records;
  std::unique_ptr<server::HttpServer> server;
  std::atomic<int64_t> requests{0}, authorised{0};

  void load(const std::string& text) {
    size_t root = text.find("<DuLieuKhoBac");
    size_t root_end = root == std::string::npos ? root : text.find('>', root);
    if (root_end == std::string::npos)
      throw std::runtime_error(options.data_file + ": no <DuLieuKhoBac> root (not a treasury export)");
    root_open = text.substr(root, root_end + 1 - root);
    if (root_open.ends_with("/>")) root_open.erase(root_open.size() - 2).push_back('>');  // empty export
    for (size_t at = text.find(kOpenRecord, root_end); at != std::string::npos;
         at = text.find(kOpenRecord, at)) {
      size_t end = text.find(kCloseRecord, at);
      if (end == std::string::npos) throw std::runtime_error(options.data_file + ": unterminated <ChungTu>");
      Record r{text.substr(at, end + kCloseRecord.size() - at), ""};
      size_t d = r.xml.find(kDateOpen);
      if (d != std::string::npos && d + kDateOpen.size() + 10 <= r.xml.size()) {
        std::string date = r.xml.substr(d + kDateOpen.size(), 10);
        if (vn_time::parse_date(date)) r.date = date;
      }
      records.push_back(std::move(r));
      at = end + kCloseRecord.size();
    }
  }

  server::Response page(server::Request& req) {
    ++requests;
    auto auth = req.header("authorization");
    if (!auth || !same_secret(*auth, "Bearer " + options.token)) {
      return xml(401, "<Loi><MaLoi>401</MaLoi><MoTa>missing or wrong bearer token</MoTa></Loi>\n")
          .with_header("WWW-Authenticate", "Bearer");
    }
    int64_t n = ++authorised;
    if (options.fail_every > 0 && n % options.fail_every == 0)
      return xml(503, "<Loi><MaLoi>503</MaLoi><MoTa>simulated outage</MoTa></Loi>\n");
    auto q = [&](const char* k) {
      auto it = req.query.find(k);
      return it == req.query.end() ? std::string() : it->second;
    };
    std::string from = q("TuNgay"), to = q("DenNgay");
    int page = 0, size = 0;
    try {
      page = std::stoi(q("Trang"));
      size = std::stoi(q("SoBanGhi"));
    } catch (const std::exception&) {
      return xml(400, "<Loi><MaLoi>400</MaLoi><MoTa>Trang and SoBanGhi must be numbers</MoTa></Loi>\n");
    }
    if (!vn_time::parse_date(from) || !vn_time::parse_date(to) || page < 1 || size < 1 ||
        size > kMaxPageSize) {
      return xml(400,
                 "<Loi><MaLoi>400</MaLoi><MoTa>bad TuNgay/DenNgay (yyyy-MM-dd), Trang or SoBanGhi "
                 "(1..5000)</MoTa></Loi>\n");
    }
    std::vector<const Record*> sel;
    for (const auto& r : records) {
      // yyyy-MM-dd compares as text.
      if (r.date.empty() || (r.date >= from && r.date <= to)) sel.push_back(&r);
    }
    size_t per = static_cast<size_t>(size);
    int total_pages = static_cast<int>(std::max<size_t>(1, (sel.size() + per - 1) / per));
    if (page > total_pages) {
      return xml(404, "<Loi><MaLoi>404</MaLoi><MoTa>no such page</MoTa></Loi>\n")
          .with_header("X-Tong-So-Trang", std::to_string(total_pages));
    }
    std::string body(kDeclaration);
    body += root_open + "\n";
    size_t start = static_cast<size_t>(page - 1) * per;
    for (size_t i = start; i < sel.size() && i < start + per; ++i) body += sel[i]->xml + "\n";
    if (page == options.malformed_page) {
      body.resize(body.size() / 2);  // a page cut off in transit: no closing root
    } else {
      body += "</DuLieuKhoBac>\n";
    }
    return xml(200, std::move(body))
        .with_header("X-Trang", std::to_string(page))
        .with_header("X-Tong-So-Trang", std::to_string(total_pages));
  }
};

TreasurySim::TreasurySim(TreasurySimOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (impl_->options.token.empty()) throw std::invalid_argument("the treasury simulator needs a token");
  std::ifstream in(impl_->options.data_file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + impl_->options.data_file);
  std::ostringstream text;
  text << in.rdbuf();
  impl_->load(text.str());
}

TreasurySim::~TreasurySim() {
  stop();
}

uint16_t TreasurySim::start() {
  server::ServerOptions so;
  so.port = impl_->options.port;
  impl_->server = std::make_unique<server::HttpServer>(so);
  impl_->server->route("GET", "/chung-tu", [this](server::Request& r) { return impl_->page(r); });
  return impl_->server->start();
}

void TreasurySim::stop() {
  if (impl_->server) impl_->server->stop();
}

int64_t TreasurySim::requests() const {
  return impl_->requests.load();
}

size_t TreasurySim::records() const {
  return impl_->records.size();
}

int run_treasury_sim(const std::vector<std::string>& args) {
  static const SimSpec spec{
      "treasury",
      "Serves GET /chung-tu?TuNgay=yyyy-MM-dd&DenNgay=yyyy-MM-dd&Trang=N&SoBanGhi=M to requests with "
      "'Authorization: Bearer <the value of $NAME>'.",
      "",
      {{"data", "treasury.xml", "the treasury's export (required)"},
       {"token-env", "NAME", "the environment variable holding the bearer token (required)"},
       {"port", "N", "port to listen on (default 0: any free one)"},
       {"fail-every", "N", "every Nth authorised request answers 503 (default 0: never)"},
       {"malformed-page", "P", "this page is answered cut off before </DuLieuKhoBac> (default 0: none)"}}};
  auto parsed = parse_sim_args(spec, args);
  if (!parsed) return 0;
  TreasurySimOptions o;
  o.data_file = parsed->str("data", "");
  std::string token_env = parsed->str("token-env", "");
  o.port = static_cast<uint16_t>(parsed->integer("port", 0, 0, 65535));
  o.fail_every = static_cast<int>(parsed->integer("fail-every", 0, 0, INT32_MAX));
  o.malformed_page = static_cast<int>(parsed->integer("malformed-page", 0, 0, INT32_MAX));
  if (o.data_file.empty()) throw std::invalid_argument("--data FILE is required");
  if (token_env.empty())
    throw std::invalid_argument("--token-env NAME is required (the bearer token's variable)");
  const char* token = std::getenv(token_env.c_str());
  if (!token || !*token)
    throw std::invalid_argument("environment variable " + token_env + " is unset or empty");
  o.token = token;
  // sim/main.cpp blocked the shutdown signals before any thread started.
  TreasurySim sim(o);
  uint16_t port = sim.start();
  print_ready("{\"simulator\":\"treasury\",\"port\":" + std::to_string(port) + "}");
  wait_for_shutdown_signal();
  sim.stop();
  return 0;
}

}  // namespace lienthong::sim
