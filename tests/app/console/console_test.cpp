// Handler tests of the operator console: Console::handle() called with plain Requests
// over an in-memory store (no sockets), with a manual clock for the idle timeout.
#include "app/console/console.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "app/console/html.hpp"
#include "app/console/password.hpp"
#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/server/query.hpp"
#include "gateway/flows/reconciliation/run_store.hpp"
#include "gateway/flows/webhooks/receipts.hpp"

namespace lienthong::console {
namespace {

using server::Request;
using server::Response;

const std::string kPassword = "Mật-khẩu 2026";

const std::string& shared_hash() {
  static const std::string h = hash_password(kPassword).value();
  return h;
}

std::optional<std::string> header(const Response& r, const std::string& name) {
  for (auto& [k, v] : r.headers)
    if (k == name) return v;
  return std::nullopt;
}

struct Client {
  std::string cookie;  // "lt_console=..."
  std::string csrf;
};

class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(store::open_sqlite({.path = ":memory:"}).value());
    for (auto& ms : {outbox::Outbox::migrations(), dossiers::DossierStore::migrations(),
                     dossiers::Quarantine::migrations(), audit::AuditLog::migrations(), Console::migrations(),
                     reconciliation::migrations(), webhooks::Receipts::migrations()})
      ASSERT_TRUE(db_->migrate(ms).ok());
    policy_.max_attempts = 1;
    outbox_ = std::make_unique<outbox::Outbox>(*db_, policy_, clock_);
    make_console(false);
  }

  void make_console(bool secure,
                    std::function<Result<kpi::KpiReport>(const kpi::Period&, kpi::GroupBy)> kpi = nullptr,
                    std::vector<std::pair<std::string, std::string>> certificates = {}) {
    ConsoleConfig config;
    for (auto [name, role] : {std::pair{"xem", Role::kViewer}, std::pair{"vanhanh", Role::kOperator},
                              std::pair{"duyet1", Role::kApprover}, std::pair{"duyet2", Role::kApprover}})
      config.users.push_back({name, role, shared_hash(), ""});
    config.four_eyes_destinations = {"payment_platform"};
    ConsoleContext ctx;
    ctx.db = db_.get();
    ctx.outbox = outbox_.get();
    ctx.clock = &clock_;
    ctx.secure_cookies = secure;
    ctx.kpi = std::move(kpi);
    ctx.certificates = std::move(certificates);
    ctx.refund_approval = refund_approval_;
    console_ = std::make_unique<Console>(config, ctx);
  }

  Response call(const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& cookie = "", const std::string& address = "127.0.0.1") {
    Request req;
    req.method = method;
    req.target = target;
    auto qpos = target.find('?');
    req.path = target.substr(0, qpos);
    if (qpos != std::string::npos) req.query = server::parse_query(target.substr(qpos + 1)).value();
    if (!cookie.empty()) req.headers.push_back({"cookie", cookie});
    req.body = body;
    req.remote_address = address;
    return console_->handle(req);
  }

  Response login_as(const std::string& user, const std::string& password,
                    const std::string& address = "127.0.0.1") {
    return call("POST", "/console/login", "user=" + user + "&password=" + url(password), "", address);
  }

  static std::string url(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
    return out;
  }

  Client login(const std::string& user) {
    Response r = login_as(user, kPassword);
    EXPECT_EQ(r.status, 303) << r.body;
    auto set = header(r, "Set-Cookie");
    EXPECT_TRUE(set.has_value());
    Client c;
    c.cookie = set ? set->substr(0, set->find(';')) : "";
    Response page = call("GET", "/console/", "", c.cookie);
    EXPECT_EQ(page.status, 200);
    const std::string marker = "name=\"csrf\" value=\"";
    auto pos = page.body.find(marker);
    EXPECT_NE(pos, std::string::npos);
    if (pos != std::string::npos) c.csrf = page.body.substr(pos + marker.size(), 64);
    return c;
  }

  Response post(const Client& c, const std::string& path, const std::string& reason) {
    return call("POST", path, "csrf=" + c.csrf + "&reason=" + url(reason), c.cookie);
  }

  int64_t dead_letter(const std::string& destination, const std::string& dossier) {
    auto id =
        outbox_->enqueue({destination, "dossier_status", destination + ":" + dossier, "d-" + dossier, "{}"});
    EXPECT_TRUE(id.ok());
    auto claimed = outbox_->claim(destination, 10);
    EXPECT_TRUE(claimed.ok() && claimed->size() == 1);
    auto st = outbox_->mark_failed(id->id, Error(ErrorKind::kClient, "400 from upstream"));
    EXPECT_TRUE(st.ok() && *st == outbox::State::kDead);
    return id->id;
  }

  outbox::State state_of(int64_t id) { return outbox_->get(id).value().state; }

  std::vector<audit::AuditEntry> trail(const std::string& record) {
    return audit::AuditLog(*db_).of_lookup_id(record).value();
  }

  ManualClock clock_{1'780'000'000'000};
  bool refund_approval_ = false;
  std::unique_ptr<store::Database> db_;
  outbox::Policy policy_;
  std::unique_ptr<outbox::Outbox> outbox_;
  std::unique_ptr<Console> console_;
};

TEST_F(ConsoleTest, LoginPageIsVietnameseWithStrictCspAndNoInlineScript) {
  Response r = call("GET", "/console/login");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Đăng nhập bảng điều khiển"), std::string::npos);
  EXPECT_NE(r.body.find("Mật khẩu"), std::string::npos);
  EXPECT_NE(r.body.find("<label for=\"user\">"), std::string::npos);
  EXPECT_EQ(header(r, "Content-Security-Policy").value_or("").rfind("default-src 'self'", 0), 0u);
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);
  EXPECT_EQ(r.body.find("style="), std::string::npos);
}

