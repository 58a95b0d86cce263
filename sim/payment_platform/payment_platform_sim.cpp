#include "sim/payment_platform/payment_platform_sim.hpp"

#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>

#include "adapters/payment_platform/payment_platform.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/server/http_server.hpp"
#include "sim/common/sim_args.hpp"
#include "sim/common/sim_cli.hpp"

namespace lienthong::sim {

namespace pp = payment_platform;

struct PaymentPlatformSim::Impl {
  PaymentPlatformSimOptions options;
  std::map<std::string, pp::Transaction> by_ref;  // MaThamChieu → transaction
  std::unique_ptr<server::HttpServer> server;
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> inits{0};

  static server::Response answer(std::string_view ma_loi, std::string_view mo_ta, std::string_view partner,
                                 std::string_view ref) {
    return server::Response::json(200, "{\"MaLoi\":\"" + std::string(ma_loi) + "\",\"MoTaLoi\":\"" +
                                           std::string(mo_ta) + "\",\"MaDoiTac\":\"" + std::string(partner) +
                                           "\",\"MaThamChieu\":\"" + std::string(ref) + "\"}");
  }

  bool outage() {
    int64_t n = ++requests;
    return options.fail_every > 0 && n % options.fail_every == 0;
  }

  bool authorised(const server::Request& req) const {
    if (options.bearer_token.empty()) return true;
    auto h = req.header("authorization");
    return h && *h == "Bearer " + options.bearer_token;
  }

  // Fields of a QUERY/GET_BILL request as strings; a missing one is empty.
  static std::string field(const rapidjson::Value& v, const char* key) {
    auto s = json::get_string(v, key);
    return s ? *s : std::string();
  }

  server::Response init(server::Request& req) {
    if (outage()) return server::Response::json(503, R"({"MaLoi":"99","MoTaLoi":"simulated outage"})");
    auto i = pp::parse_init(req.body);
    if (!i.ok()) return answer("99", "Dữ liệu không hợp lệ", "", "");
    if (!pp::verify(*i, options.secret))
      return answer("99", "Sai mã xác thực", i->partner_code, i->partner_ref);
    if (i->version != pp::kVersion || i->payment_type != "PAY")
      return answer("99", "Sai phiên bản hoặc loại hình thanh toán", i->partner_code, i->partner_ref);
    ++inits;
    return server::Response::json(
        200, "{\"MaLoi\":\"00\",\"MoTaLoi\":\"Thành công\",\"MaDoiTac\":\"" + i->partner_code +
                 "\",\"MaThamChieu\":\"" + i->partner_ref + "\",\"ThoiGianGD\":\"" + i->created_at +
                 "\",\"UrlThanhToan\":\"http://payment.sim/pay/" + i->partner_ref + "\"}");
  }

  server::Response query(server::Request& req) {
    if (outage()) return server::Response::json(503, R"({"MaLoi":"99","MoTaLoi":"simulated outage"})");
    if (!authorised(req)) return server::Response::json(401, R"({"MaLoi":"99","MoTaLoi":"Unauthorized"})");
    auto doc = json::parse(req.body, "QUERY");
    if (!doc.ok() || !doc->IsObject()) return answer("99", "Dữ liệu không hợp lệ", "", "");
    std::string type = field(*doc, "LoaiBanTin"), version = field(*doc, "PhienBan"),
                partner = field(*doc, "MaDoiTac"), ref = field(*doc, "MaThamChieu"),
                when = field(*doc, "ThoiGianGD"), sig = field(*doc, "MaXacThuc");
    if (type != "QUERY") return answer("99", "Sai loại bản tin", partner, ref);
    if (!pp::same_checksum(sig, pp::compute_ma_xac_thuc({type, version, partner, ref, when}, options.secret)))
      return answer("99", "Sai mã xác thực", partner, ref);
    auto it = by_ref.find(ref);
    if (it == by_ref.end()) return answer("99", "Không tìm thấy giao dịch", partner, ref);
    const auto& t = it->second;
    pp::QueryAnswer a;
    a.error_code = "00";
    a.partner_ref = ref;
    a.transaction_id = t.transaction_id;
    a.amount = t.amount;
    a.bank_code = t.bank_code;
    a.paid_at = t.paid_at;
    a.status = t.status;
    return server::Response::json(200, pp::query_answer_json(a, partner));
  }

