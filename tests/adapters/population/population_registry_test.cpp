#include "adapters/population/population_registry.hpp"

#include <gtest/gtest.h>

#include "adapters/population/soap_answer.hpp"
#include "gateway/common/clock.hpp"
#include "gateway/common/json.hpp"
#include "sim/population/population_sim.hpp"

namespace lienthong::population {
namespace {

const char* kEnvelope =
    R"(<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><CongdanCollection><CongDan>
<SoDinhDanh>001090012345</SoDinhDanh>
<HoVaTen><Ho>Nguyễn</Ho><ChuDem>Văn</ChuDem><Ten>An</Ten></HoVaTen>
<GioiTinh>1</GioiTinh><NgayThangNamSinh>19900517</NgayThangNamSinh><DanToc>Kinh</DanToc>
<TonGiao>Không</TonGiao><QuocTich>Việt Nam</QuocTich>
<QueQuan><MaTinhThanh>34</MaTinhThanh><MaQuanHuyen>338</MaQuanHuyen><MaPhuongXa>12469</MaPhuongXa><ChiTiet>thôn Đông</ChiTiet></QueQuan>
<ThuongTru><MaTinhThanh>01</MaTinhThanh><MaQuanHuyen>001</MaQuanHuyen><MaPhuongXa>00001</MaPhuongXa><ChiTiet>Số 12, phố Quán Thánh</ChiTiet></ThuongTru>
<NoiOHienTai><MaTinhThanh>01</MaTinhThanh><MaQuanHuyen>005</MaQuanHuyen><MaPhuongXa>00157</MaPhuongXa><ChiTiet>Số 3, đường Cầu Giấy</ChiTiet></NoiOHienTai>
<ChuHo><QuanHe>Con</QuanHe><SoDinhDanh>001060000001</SoDinhDanh><HoVaTen>Nguyễn Văn Bình</HoVaTen></ChuHo>
<Cha><SoDinhDanh>001060000001</SoDinhDanh><HoVaTen>Nguyễn Văn Bình</HoVaTen></Cha>
<Me><SoDinhDanh>034162000002</SoDinhDanh><HoVaTen><Ho>Trần</Ho><ChuDem>Thị</ChuDem><Ten>Lan</Ten></HoVaTen></Me>
</CongDan></CongdanCollection></s:Body></s:Envelope>)";

TEST(SoapAnswer, MapsEveryFieldOfAFoundCitizen) {
  auto a = wire::parse_answer(kEnvelope, "001090012345");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(a->outcome, Outcome::kFound);
  const auto& r = a->record;
  EXPECT_EQ(r.full_name(), "Nguyễn Văn An");
  EXPECT_EQ(r.gender, "male");
  EXPECT_EQ(r.date_of_birth, "1990-05-17");
  EXPECT_EQ(r.ethnicity, "Kinh");
  EXPECT_EQ(r.religion, "Không");
  EXPECT_EQ(r.nationality, "Việt Nam");
  EXPECT_EQ(r.hometown.province_code, "34");
  EXPECT_EQ(r.permanent_address.ward_code, "00001");
  EXPECT_EQ(r.permanent_address.detail, "Số 12, phố Quán Thánh");
  EXPECT_EQ(r.current_address.district_code, "005");
  ASSERT_TRUE(r.household_head);
  EXPECT_EQ(r.household_head->relationship, "Con");
  EXPECT_EQ(r.household_head->person.full_name, "Nguyễn Văn Bình");
  ASSERT_TRUE(r.father && r.mother);
  EXPECT_EQ(r.mother->full_name, "Trần Thị Lan");
  EXPECT_FALSE(r.spouse);
}

TEST(SoapAnswer, EmptyCollectionIsNotFoundAndMismatchFaultIsMismatch) {
  auto nf = wire::parse_answer(sim::population::soap_not_found(), "001090012345");
  ASSERT_TRUE(nf.ok());
  EXPECT_EQ(nf->outcome, Outcome::kNotFound);
  auto mm = wire::parse_answer(sim::population::soap_fault("DL_KHONG_KHOP", "x"), "001090012345");
  ASSERT_TRUE(mm.ok());
  EXPECT_EQ(mm->outcome, Outcome::kMismatch);
  auto other = wire::parse_answer(sim::population::soap_fault("LOI_HE_THONG", "x"), "001090012345");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::kServer);
}

TEST(SoapAnswer, UnreadableAnswersAreProtocolErrorsWithoutContent) {
  for (const char* bad : {"", "<notxml", "<Envelope/>", "<Envelope><Body/></Envelope>", "<a><Body/></a>"}) {
    auto r = wire::parse_answer(bad, "001090012345");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kProtocol) << bad;
  }
  // A record for another number must never be passed on.
  auto other = wire::parse_answer(kEnvelope, "001090099999");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::kProtocol);
  EXPECT_EQ(other.error().message.find("001090012345"), std::string::npos);
  EXPECT_EQ(other.error().message.find("Nguyễn"), std::string::npos);
  std::string two = kEnvelope;
  auto pos = two.find("</CongdanCollection>");
  two.insert(pos, "<CongDan><SoDinhDanh>001090012345</SoDinhDanh></CongDan>");
  EXPECT_FALSE(wire::parse_answer(two, "001090012345").ok());
  std::string bad_date = kEnvelope;
  bad_date.replace(bad_date.find("19900517"), 8, "19901317");
  EXPECT_FALSE(wire::parse_answer(bad_date, "001090012345").ok());
}