TEST_F(ConsoleTest, AssetsAreServedFromTheBinary) {
  Response css = call("GET", "/console/assets/console.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_NE(css.body.find(".light.red"), std::string::npos);
  EXPECT_EQ(header(css, "Content-Type").value_or(""), "text/css; charset=utf-8");
  Response js = call("GET", "/console/assets/console.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_NE(js.body.find("data-confirm"), std::string::npos);
  EXPECT_EQ(call("GET", "/console/assets/favicon.svg").status, 200);
  EXPECT_EQ(call("GET", "/console/assets/other.js").status, 404);
}

TEST_F(ConsoleTest, PagesNeedALoginAndPostsWithoutOneAreRefused) {
  Response r = call("GET", "/console/outbox");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location").value_or(""), "/console/login");
  int64_t id = dead_letter("dvcqg", "H56.01-261201-0001");
  EXPECT_EQ(call("POST", "/console/outbox/" + std::to_string(id) + "/replay", "reason=x").status, 401);
  EXPECT_EQ(state_of(id), outbox::State::kDead);
}

TEST_F(ConsoleTest, SessionCookieIsHttpOnlyStrictAndSecureUnderTls) {
  auto set = header(login_as("xem", kPassword), "Set-Cookie").value_or("");
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(set.find("Secure"), std::string::npos);
  make_console(true);
  set = header(login_as("xem", kPassword), "Set-Cookie").value_or("");
  EXPECT_NE(set.find("; Secure"), std::string::npos);
}

TEST_F(ConsoleTest, WrongPasswordIsRefusedAndRepeatedFailuresAreRateLimited) {
  Response r = login_as("vanhanh", "sai");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("không đúng"), std::string::npos);
  EXPECT_FALSE(header(r, "Set-Cookie").has_value());
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(login_as("vanhanh", "sai", "10.0.0." + std::to_string(i)).status, 401);
  // Five failures for this user: even the right password waits for the window.
  r = login_as("vanhanh", kPassword, "10.0.0.9");
  EXPECT_EQ(r.status, 429);
  EXPECT_NE(r.body.find("quá nhiều lần"), std::string::npos);
  // Per address too: another user from an address that failed five times.
  for (int i = 0; i < 5; ++i) login_as("nobody" + std::to_string(i), "x", "10.9.9.9");
  EXPECT_EQ(login_as("xem", kPassword, "10.9.9.9").status, 429);
  EXPECT_EQ(login_as("xem", kPassword, "10.9.9.8").status, 303);
  clock_.advance(std::chrono::minutes(16));
  EXPECT_EQ(login_as("vanhanh", kPassword, "10.0.0.9").status, 303);
}

TEST_F(ConsoleTest, IdleSessionExpires) {
  Client c = login("xem");
  clock_.advance(std::chrono::minutes(14));
  EXPECT_EQ(call("GET", "/console/", "", c.cookie).status, 200);
  clock_.advance(std::chrono::minutes(16));
  EXPECT_EQ(call("GET", "/console/", "", c.cookie).status, 303);
}

TEST_F(ConsoleTest, EveryPageRendersInVietnamese) {
  model::DossierStatusEvent e;
  e.source = "one_stop_shop";
  e.dossier_code = "H56.01-261201-0002";
  e.procedure_code = "1.003560.000.00.00.H56";
  e.procedure_name = "Đăng ký khai sinh";
  e.owner_name = "Nguyễn Văn Bí Mật";
  e.owner_id_number = "001099012345";
  e.agency_code = "000.00.01.H56";
  e.received_at_ms = clock_.now_ms();
  e.due_at_ms = clock_.now_ms() + 86'400'000;
  e.status = 2;
  e.status_at_ms = clock_.now_ms();
  e.sequence = 1;
  ASSERT_TRUE(dossiers::DossierStore(*db_).record(e, clock_.now_ms()).ok());
  dead_letter("dvcqg", e.dossier_code);
  Client c = login("xem");
  const std::vector<std::pair<std::string, std::string>> pages = {
      {"/console/", "Hộp thư đi theo đích gửi"},
      {"/console/dossier?code=H56.01-261201-0002", "Lịch sử trạng thái"},
      {"/console/outbox", "Gửi thất bại (thư chết)"},
      {"/console/outbox/1", "Số lần gửi"},
      {"/console/quarantine", "bản ghi"},
      {"/console/requests", "người phê duyệt"},
      {"/console/reconciliation", "Chưa có lần đối soát nào"},
      {"/console/kpi", "Chỉ số"},
      {"/console/citizen", "Lượt tra cứu trong 30 ngày gần nhất"},
  };
  for (auto& [path, text] : pages) {
    Response r = call("GET", path, "", c.cookie);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_NE(r.body.find(text), std::string::npos) << path << " lacks " << text;
    EXPECT_NE(r.body.find("<html lang=\"vi\">"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("001099012345"), std::string::npos) << path << " shows a personal ID";
    EXPECT_EQ(r.body.find("Bí Mật"), std::string::npos) << path << " shows a name";
  }
  Response d = call("GET", "/console/dossier?code=H56.01-261201-0002", "", c.cookie);
  EXPECT_NE(d.body.find("Đăng ký khai sinh"), std::string::npos);
  EXPECT_NE(d.body.find("400 from upstream"), std::string::npos);
}

// The dossier's messages are those whose ordering key names it after the first ':', in
// any state and under any prefix; a longer code or a key naming another part is not it.
TEST_F(ConsoleTest, DossierPageListsExactlyTheMessagesOfItsKeys) {
  const std::string code = "H56.01-261201-0003";
  model::DossierStatusEvent e;
  e.source = "one_stop_shop";
  e.dossier_code = code;
  e.procedure_code = "1.003560.000.00.00.H56";
  e.agency_code = "000.00.01.H56";
  e.received_at_ms = e.status_at_ms = clock_.now_ms();
  e.due_at_ms = clock_.now_ms() + 86'400'000;
  e.status = 2;
  e.sequence = 1;
  ASSERT_TRUE(dossiers::DossierStore(*db_).record(e, clock_.now_ms()).ok());
  auto enqueue = [&](const std::string& dest, const std::string& key, const std::string& dedup) {
    auto r = outbox_->enqueue({dest, "dossier_status", key, dedup, "{}"});
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->id : 0;
  };
  int64_t sent = enqueue("dvcqg", "dossier:" + code, "m1");
  ASSERT_TRUE(outbox_->claim("dvcqg", 10).ok());
  ASSERT_TRUE(outbox_->mark_sent({sent}).ok());
  int64_t notice = enqueue("one_stop_shop_notify", "one_stop_shop_notify:" + code, "m2");
  int64_t longer = enqueue("dvcqg", "dossier:" + code + "1", "m3");
  int64_t nested = enqueue("dvcqg", "a:b:" + code, "m4");
  int64_t bare = enqueue("dvcqg", code, "m5");  // no prefix: the key is the dossier
  Response r = call("GET", "/console/dossier?code=" + code, "", login("xem").cookie);
  ASSERT_EQ(r.status, 200);
  auto listed = [&](int64_t id) {
    return r.body.find("href=\"/console/outbox/" + std::to_string(id) + "\"") != std::string::npos;
  };
  EXPECT_TRUE(listed(sent));
  EXPECT_TRUE(listed(notice));
  EXPECT_TRUE(listed(bare));
  EXPECT_FALSE(listed(longer));
  EXPECT_FALSE(listed(nested));
  EXPECT_NE(r.body.find("Thành công"), std::string::npos);
}

TEST_F(ConsoleTest, ViewerCannotActAndSeesNoActionForms) {
  int64_t id = dead_letter("dvcqg", "H56.01-261201-0003");
  Client c = login("xem");
  Response page = call("GET", "/console/outbox/" + std::to_string(id), "", c.cookie);
  EXPECT_EQ(page.body.find("/replay"), std::string::npos);
  Response r = post(c, "/console/outbox/" + std::to_string(id) + "/replay", "thử lại");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("Không có quyền"), std::string::npos);
  EXPECT_EQ(state_of(id), outbox::State::kDead);
  EXPECT_TRUE(trail("outbox:" + std::to_string(id)).empty());
}

TEST_F(ConsoleTest, PostWithoutOrWithAWrongCsrfTokenIsRefused) {
  int64_t id = dead_letter("dvcqg", "H56.01-261201-0004");
  Client c = login("vanhanh");
  const std::string path = "/console/outbox/" + std::to_string(id) + "/replay";
  EXPECT_EQ(call("POST", path, "reason=x", c.cookie).status, 403);
  EXPECT_EQ(call("POST", path, "csrf=" + std::string(64, 'a') + "&reason=x", c.cookie).status, 403);
  // Another session's token is not this session's.
  Client other = login("duyet1");
  EXPECT_EQ(call("POST", path, "csrf=" + other.csrf + "&reason=x", c.cookie).status, 403);
  EXPECT_EQ(state_of(id), outbox::State::kDead);
}

TEST_F(ConsoleTest, OperatorReplaysADeadLetterWithAReasonAndTheActionIsAudited) {
  int64_t id = dead_letter("dvcqg", "H56.01-261201-0005");
  Client c = login("vanhanh");
  const std::string path = "/console/outbox/" + std::to_string(id) + "/replay";
  EXPECT_EQ(post(c, path, "   ").status, 400);
  EXPECT_EQ(state_of(id), outbox::State::kDead);
  Response r = post(c, path, "DVCQG đã sửa lỗi cấu hình");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(state_of(id), outbox::State::kPending);
  auto entries = trail("outbox:" + std::to_string(id));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].official, "vanhanh");
  EXPECT_EQ(entries[0].purpose, "console:outbox.replay");
  EXPECT_EQ(entries[0].result, "done");
  EXPECT_EQ(entries[0].dossier_code, "H56.01-261201-0005");
  EXPECT_NE(entries[0].detail.find("DVCQG đã sửa lỗi cấu hình"), std::string::npos);
  EXPECT_EQ(entries[0].account, "-");
  EXPECT_TRUE(audit::AuditLog(*db_).verify().value().intact);
  Response page = call("GET", header(r, "Location").value(), "", c.cookie);
  EXPECT_NE(page.body.find("Đã đưa thư trở lại hàng đợi gửi."), std::string::npos);
  EXPECT_NE(page.body.find("DVCQG đã sửa lỗi cấu hình"), std::string::npos);
  EXPECT_NE(page.body.find("vanhanh"), std::string::npos);
}