  server::Response get_bill(server::Request& req) {
    if (outage()) return server::Response::json(503, R"({"MaLoi":"99","MoTaLoi":"simulated outage"})");
    if (!authorised(req)) return server::Response::json(401, R"({"MaLoi":"99","MoTaLoi":"Unauthorized"})");
    auto doc = json::parse(req.body, "GET_BILL");
    if (!doc.ok() || !doc->IsObject()) return answer("99", "Dữ liệu không hợp lệ", "", "");
    std::string type = field(*doc, "LoaiBanTin"), version = field(*doc, "PhienBan"),
                partner = field(*doc, "MaDoiTac"), ref = field(*doc, "MaThamChieu"),
                tx = field(*doc, "MaGiaoDich"), sig = field(*doc, "MaXacThuc");
    if (type != "GET_BILL") return answer("99", "Sai loại bản tin", partner, ref);
    if (!pp::same_checksum(sig, pp::compute_ma_xac_thuc({type, version, partner, ref, tx}, options.secret)))
      return answer("99", "Sai mã xác thực", partner, ref);
    auto it = by_ref.find(ref);
    if (it == by_ref.end() || it->second.transaction_id != tx || it->second.status != 1)
      return answer("99", "Không tìm thấy biên lai", partner, ref);
    return server::Response::json(
        200, "{\"MaLoi\":\"00\",\"MoTaLoi\":\"Thành công\",\"MaDoiTac\":\"" + partner +
                 "\",\"MaThamChieu\":\"" + ref + "\",\"MaGiaoDich\":\"" + tx + "\",\"SoBienLai\":\"BL" + tx +
                 "\",\"DuongDanBienLai\":" + "\"http://payment.sim/bienlai/" + tx + ".pdf\"}");
  }
};

PaymentPlatformSim::PaymentPlatformSim(PaymentPlatformSimOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  std::ifstream in(impl_->options.data_file);
  if (!in) throw std::runtime_error("cannot read " + impl_->options.data_file);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    auto t = pp::parse_transaction(line, "payments line " + std::to_string(n));
    if (!t.ok()) throw std::runtime_error(t.error().message);
    std::string ref = t->partner_ref;
    impl_->by_ref[ref] = std::move(t).value();
  }
}

PaymentPlatformSim::~PaymentPlatformSim() {
  stop();
}

uint16_t PaymentPlatformSim::start() {
  server::ServerOptions so;
  so.port = impl_->options.port;
  impl_->server = std::make_unique<server::HttpServer>(so);
  impl_->server->route("POST", impl_->options.init_path,
                       [this](server::Request& r) { return impl_->init(r); });
  impl_->server->route("POST", impl_->options.query_path,
                       [this](server::Request& r) { return impl_->query(r); });
  impl_->server->route("POST", impl_->options.get_bill_path,
                       [this](server::Request& r) { return impl_->get_bill(r); });
  return impl_->server->start();
}

void PaymentPlatformSim::stop() {
  if (impl_->server) impl_->server->stop();
}

int64_t PaymentPlatformSim::requests() const {
  return impl_->requests.load();
}

int64_t PaymentPlatformSim::inits() const {
  return impl_->inits.load();
}

std::string PaymentPlatformSim::confirmation_for(const std::string& partner_ref,
                                                 const std::string& ma_loi) const {
  auto it = impl_->by_ref.find(partner_ref);
  if (it == impl_->by_ref.end()) return "";
  const auto& t = it->second;
  pp::Confirmation c;
  c.error_code = ma_loi;
  c.partner_code = t.partner_code;
  c.partner_ref = t.partner_ref;
  c.amount = t.amount;
  c.transaction_id = t.transaction_id;
  c.bank_code = t.bank_code;
  c.paid_at = t.paid_at;
  c.info = "Thanh toan phi, le phi";
  pp::sign(c, impl_->options.secret);
  return pp::to_json(c);
}

int run_payment_platform_sim(const std::vector<std::string>& args) {
  static const SimSpec spec{
      "payment-platform",
      "Answers POST /init, /query and /get-bill as docs/contracts/payment_platform.md says.",
      "",
      {{"data", "payments.jsonl", "the transactions (required)"},
       {"port", "N", "port to listen on (default 0: any free one)"},
       {"fail-every", "N", "every Nth request answers 503 (default 0: never)"},
       {"secret", "S", "the partner's signing secret (default sim-secret)"}}};
  auto parsed = parse_sim_args(spec, args);
  if (!parsed) return 0;
  PaymentPlatformSimOptions o;
  o.data_file = parsed->str("data", "");
  o.port = static_cast<uint16_t>(parsed->integer("port", 0, 0, 65535));
  o.fail_every = static_cast<int>(parsed->integer("fail-every", 0, 0, INT32_MAX));
  o.secret = parsed->str("secret", o.secret);
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
