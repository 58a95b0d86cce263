#include "sim/payment_platform/payment_platform_sim.hpp"

#include <atomic>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "gateway/common/json.hpp"
#include "gateway/common/vn_time.hpp"
#include "gateway/server/http_server.hpp"
#include "sim/common/sim_args.hpp"

namespace lienthong::sim {

struct PaymentPlatformSim::Impl {
  PaymentPlatformSimOptions options;
  struct Tx {
    std::string json;
    std::string day;  // yyyyMMdd of ThoiGianGD
  };
  std::vector<Tx> txs;
  std::unique_ptr<server::HttpServer> server;
  std::atomic<int64_t> requests{0};

  server::Response page(server::Request& req) {
    int64_t n = ++requests;
    if (options.fail_every > 0 && n % options.fail_every == 0) {
      return server::Response::json(503, R"({"MaLoi":"99","MoTa":"simulated outage"})");
    }
    auto q = [&](const char* k) {
      auto it = req.query.find(k);
      return it == req.query.end() ? std::string() : it->second;
    };
    std::string from = q("TuNgay"), to = q("DenNgay");
    int page = 1, size = 500;
    try {
      page = std::stoi(q("Trang"));
      size = std::stoi(q("SoBanGhi"));
    } catch (const std::exception&) {
      return server::Response::json(400, R"({"MaLoi":"02","MoTa":"Trang and SoBanGhi must be numbers"})");
    }
    if (from.size() != 8 || to.size() != 8 || page < 1 || size < 1 || size > 5000) {
      return server::Response::json(400, R"({"MaLoi":"02","MoTa":"bad TuNgay/DenNgay/Trang/SoBanGhi"})");
    }
    std::vector<const Tx*> sel;
    for (const auto& t : txs) {
      if (t.day >= from && t.day <= to) sel.push_back(&t);
    }
    std::string body = "{\"TongSoBanGhi\":" + std::to_string(sel.size()) +
                       ",\"TrangHienTai\":" + std::to_string(page) + ",\"DanhSach\":[";
    size_t start = static_cast<size_t>(page - 1) * static_cast<size_t>(size);
    for (size_t i = start; i < sel.size() && i < start + static_cast<size_t>(size); ++i) {
      if (i > start) body += ",";
      body += sel[i]->json;
    }
    return server::Response::json(200, body + "]}");
  }
};

PaymentPlatformSim::PaymentPlatformSim(PaymentPlatformSimOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  std::ifstream in(impl_->options.data_file);
  if (!in) throw std::runtime_error("cannot read " + impl_->options.data_file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto doc = json::parse(line, "payments");
    if (!doc.ok()) throw std::runtime_error(doc.error().message);
    auto when = json::get_string(*doc, "ThoiGianGD");
    impl_->txs.push_back({line, when && when->size() >= 8 ? when->substr(0, 8) : ""});
  }
}

PaymentPlatformSim::~PaymentPlatformSim() {
  stop();
}

uint16_t PaymentPlatformSim::start() {
  server::ServerOptions so;
  so.port = impl_->options.port;
  impl_->server = std::make_unique<server::HttpServer>(so);
  impl_->server->route("GET", "/giao-dich", [this](server::Request& r) { return impl_->page(r); });
  return impl_->server->start();
}

void PaymentPlatformSim::stop() {
  if (impl_->server) impl_->server->stop();
}

int64_t PaymentPlatformSim::requests() const {
  return impl_->requests.load();
}

int run_payment_platform_sim(const std::vector<std::string>& args) {
  PaymentPlatformSimOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
      return args[++i];
    };
    if (args[i] == "--data") {
      o.data_file = value();
    } else if (args[i] == "--port") {
      o.port = static_cast<uint16_t>(std::stoi(value()));
    } else if (args[i] == "--fail-every") {
      o.fail_every = std::stoi(value());
    } else if (args[i] == "--help") {
      std::cout
          << "usage: lienthong-sim payment-platform --data payments.jsonl [--port 0] [--fail-every N]\n";
      return 0;
    } else {
      throw std::invalid_argument("unknown option " + args[i]);
    }
  }
  if (o.data_file.empty()) throw std::invalid_argument("--data FILE is required");
  // sim/main.cpp blocked the shutdown signals before any thread started.
  PaymentPlatformSim sim(o);
  uint16_t port = sim.start();
  print_ready("{\"simulator\":\"payment-platform\",\"port\":" + std::to_string(port) + "}");
  wait_for_shutdown_signal();
  sim.stop();
  return 0;
}

}  // namespace lienthong::sim