// The dossier page and a message's page list every delivery attempt and its answer.
TEST_F(ConsoleTest, DossierPageListsEveryDeliveryAttemptAndItsAnswer) {
  model::DossierStatusEvent e;
  e.source = "one_stop_shop";
  e.dossier_code = "H56.01-261201-0031";
  e.procedure_code = "1.003560.000.00.00.H56";
  e.agency_code = "000.00.01.H56";
  e.received_at_ms = e.status_at_ms = clock_.now_ms();
  e.status = 2;
  e.sequence = 1;
  ASSERT_TRUE(dossiers::DossierStore(*db_).record(e, clock_.now_ms()).ok());
  int64_t id = dead_letter("dvcqg", "H56.01-261201-0031");  // one failed attempt: dead (max_attempts 1)
  ASSERT_TRUE(outbox_->replay(id).ok());
  ASSERT_EQ(outbox_->claim("dvcqg", 10)->size(), 1u);
  ASSERT_TRUE(outbox_->mark_sent({id}).ok());
  Client c = login("xem");
  Response r = call("GET", "/console/dossier?code=H56.01-261201-0031", "", c.cookie);
  EXPECT_NE(r.body.find("Các lần gửi và câu trả lời"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Thất bại, thành thư chết"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<td>Thành công</td>"), std::string::npos);
  Response m = call("GET", "/console/outbox/" + std::to_string(id), "", c.cookie);
  EXPECT_NE(m.body.find("Thất bại, thành thư chết"), std::string::npos) << m.body;
}

TEST_F(ConsoleTest, OperatorDiscardsADeadLetter) {
  int64_t id = dead_letter("dvcqg", "H56.01-261201-0006");
  Client c = login("vanhanh");
  EXPECT_EQ(post(c, "/console/outbox/" + std::to_string(id) + "/discard", "hồ sơ đã huỷ").status, 303);
  EXPECT_EQ(state_of(id), outbox::State::kDiscarded);
  EXPECT_EQ(trail("outbox:" + std::to_string(id)).at(0).purpose, "console:outbox.discard");
}

TEST_F(ConsoleTest, PaymentReplayNeedsASecondPersonWithTheApproverRole) {
  int64_t id = dead_letter("payment_platform", "H56.01-261201-0007");
  Client requester = login("duyet1");
  EXPECT_EQ(
      post(requester, "/console/outbox/" + std::to_string(id) + "/replay", "ngân hàng đã xác nhận").status,
      303);
  EXPECT_EQ(state_of(id), outbox::State::kDead);
  auto rows = db_->query("SELECT id, state, requested_by FROM console_requests").value();
  ASSERT_EQ(rows.size(), 1u);
  const std::string request = rows[0].str(0);
  EXPECT_EQ(rows[0].str(1), "pending");
  // The requester cannot approve their own request, nor can an operator.
  Response own = post(requester, "/console/requests/" + request + "/approve", "tự duyệt");
  EXPECT_EQ(own.status, 403);
  EXPECT_NE(own.body.find("không thể tự phê duyệt"), std::string::npos);
  EXPECT_EQ(post(login("vanhanh"), "/console/requests/" + request + "/approve", "duyệt").status, 403);
  EXPECT_EQ(state_of(id), outbox::State::kDead);
  Response list = call("GET", "/console/requests", "", login("duyet2").cookie);
  EXPECT_NE(list.body.find("/console/requests/" + request + "/approve"), std::string::npos);
  EXPECT_EQ(post(login("duyet2"), "/console/requests/" + request + "/approve", "đã đối chiếu sao kê").status,
            303);
  EXPECT_EQ(state_of(id), outbox::State::kPending);
  auto entries = trail("outbox:" + std::to_string(id));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].result, "requested");
  EXPECT_EQ(entries[0].official, "duyet1");
  EXPECT_EQ(entries[1].result, "approved");
  EXPECT_EQ(entries[1].official, "duyet2");
  // Decided once.
  EXPECT_EQ(post(login("duyet2"), "/console/requests/" + request + "/approve", "lần nữa").status, 409);
}