TEST(SoapAnswer, WireDatesMayBePartial) {
  EXPECT_EQ(wire::iso_date_from_wire("19900517"), "1990-05-17");
  EXPECT_EQ(wire::iso_date_from_wire("199005"), "1990-05");
  EXPECT_EQ(wire::iso_date_from_wire("1990"), "1990");
  EXPECT_FALSE(wire::iso_date_from_wire("1990-05-17"));
  EXPECT_FALSE(wire::iso_date_from_wire("19900230"));
}

TEST(SoapRequest, CarriesTheQueryInThePublicShape) {
  Query q{"001090012345", "Nguyễn Văn \"An\"", "1990-05-17", "req-1", "CB-0001", "1.001612"};
  auto doc = json::parse(wire::build_request(q));
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*json::get_string(*doc, "SoDinhDanh"), "001090012345");
  EXPECT_EQ(*json::get_string(*doc, "HoVaTen"), "Nguyễn Văn \"An\"");
  EXPECT_EQ(*json::get_string(*doc, "NgayThangNam"), "19900517");
  EXPECT_EQ(*json::get_string(*doc, "MaYeuCau"), "req-1");
  EXPECT_EQ(*json::get_string(*doc, "MaCanBo"), "CB-0001");
  EXPECT_EQ(*json::get_string(*doc, "MaDVC"), "1.001612");
  EXPECT_EQ(*json::get_string(*doc, "SoCMND"), "");
}

// A scripted upstream: each call takes the next outcome.
struct Script {
  std::vector<Result<http::ClientResponse>> steps;
  std::vector<http::ClientRequest> seen;
  Sender sender() {
    return [this](http::ClientRequest r) -> Result<http::ClientResponse> {
      seen.push_back(r);
      auto s = steps.at(seen.size() - 1);
      return s;
    };
  }
};

http::ClientResponse resp(int status, std::string body = "") {
  http::ClientResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

RegistryOptions options(bool retry = true) {
  RegistryOptions o;
  o.url = "http://127.0.0.1:9/lookup";
  o.timeout = Millis(1500);
  o.retry_once = retry;
  return o;
}

Query query() {
  return {"001090012345", "Nguyễn Văn An", "1990-05-17", "req-1", "CB-0001", "1.001612"};
}

TEST(PopulationRegistry, RetriesATimeoutOnceWithTheSameRequest) {
  Script s{{Error(ErrorKind::kTimeout, "timed out"), resp(200, kEnvelope)}};
  auto reg = make_population_registry(options(), s.sender());
  auto a = reg->lookup(query());
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->attempts, 2);
  ASSERT_EQ(s.seen.size(), 2u);
  EXPECT_EQ(s.seen[0].body, s.seen[1].body);
  EXPECT_EQ(s.seen[0].method, "POST");
  EXPECT_EQ(s.seen[0].url, "http://127.0.0.1:9/lookup");
  EXPECT_EQ(s.seen[0].timeout, Millis(1500));
}

TEST(PopulationRegistry, GivesUpAfterTheSecond5xx) {
  Script s{{resp(502), resp(503)}};
  auto reg = make_population_registry(options(), s.sender());
  auto a = reg->lookup(query());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().kind, ErrorKind::kServer);
  EXPECT_EQ(a.error().upstream_status, 503);
  EXPECT_EQ(s.seen.size(), 2u);
}

TEST(PopulationRegistry, DoesNotRetryWhenRetryIsOffOrTheErrorIsNotTransient) {
  Script off{{Error(ErrorKind::kTimeout, "timed out")}};
  auto a = make_population_registry(options(false), off.sender())->lookup(query());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().kind, ErrorKind::kTimeout);
  EXPECT_EQ(off.seen.size(), 1u);

  for (int status : {400, 401, 403, 429}) {
    Script s{{resp(status)}};
    auto r = make_population_registry(options(), s.sender())->lookup(query());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(s.seen.size(), 1u) << status;
  }
  Script garbled{{resp(200, "<html>proxy error</html>")}};
  auto g = make_population_registry(options(), garbled.sender())->lookup(query());
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().kind, ErrorKind::kProtocol);
  EXPECT_EQ(garbled.seen.size(), 1u);
}

TEST(RegistryConfig, ReadsAndRefusesBadValues) {
  auto good =
      ConfigFile::from_string(R"({"url":"https://ngsp.example/lookup","timeout_ms":800,"retry_once":false})");
  auto o = RegistryOptions::from_config(good->root());
  EXPECT_EQ(o.url, "https://ngsp.example/lookup");
  EXPECT_EQ(o.timeout, Millis(800));
  EXPECT_FALSE(o.retry_once);
  auto bad = ConfigFile::from_string(R"({"url":"ngsp/lookup"})");
  EXPECT_THROW(RegistryOptions::from_config(bad->root()), ConfigError);
  auto missing = ConfigFile::from_string(R"({})");
  EXPECT_THROW(RegistryOptions::from_config(missing->root()), ConfigError);
}

}  // namespace
}  // namespace lienthong::population
