#include "gateway/flows/webhooks/answer_shape.hpp"

#include <gtest/gtest.h>

namespace lienthong::webhooks {
namespace {

model::DossierStatusEvent event() {
  model::DossierStatusEvent e;
  e.dossier_code = "000.00.22.H12-261126-0001";
  e.procedure_code = "2.000031.000.00.00.H12";
  e.status = 4;
  return e;
}

TEST(AnswerShape, StandardSourcesKeep202AndTheirJson) {
  auto e = event();
  ShapedAnswer a = kept_answer(AnswerShape::kStandard, "dkkd", "msg-1", &e, "");
  EXPECT_EQ(a.status, 202);
  EXPECT_EQ(a.body, R"({"status":"accepted","source":"dkkd","webhook_id":"msg-1","event":{"dossier_code":)"
                    R"("000.00.22.H12-261126-0001","procedure_code":"2.000031.000.00.00.H12","status":4}})");
  ShapedAnswer q = kept_answer(AnswerShape::kStandard, "dkkd", "msg-2", nullptr, "unknown code");
  EXPECT_EQ(q.body,
            R"({"status":"quarantined","source":"dkkd","webhook_id":"msg-2","reason":"unknown code"})");
}

TEST(AnswerShape, DvcqgReadsErrorCodeAndMessageWithHttp200) {
  auto e = event();
  ShapedAnswer a = kept_answer(AnswerShape::kDvcqg, "dvcqg-hs", "id", &e, "");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, R"({"error_code":0,"message":"Đã tiếp nhận hồ sơ 000.00.22.H12-261126-0001"})");
  ShapedAnswer q = kept_answer(AnswerShape::kDvcqg, "dvcqg-hs", "id", nullptr, "mã TTHC X chưa có");
  EXPECT_EQ(q.status, 200);
  EXPECT_EQ(q.body, R"({"error_code":0,"message":"Đã tiếp nhận, chờ cán bộ xử lý: mã TTHC X chưa có"})");

  Outcome bad_key = problem(401, "bad-key", "Shared key does not match", "the body member 'SecurityKey' …");
  ShapedAnswer r = refusal_answer(AnswerShape::kDvcqg, bad_key);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            R"({"error_code":-1,"message":"Shared key does not match: the body member 'SecurityKey' …",)"
            R"("reason":"bad-key"})");
  // Nothing kept, send again: the HTTP status stays so that a sender retrying on errors does.
  ShapedAnswer busy = refusal_answer(AnswerShape::kDvcqg, store_unavailable("journal", 30));
  EXPECT_EQ(busy.status, 503);
  EXPECT_NE(busy.body.find(R"("error_code":-1)"), std::string::npos);
}

TEST(AnswerShape, CriminalRecordServiceReadsStatusCode) {
  auto e = event();
  ShapedAnswer a = kept_answer(AnswerShape::kLltp, "lltp", "id", &e, "");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, R"({"statusCode":"00","errorDetail":""})");
  ShapedAnswer r = refusal_answer(AnswerShape::kLltp, problem(401, "missing-key", "Shared key missing", "x"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"statusCode":"01","errorDetail":"Shared key missing: x","reason":"missing-key"})");
  ShapedAnswer limited = refusal_answer(AnswerShape::kLltp, problem(429, "rate-limited", "Rate", "y", 2));
  EXPECT_EQ(limited.status, 429);
}

}  // namespace
}  // namespace lienthong::webhooks