// reconciliation.refund_approval "four_eyes": an operator asks for a refund instruction,
// an approver other than them approves; the refund is then approved for the next run.
TEST_F(ConsoleTest, ARefundInstructionNeedsARequestAndAnotherPersonsApproval) {
  ASSERT_TRUE(
      db_->exec("INSERT INTO recon_runs (id, seq, period_from, period_to, as_of, rules, inputs, summary, "
                "created_at_ms) VALUES ('run-1', 1, '2026-11-01', '2026-11-30', '2026-12-05', 'r', '[]', "
                "'{}', ?)",
                {clock_.now_ms()})
          .ok());
  ASSERT_TRUE(
      db_->exec("INSERT INTO recon_refunds (refund_key, reference, dossier, agency, amount, reason, state, "
                "opened_run, updated_at_ms) VALUES ('GD77', 'GD77', 'H56.01-261201-0077', '000.00.01.H56', "
                "150000, 'duplicate_payment', 'due', 'run-1', 0)")
          .ok());
  auto refund_state = [&] {
    return db_->query("SELECT state FROM recon_refunds WHERE refund_key = 'GD77'").value().at(0).str(0);
  };
  // Without the setting a run instructs refunds itself: the console offers nothing.
  Client op = login("vanhanh");
  EXPECT_EQ(call("GET", "/console/refunds/GD77", "", op.cookie).body.find("/console/refunds/GD77/issue"),
            std::string::npos);
  EXPECT_EQ(post(op, "/console/refunds/GD77/issue", "trùng thanh toán").status, 409);
  refund_approval_ = true;
  make_console(false);
  op = login("vanhanh");
  Response page = call("GET", "/console/refunds/GD77", "", op.cookie);
  EXPECT_NE(page.body.find("150.000 đồng"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("/console/refunds/GD77/issue"), std::string::npos);
  EXPECT_NE(call("GET", "/console/reconciliation", "", op.cookie).body.find("href=\"/console/refunds/GD77\""),
            std::string::npos);
  EXPECT_EQ(post(login("xem"), "/console/refunds/GD77/issue", "xem thử").status, 403);
  EXPECT_EQ(post(op, "/console/refunds/GD77/issue", "").status, 400);
  EXPECT_EQ(post(op, "/console/refunds/GD77/issue", "người nộp chuyển hai lần").status, 303);
  EXPECT_EQ(refund_state(), "due");
  EXPECT_EQ(post(op, "/console/refunds/GD77/issue", "lần nữa").status, 409);  // one request at a time
  auto rows = db_->query("SELECT id, action FROM console_requests").value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].str(1), "refund.issue");
  const std::string request = rows[0].str(0);
  EXPECT_EQ(post(op, "/console/requests/" + request + "/approve", "tự duyệt").status, 403);
  Client approver = login("duyet1");
  EXPECT_NE(call("GET", "/console/requests", "", approver.cookie).body.find("/console/refunds/GD77"),
            std::string::npos);
  EXPECT_EQ(post(approver, "/console/requests/" + request + "/approve", "đã đối chiếu sao kê").status, 303);
  EXPECT_EQ(refund_state(), "approved");
  auto entries = trail("refund:GD77");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].official, "vanhanh");
  EXPECT_EQ(entries[1].official, "duyet1");
  EXPECT_EQ(entries[1].result, "approved");
  EXPECT_NE(call("GET", "/console/refunds/GD77", "", approver.cookie).body.find("Đã duyệt, chờ lập lệnh"),
            std::string::npos);
  EXPECT_EQ(post(approver, "/console/refunds/GD77/issue", "lại").status, 409);  // no longer due
  EXPECT_EQ(call("GET", "/console/refunds/GD78", "", approver.cookie).status, 404);
}

TEST_F(ConsoleTest, OperatorReleasesAQuarantinedRecord) {
  auto qid = dossiers::Quarantine(*db_).put("one_stop_shop", "H56.01-261201-0008#1",
                                            Error(ErrorKind::kMapping, "MaTTHC không có trong bảng mã"), "{}",
                                            clock_.now_ms());
  ASSERT_TRUE(qid.ok());
  Client c = login("vanhanh");
  const std::string page_path = "/console/quarantine/" + std::to_string(*qid);
  Response page = call("GET", page_path, "", c.cookie);
  EXPECT_NE(page.body.find("MaTTHC không có trong bảng mã"), std::string::npos);
  EXPECT_NE(page.body.find(page_path + "/release"), std::string::npos);
  // A one-stop-shop record is not a webhook delivery: no retry offered.
  EXPECT_EQ(page.body.find(page_path + "/retry"), std::string::npos);
  EXPECT_EQ(post(c, page_path + "/release", "đã sửa tại nguồn").status, 303);
  EXPECT_NE(dossiers::Quarantine(*db_).get(*qid).value()->released_at_ms, 0);
  auto entries = trail("quarantine:" + std::to_string(*qid));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].dossier_code, "H56.01-261201-0008");
  EXPECT_EQ(post(c, page_path + "/release", "lần nữa").status, 409);
  // Retry without a webhooks section is refused with a reason, and audited as failed.
  auto qid2 = dossiers::Quarantine(*db_).put("webhook:bo-tu-phap", "H56.01-261201-0009#1",
                                             Error(ErrorKind::kMapping, "x"), "{}", clock_.now_ms());
  EXPECT_EQ(post(c, "/console/quarantine/" + std::to_string(*qid2) + "/retry", "thử").status, 409);
  EXPECT_EQ(trail("quarantine:" + std::to_string(*qid2)).at(0).result, "failed");
}

TEST_F(ConsoleTest, LogoutEndsTheSession) {
  Client c = login("xem");
  EXPECT_EQ(call("POST", "/console/logout", "csrf=" + c.csrf, c.cookie).status, 303);
  EXPECT_EQ(call("GET", "/console/", "", c.cookie).status, 303);
}

TEST_F(ConsoleTest, CitizenPageCountsLookupsWithoutPersonalData) {
  audit::AuditEntry e;
  e.at_ms = clock_.now_ms();
  e.lookup_id = "abc";
  e.account = "so-tu-phap";
  e.purpose = "xac_minh_ho_so";
  e.result = "found";
  e.subject = "pseudonym-0123456789";
  e.dossier_code = "H56.01-261201-0010";
  ASSERT_TRUE(audit::AuditLog(*db_).append(e).ok());
  Response r = call("GET", "/console/citizen", "", login("xem").cookie);
  EXPECT_NE(r.body.find("so-tu-phap"), std::string::npos);
  EXPECT_NE(r.body.find("xac_minh_ho_so"), std::string::npos);
  EXPECT_EQ(r.body.find("pseudonym-0123456789"), std::string::npos);
  EXPECT_EQ(r.body.find("H56.01-261201-0010"), std::string::npos);
  EXPECT_NE(r.body.find("nguyên vẹn: 1 mục"), std::string::npos);
  EXPECT_NE(r.body.find(format_day(vn_time::days_from_civil(vn_time::to_vietnam(e.at_ms).year,
                                                            vn_time::to_vietnam(e.at_ms).month,
                                                            vn_time::to_vietnam(e.at_ms).day))),
            std::string::npos);
}

constexpr int64_t kTestDayMs = 86'400'000;

// One grouped pass feeds the four tables: each sums its own column over the others.
TEST_F(ConsoleTest, CitizenPageSumsEachColumnOverTheWindow) {
  audit::AuditLog log(*db_);
  auto add = [&](const std::string& account, const std::string& purpose, const std::string& result,
                 int64_t at_ms) {
    audit::AuditEntry e;
    e.at_ms = at_ms;
    e.lookup_id = "l" + std::to_string(at_ms);
    e.account = account;
    e.purpose = purpose;
    e.result = result;
    e.subject = "s";
    ASSERT_TRUE(log.append(e).ok());
  };
  const int64_t now = clock_.now_ms();
  add("so-tu-phap", "xac_minh", "found", now - 31 * kTestDayMs);  // outside the window
  add("so-tu-phap", "xac_minh", "found", now - 2 * kTestDayMs);
  add("so-tu-phap", "cap_ban_sao", "not_found", now - 2 * kTestDayMs);
  add("ubnd-xa", "xac_minh", "found", now);
  add("ubnd-xa", "xac_minh", "intent", now);       // counted by its outcome entry, not itself
  add("ubnd-xa", "console:replay", "found", now);  // not a lookup
  Response r = call("GET", "/console/citizen", "", login("xem").cookie);
  auto row = [](const std::string& key, int n) {
    return "<tr><td>" + key + "</td><td class=\"num\">" + std::to_string(n) + "</td></tr>";
  };
  EXPECT_NE(r.body.find(row("so-tu-phap", 2)), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(row("ubnd-xa", 1)), std::string::npos);
  EXPECT_NE(r.body.find(row("cap_ban_sao", 1) + row("xac_minh", 2)), std::string::npos);  // sorted
  EXPECT_NE(r.body.find(row("found", 2) + row("not_found", 1)), std::string::npos);
  EXPECT_EQ(r.body.find("console:replay"), std::string::npos);
  auto day = [](int64_t ms) {
    auto t = vn_time::to_vietnam(ms);
    return format_day(vn_time::days_from_civil(t.year, t.month, t.day));
  };
  EXPECT_NE(r.body.find(row(day(now - 2 * kTestDayMs), 2) + row(day(now), 1)), std::string::npos);
  EXPECT_EQ(r.body.find(day(now - 31 * kTestDayMs)), std::string::npos);
}

// Between whole checks (hourly) each view verifies only the entries appended since the
// verified head: new entries are counted, and a bad one among them breaks the chain.
TEST_F(ConsoleTest, AuditChainStatusVerifiesAppendedEntriesBetweenWholeChecks) {
  audit::AuditEntry e;
  e.at_ms = clock_.now_ms();
  e.lookup_id = "a1";
  e.account = "so-tu-phap";
  e.purpose = "xac_minh_ho_so";
  e.result = "found";
  ASSERT_TRUE(audit::AuditLog(*db_).append(e).ok());
  Client c = login("xem");
  EXPECT_NE(call("GET", "/console/citizen", "", c.cookie).body.find("nguyên vẹn: 1 mục"), std::string::npos);
  e.lookup_id = "a2";
  ASSERT_TRUE(audit::AuditLog(*db_).append(e).ok());
  clock_.advance(std::chrono::minutes(1));
  EXPECT_NE(call("GET", "/console/citizen", "", c.cookie).body.find("nguyên vẹn: 2 mục"), std::string::npos);
  e.lookup_id = "a3";
  ASSERT_TRUE(audit::AuditLog(*db_).append(e).ok());
  ASSERT_TRUE(db_->exec("UPDATE citizen_audit SET result = 'not_found' WHERE seq = 3").ok());
  clock_.advance(std::chrono::minutes(1));
  Response r = call("GET", "/console/citizen", "", c.cookie);
  EXPECT_NE(r.body.find("Chuỗi băm bị phá vỡ tại mục 3"), std::string::npos) << r.body;
}

// With the background refresh (serve's "console-refresh" job) no view reads the whole
// audit log: before the job's first pass the page says the check is under way; after it
// the views verify only what was appended.
TEST_F(ConsoleTest, WithBackgroundRefreshTheWholeChainIsCheckedByTheJobNotByAView) {
  audit::AuditEntry e;
  e.at_ms = clock_.now_ms();
  e.lookup_id = "a1";
  e.account = "so-tu-phap";
  e.purpose = "xac_minh_ho_so";
  e.result = "found";
  ASSERT_TRUE(audit::AuditLog(*db_).append(e).ok());
  console_->background_refresh();
  Client c = login("xem");
  Response before = call("GET", "/console/citizen", "", c.cookie);
  EXPECT_NE(before.body.find("Đang kiểm tra toàn bộ chuỗi băm lần đầu"), std::string::npos) << before.body;
  EXPECT_EQ(before.body.find("nguyên vẹn"), std::string::npos);
  ASSERT_TRUE(console_->refresh().ok());
  EXPECT_NE(call("GET", "/console/citizen", "", c.cookie).body.find("nguyên vẹn: 1 mục"), std::string::npos);
  e.lookup_id = "a2";
  ASSERT_TRUE(audit::AuditLog(*db_).append(e).ok());
  clock_.advance(std::chrono::hours(2));  // past the hourly whole check: still not done by a view
  c = login("xem");                       // the idle session has ended
  EXPECT_NE(call("GET", "/console/citizen", "", c.cookie).body.find("nguyên vẹn: 2 mục"), std::string::npos);
  // An entry edited before the verified head is found by the job's next whole check.
  ASSERT_TRUE(db_->exec("UPDATE citizen_audit SET result = 'not_found' WHERE seq = 1").ok());
  EXPECT_NE(call("GET", "/console/citizen", "", c.cookie).body.find("nguyên vẹn: 2 mục"), std::string::npos);
  ASSERT_TRUE(console_->refresh().ok());
  EXPECT_NE(call("GET", "/console/citizen", "", c.cookie).body.find("Chuỗi băm bị phá vỡ tại mục 1"),
            std::string::npos);
}

// The lookup service's flags, as its audit entries carry them, counted per account: the
// entry that flagged an account for enumeration, the lookups refused while it was flagged,
// repeated lookups of one subject, lookups whose dossier did not justify them.
TEST_F(ConsoleTest, CitizenPageListsTheFlaggedAccounts) {
  audit::AuditLog log(*db_);
  int n = 0;
  auto add = [&](const std::string& account, const std::string& result, const std::string& detail) {
    audit::AuditEntry e;
    e.at_ms = clock_.now_ms() - 60'000;
    e.lookup_id = "f" + std::to_string(++n);
    e.account = account;
    e.purpose = "xac_minh";
    e.result = result;
    e.detail = detail;
    e.subject = "s";
    ASSERT_TRUE(log.append(e).ok());
  };
  Client c = login("xem");
  EXPECT_NE(call("GET", "/console/citizen", "", c.cookie).body.find("Không có tài khoản nào bị gắn cờ"),
            std::string::npos);
  add("ubnd-xa", "not_found", "flag=enumeration newly_flagged");
  add("ubnd-xa", "refused_enumeration", "flag=enumeration");
  add("ubnd-xa", "refused_enumeration", "flag=enumeration");
  add("so-tu-phap", "found", "flag=repeated_subject count=6");
  add("so-tu-phap", "found", "flag=dossier_other_agency");
  add("so-tu-phap", "found", "flag=procedure_not_for_purpose attempts=2");
  add("binh-thuong", "found", "attempts=2");
  clock_.advance(std::chrono::minutes(1));
  Response r = call("GET", "/console/citizen", "", c.cookie);
  auto row = [](const std::string& account, int a, int b, int c2, int d) {
    return "<tr><td>" + account + "</td><td class=\"num\">" + std::to_string(a) + "</td><td class=\"num\">" +
           std::to_string(b) + "</td><td class=\"num\">" + std::to_string(c2) + "</td><td class=\"num\">" +
           std::to_string(d) + "</td></tr>";
  };
  EXPECT_NE(r.body.find("Tài khoản có cờ cảnh báo trong 30 ngày"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(row("ubnd-xa", 1, 2, 0, 0)), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(row("so-tu-phap", 0, 0, 1, 2)), std::string::npos);
  EXPECT_EQ(r.body.find("<tr><td>binh-thuong</td><td class=\"num\">0"), std::string::npos);
}

// A finished day's lookup counts are read once and kept (the log is append-only, stamped
// when appended); today's are read at every view; days leave the window as it moves.
TEST_F(ConsoleTest, CitizenPageReadsAFinishedDayOnceAndTodayAtEveryView) {
  audit::AuditLog log(*db_);
  auto add = [&](const std::string& account, int64_t at_ms) {
    audit::AuditEntry e;
    e.at_ms = at_ms;
    e.lookup_id = "l" + std::to_string(at_ms) + account;
    e.account = account;
    e.purpose = "xac_minh";
    e.result = "found";
    e.subject = "s";
    ASSERT_TRUE(log.append(e).ok());
  };
  auto row = [](const std::string& key, int n) {
    return "<tr><td>" + key + "</td><td class=\"num\">" + std::to_string(n) + "</td></tr>";
  };
  const int64_t now = clock_.now_ms();
  add("so-tu-phap", now - 3 * kTestDayMs);
  add("ubnd-xa", now);
  Client c = login("xem");
  Response first = call("GET", "/console/citizen", "", c.cookie);
  EXPECT_NE(first.body.find(row("so-tu-phap", 1)), std::string::npos) << first.body;
  EXPECT_NE(first.body.find(row("ubnd-xa", 1)), std::string::npos);
  // Changed in the store behind the console's back: the finished day is not read again,
  // today is.
  ASSERT_TRUE(db_->exec("UPDATE citizen_audit SET account = 'khac' WHERE account = 'so-tu-phap'").ok());
  add("ubnd-xa", now + 1000);
  Response second = call("GET", "/console/citizen", "", c.cookie);
  EXPECT_NE(second.body.find(row("so-tu-phap", 1)), std::string::npos) << second.body;
  EXPECT_EQ(second.body.find(row("khac", 1)), std::string::npos);
  EXPECT_NE(second.body.find(row("ubnd-xa", 2)), std::string::npos);
  // Twenty-eight days on, the day three days before the first view has left the window.
  clock_.advance(std::chrono::hours(24 * 28));
  c = login("xem");
  Response later = call("GET", "/console/citizen", "", c.cookie);
  EXPECT_EQ(later.body.find("so-tu-phap"), std::string::npos) << later.body;
  EXPECT_NE(later.body.find(row("ubnd-xa", 2)), std::string::npos);
}

TEST_F(ConsoleTest, ReconciliationShowsExceptionsByReasonAndDownloadsThemAsCsvAndXlsx) {
  ASSERT_TRUE(
      db_->exec("INSERT INTO recon_runs (id, seq, period_from, period_to, as_of, rules, inputs, summary, "
                "created_at_ms) VALUES ('run-abc', 1, '2026-11-01', '2026-11-30', '2026-12-05', 'r', '[]', "
                "'{}', ?)",
                {clock_.now_ms()})
          .ok());
  ASSERT_TRUE(
      db_->exec(
             "INSERT INTO recon_items (run_id, item_key, reason, reference, dossier, agency, portal_amount, "
             "bank_amount, treasury_amount, refund_amount) VALUES ('run-abc', 'k1', 'missing_in_treasury', "
             "'REF1', 'H56.01-261101-0001', 'H56', 1500000, 1500000, NULL, 0), ('run-abc', 'k2', "
             "'duplicate_payment', 'REF2', 'H56.01-261101-0002', 'H56', 2000000, 4000000, 4000000, "
             "2000000)")
          .ok());
  Client c = login("xem");
  Response page = call("GET", "/console/reconciliation", "", c.cookie);
  EXPECT_NE(page.body.find("missing_in_treasury"), std::string::npos);
  EXPECT_NE(page.body.find("1.500.000"), std::string::npos);
  EXPECT_NE(page.body.find("4.000.000"), std::string::npos);
  // Per agency: both items are H56's; 1.500.000 + 2.000.000 through the portal.
  EXPECT_NE(page.body.find("<td>H56</td><td class=\"num\">2</td><td class=\"num\">3.500.000</td>"),
            std::string::npos);
  // Drill-down to one reason's three sides.
  Response one = call("GET", "/console/reconciliation?run=run-abc&reason=duplicate_payment", "", c.cookie);
  EXPECT_NE(one.body.find("lý do duplicate_payment"), std::string::npos);
  EXPECT_NE(one.body.find("REF2"), std::string::npos);
  EXPECT_EQ(one.body.find("REF1"), std::string::npos);
  Response csv = call("GET", "/console/reconciliation/items.csv?run=run-abc", "", c.cookie);
  EXPECT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("k2,duplicate_payment,REF2,H56.01-261101-0002,H56,2000000,4000000,4000000,2000000"),
            std::string::npos)
      << csv.body;
  EXPECT_NE(csv.body.find("k1,missing_in_treasury,REF1,H56.01-261101-0001,H56,1500000,1500000,,0"),
            std::string::npos)
      << csv.body;
  Response xlsx = call("GET", "/console/reconciliation/items.xlsx?run=run-abc", "", c.cookie);
  EXPECT_EQ(xlsx.status, 200);
  EXPECT_TRUE(xlsx.body.starts_with("PK")) << "an XLSX file is a ZIP archive";
  EXPECT_GT(xlsx.body.size(), 1000u);
  EXPECT_EQ(header(xlsx, "Content-Type").value_or(""),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

TEST_F(ConsoleTest, KpiPageListsLateAndUnacknowledgedDossiersOfThePeriod) {
  int64_t late_from = 0, ack_from = 0;
  ConsoleConfig config;
  config.users.push_back({"xem", Role::kViewer, shared_hash(), ""});
  ConsoleContext ctx;
  ctx.db = db_.get();
  ctx.outbox = outbox_.get();
  ctx.clock = &clock_;
  ctx.kpi = [](const kpi::Period& p, kpi::GroupBy) -> Result<kpi::KpiReport> {
    kpi::KpiReport r;
    r.period = p;
    r.rows = {{"on_time", "total", 10, 9, 0.9, 0.95}};
    return r;
  };
  ctx.late_dossiers = [&](int64_t from, int64_t) -> Result<std::vector<kpi::LateFinding>> {
    late_from = from;
    kpi::LateFinding f;
    f.dossier_code = "H56.01-261101-0042";
    f.agency_code = "000.00.01.H56";
    f.due_at_ms = vn_time::from_vietnam({2026, 11, 20, 17, 0, 0});
    f.late_working_minutes = 600;
    f.timeliness = "overdue";
    return std::vector<kpi::LateFinding>{f};
  };
  ctx.unacknowledged_online = [&](int64_t from, int64_t) -> Result<std::vector<kpi::AckFinding>> {
    ack_from = from;
    kpi::AckFinding f;
    f.dossier_code = "H56.01-261102-0007";
    f.submitted_at_ms = vn_time::from_vietnam({2026, 11, 2, 8, 0, 0});
    f.state = "unacknowledged";
    return std::vector<kpi::AckFinding>{f};
  };
  console_ = std::make_unique<Console>(config, ctx);
  Response r = call("GET", "/console/kpi?period=2026-11", "", login("xem").cookie);
  EXPECT_EQ(late_from, vn_time::from_vietnam({2026, 11, 1, 0, 0, 0}));
  EXPECT_EQ(ack_from, late_from);
  EXPECT_NE(r.body.find("Sổ theo dõi hồ sơ trễ hạn"), std::string::npos);
  EXPECT_NE(r.body.find("/console/dossier?code=H56.01-261101-0042"), std::string::npos);
  EXPECT_NE(r.body.find("20/11/2026 17:00"), std::string::npos);
  EXPECT_NE(r.body.find("Quá hạn, chưa xong"), std::string::npos);
  EXPECT_NE(r.body.find(">10<"), std::string::npos) << "600 working minutes are 10 hours";
  EXPECT_NE(r.body.find("chưa tiếp nhận trong 8 giờ làm việc"), std::string::npos);
  EXPECT_NE(r.body.find("H56.01-261102-0007"), std::string::npos);
  EXPECT_NE(r.body.find("Chưa tiếp nhận"), std::string::npos);
}

TEST_F(ConsoleTest, OverviewShowsWhenEachCertificateExpires) {
  const std::string dir = ::testing::TempDir() + "console-certs-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string cert = dir + "/admin.crt";
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=lienthong-admin -days 20 -keyout " + dir +
      "/admin.key -out " + cert + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  clock_.set_ms(SystemClock::instance().now_ms());
  make_console(false, nullptr, {{"admin.tls", cert}, {"adapters.dvcqg.tls", dir + "/missing.crt"}});
  Response r = call("GET", "/console/", "", login("xem").cookie);
  auto row = [&](const std::string& use) {
    auto pos = r.body.find("<tr><td>" + use + "</td>");
    return pos == std::string::npos ? std::string() : r.body.substr(pos, r.body.find("</tr>", pos) - pos);
  };
  EXPECT_NE(row("admin.tls").find("Cần chú ý"), std::string::npos) << row("admin.tls");
  EXPECT_NE(row("admin.tls").find(">19<"), std::string::npos) << row("admin.tls");
  EXPECT_NE(row("adapters.dvcqg.tls").find("Không đọc được tệp"), std::string::npos);
  EXPECT_NE(row("adapters.dvcqg.tls").find("Có sự cố"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// refresh() (serve's background job) computes this month and the eleven before it, so the
// KPI page's default view computes nothing; a figure is kept for twice the refresh
// interval, then a view computes it again.
TEST_F(ConsoleTest, KpiFiguresAreComputedAheadAndKeptForTwiceTheRefreshInterval) {
  std::vector<std::string> asked;
  make_console(false, [&](const kpi::Period& p, kpi::GroupBy by) -> Result<kpi::KpiReport> {
    asked.push_back(p.label + (by == kpi::GroupBy::kLevel ? " level" : ""));
    kpi::KpiReport r;
    r.period = p;
    r.rows = {{"on_time", "000.00.01.H56", 20, 19, 0.95, 0.95}, {"on_time", "total", 20, 19, 0.95, 0.95}};
    return r;
  });
  ASSERT_TRUE(console_->refresh().ok());
  ASSERT_EQ(asked.size(), 13u);
  EXPECT_EQ(asked[0], "2026-05");  // the clock's month (29/05/2026 in Vietnam), by agency
  EXPECT_EQ(asked[1], "2026-05 level");
  EXPECT_EQ(asked.back(), "2025-06");
  asked.clear();
  Client c = login("xem");
  Response r = call("GET", "/console/kpi", "", c.cookie);
  EXPECT_TRUE(asked.empty()) << asked.size() << " computed by the view";
  EXPECT_NE(r.body.find("Số liệu tính lúc 29/05/2026 03:26, tính lại sau mỗi 5 phút."), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("<td>06/2025</td>"), std::string::npos);
  clock_.advance(std::chrono::minutes(9));
  call("GET", "/console/kpi", "", c.cookie);
  EXPECT_TRUE(asked.empty());
  clock_.advance(std::chrono::minutes(2));  // 11 minutes: older than twice the interval
  Response later = call("GET", "/console/kpi", "", c.cookie);
  EXPECT_EQ(asked.size(), 12u);  // the month (also the trend's last) and eleven more
  EXPECT_NE(later.body.find("Số liệu tính lúc 29/05/2026 03:37"), std::string::npos);
}

// Every indicator of the period in one table; one indicator by administrative level, each
// level against its own target (digitisation: 30 / 25 / 15 %); the trend of that indicator.
TEST_F(ConsoleTest, KpiPageShowsEveryIndicatorAndOneByLevelAgainstEachLevelsTarget) {
  std::vector<kpi::GroupBy> asked;
  make_console(false, [&](const kpi::Period& p, kpi::GroupBy by) -> Result<kpi::KpiReport> {
    asked.push_back(by);
    kpi::KpiReport r;
    r.period = p;
    r.by = by;
    r.rows = {{"on_time", "total", 100, 96, 0.96, 0.95}, {"online_full", "total", 50, 20, 0.4, 0.6}};
    if (by == kpi::GroupBy::kLevel)
      r.rows.insert(r.rows.end(), {{"digitised_dossiers", "province", 10, 4, 0.4, 0.3},
                                   {"digitised_dossiers", "district", 20, 4, 0.2, 0.25},
                                   {"digitised_dossiers", "commune", 40, 8, 0.2, 0.15},
                                   {"digitised_dossiers", "total", 70, 16, 16.0 / 70, std::nullopt}});
    else
      r.rows.push_back({"digitised_dossiers", "total", 70, 16, 16.0 / 70, std::nullopt});
    return r;
  });
  Client c = login("xem");
  Response r = call("GET", "/console/kpi?period=2026-11&indicator=digitised_dossiers&by=level", "", c.cookie);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(asked.front(), kpi::GroupBy::kLevel);
  // The summary: each indicator's province total, judged against its target where it has one.
  EXPECT_NE(r.body.find("Các chỉ số của kỳ (toàn tỉnh)"), std::string::npos);
  EXPECT_NE(r.body.find("<td>Tỷ lệ hồ sơ giải quyết đúng hạn</td><td class=\"num\">100</td>"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("<td>Tỷ lệ hồ sơ trực tuyến toàn trình</td><td class=\"num\">50</td><td "
                        "class=\"num\">20</td><td class=\"num\">40,0 %</td><td class=\"num\">60,0 %</td>"),
            std::string::npos);
  // The chosen indicator by level, each level with its own target mark.
  EXPECT_NE(r.body.find("<h2>Tỷ lệ số hóa hồ sơ theo cấp hành chính</h2>"), std::string::npos);
  EXPECT_NE(r.body.find("<td>Cấp huyện</td><td class=\"num\">20</td><td class=\"num\">4</td><td "
                        "class=\"num\">20,0 %</td><td class=\"num\">25,0 %</td>"),
            std::string::npos);
  EXPECT_NE(r.body.find("<td>Cấp xã</td>"), std::string::npos);
  EXPECT_NE(r.body.find("<line x1=\"306\""), std::string::npos);  // 30 % of 420 px right of 180
  EXPECT_NE(r.body.find("<line x1=\"285\""), std::string::npos);  // 25 %
  EXPECT_NE(r.body.find("<line x1=\"243\""), std::string::npos);  // 15 %
  EXPECT_NE(r.body.find("Xu hướng theo tháng: Tỷ lệ số hóa hồ sơ"), std::string::npos);
  EXPECT_NE(r.body.find("<option value=\"digitised_dossiers\" selected>"), std::string::npos);
  EXPECT_NE(r.body.find("<option value=\"level\" selected>"), std::string::npos);
  // The download has every indicator by level.
  Response csv = call("GET", "/console/kpi/report.csv?period=2026-11&by=level", "", c.cookie);
  EXPECT_NE(csv.body.find("indicator,level,a,b,ratio,target"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("digitised_dossiers,commune,40,8,0.200000,0.1500"), std::string::npos) << csv.body;
  EXPECT_NE(
      call("GET", "/console/kpi?period=2026-11&indicator=xyz", "", c.cookie).body.find("Chỉ số không hợp lệ"),
      std::string::npos);
  EXPECT_EQ(call("GET", "/console/kpi/report.csv?period=2026-11&by=procedure", "", c.cookie).status, 400);
}

TEST_F(ConsoleTest, KpiPageDrawsABarPerAgencyAgainstTheTarget) {
  std::vector<std::string> asked;
  make_console(false, [&](const kpi::Period& p, kpi::GroupBy by) -> Result<kpi::KpiReport> {
    asked.push_back(p.label + (by == kpi::GroupBy::kLevel ? " level" : ""));
    kpi::KpiReport r;
    r.period = p;
    r.by = kpi::GroupBy::kAgency;
    r.rows = {{"on_time", "000.00.01.H56", 2000, 1960, 0.98, 0.95},
              {"on_time", "000.00.02.H56", 1234567, 1000000, 1000000.0 / 1234567, 0.95},
              {"on_time", "total", 1236567, 1001960, 1001960.0 / 1236567, 0.95}};
    return r;
  });
  Response r = call("GET", "/console/kpi?period=2026-Q4", "", login("xem").cookie);
  EXPECT_EQ(r.status, 200);
  // The period, then the twelve months up to its last for the trend.
  ASSERT_EQ(asked.size(), 13u);
  EXPECT_EQ(asked.front(), "2026-Q4");
  EXPECT_EQ(asked[1], "2026-01");
  EXPECT_EQ(asked.back(), "2026-12");
  EXPECT_NE(r.body.find("Xu hướng theo tháng"), std::string::npos);
  // Headings of figures stand right-aligned over them.
  EXPECT_NE(r.body.find("<th class=\"num\" scope=\"col\">Hồ sơ đã giải quyết</th>"), std::string::npos);
  EXPECT_NE(r.body.find("<th scope=\"col\">Đơn vị</th>"), std::string::npos);
  EXPECT_NE(r.body.find("<polyline points=\""), std::string::npos);
  EXPECT_NE(r.body.find("<td>12/2026</td>"), std::string::npos);
  EXPECT_NE(r.body.find("Tỷ lệ hồ sơ giải quyết đúng hạn theo cơ quan"), std::string::npos);
  EXPECT_NE(r.body.find("1.234.567"), std::string::npos);
  EXPECT_NE(r.body.find("98,0 %"), std::string::npos);
  EXPECT_NE(r.body.find("81,0 %"), std::string::npos);
  EXPECT_NE(r.body.find("<svg role=\"img\""), std::string::npos);
  EXPECT_NE(r.body.find("Toàn tỉnh"), std::string::npos);
  // One bar per agency and the total, one target line at 95 % of 420 px right of 180.
  size_t bars = 0;
  for (size_t p = r.body.find("<rect"); p != std::string::npos; p = r.body.find("<rect", p + 1)) ++bars;
  EXPECT_EQ(bars, 3u);
  EXPECT_NE(r.body.find("<line x1=\"579\""), std::string::npos);
  EXPECT_NE(r.body.find("Chưa tính được"), std::string::npos) << "no calendar: the monitors say so";
  Response csv = call("GET", "/console/kpi/report.csv?period=2026-Q4", "", login("xem").cookie);
  EXPECT_NE(csv.body.find("on_time,000.00.02.H56,1234567,1000000,0.810001,0.9500"), std::string::npos)
      << csv.body;
  EXPECT_TRUE(
      call("GET", "/console/kpi/report.xlsx?period=2026-Q4", "", login("xem").cookie).body.starts_with("PK"));
  Response bad = call("GET", "/console/kpi?period=2026-13", "", login("xem").cookie);
  EXPECT_NE(bad.body.find("Kỳ báo cáo không hợp lệ"), std::string::npos);
}

}  // namespace
}  // namespace lienthong::console
