#include "adapters/population/population_registry.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "adapters/population/code_tables.hpp"
#include "adapters/population/name_key.hpp"
#include "adapters/population/soap_answer.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/json.hpp"
#include "sim/population/population_sim.hpp"

namespace lienthong::population {
namespace {

const char* kEnvelope =
    R"(<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><CongdanCollection><CongDan>
<SoDinhDanh>001090012345</SoDinhDanh>
<HoVaTen><Ho>Nguyễn</Ho><ChuDem>Văn</ChuDem><Ten>An</Ten></HoVaTen>
<GioiTinh>1</GioiTinh><NgayThangNamSinh><NgayThangNam>19900517</NgayThangNam></NgayThangNamSinh><DanToc>01</DanToc>
<TonGiao>00</TonGiao><QuocTich>VN</QuocTich>
<QueQuan><MaTinhThanh>34</MaTinhThanh><MaQuanHuyen>338</MaQuanHuyen><MaPhuongXa>12469</MaPhuongXa><ChiTiet>thôn Đông</ChiTiet></QueQuan>
<ThuongTru><MaTinhThanh>01</MaTinhThanh><MaQuanHuyen>001</MaQuanHuyen><MaPhuongXa>00001</MaPhuongXa><ChiTiet>Số 12, phố Quán Thánh</ChiTiet></ThuongTru>
<NoiOHienTai><MaTinhThanh>01</MaTinhThanh><MaQuanHuyen>005</MaQuanHuyen><MaPhuongXa>00157</MaPhuongXa><ChiTiet>Số 3, đường Cầu Giấy</ChiTiet></NoiOHienTai>
<ChuHo><QuanHe>CH04</QuanHe><SoDinhDanh>001060000001</SoDinhDanh><HoVaTen>Nguyễn Văn Bình</HoVaTen></ChuHo>
<Cha><SoDinhDanh>001060000001</SoDinhDanh><HoVaTen>Nguyễn Văn Bình</HoVaTen></Cha>
<Me><SoDinhDanh>034162000002</SoDinhDanh><HoVaTen><Ho>Trần</Ho><ChuDem>Thị</ChuDem><Ten>Lan</Ten></HoVaTen></Me>
</CongDan></CongdanCollection></s:Body></s:Envelope>)";

std::string golden(const std::string& name) {
  std::ifstream in(std::string(LIENTHONG_SOURCE_DIR "/tests/adapters/population/golden/") + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A golden file without its layout: every line break and the indentation after it.
std::string squeezed(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      while (i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\t')) ++i;
      continue;
    }
    out += text[i];
  }
  return out;
}

std::shared_ptr<const CodeTables> tables() {
  static auto t = [] {
    auto loaded = CodeTables::load_dir(LIENTHONG_SOURCE_DIR "/mappings/citizen");
    if (!loaded.ok()) throw std::runtime_error(loaded.error().message);
    return std::make_shared<const CodeTables>(std::move(*loaded));
  }();
  return t;
}

wire::AnswerSettings with_names() {
  wire::AnswerSettings s;
  s.names = tables();
  return s;
}

TEST(SoapAnswer, MapsEveryFieldOfAFoundCitizen) {
  auto a = wire::parse_answer(kEnvelope, "001090012345", with_names());
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
  EXPECT_EQ(r.household_head->relationship, "Con");  // CH04: an assumed code (no public source)
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
  // The date as plain text is not the published shape.
  std::string text_date = kEnvelope;
  text_date.replace(
      text_date.find("<NgayThangNamSinh>"),
      std::string("<NgayThangNamSinh><NgayThangNam>19900517</NgayThangNam></NgayThangNamSinh>").size(),
      "<NgayThangNamSinh>19900517</NgayThangNamSinh>");
  auto text = wire::parse_answer(text_date, "001090012345");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().message.find("NgayThangNamSinh"), std::string::npos);
  EXPECT_EQ(text.error().message.find("19900517"), std::string::npos);
}

TEST(SoapAnswer, WireDatesMayBePartial) {
  EXPECT_EQ(wire::iso_date_from_wire("19900517"), "1990-05-17");
  EXPECT_EQ(wire::iso_date_from_wire("199005"), "1990-05");
  EXPECT_EQ(wire::iso_date_from_wire("1990"), "1990");
  EXPECT_FALSE(wire::iso_date_from_wire("1990-05-17"));
  EXPECT_FALSE(wire::iso_date_from_wire("19900230"));
}

TEST(SoapRequest, CarriesTheQueryInThePublicShape) {
  // The JSON-adapter route. HoVaTen goes normalised (upper case, no diacritics, no spaces),
  // as the public clients send it; the old test expected the name as typed.
  Query q{"001090012345", "Nguyễn Văn \"An\"", "1990-05-17", "req-1", "CB-0001", "1.001612"};
  auto doc = json::parse(wire::build_adapter_request(q, {"037", "", false}));
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*json::get_string(*doc, "SoDinhDanh"), "001090012345");
  EXPECT_EQ(*json::get_string(*doc, "HoVaTen"), "NGUYENVAN\"AN\"");
  EXPECT_EQ(*json::get_string(*doc, "NgayThangNam"), "19900517");
  EXPECT_EQ(*json::get_string(*doc, "MaYeuCau"), "req-1");
  EXPECT_EQ(*json::get_string(*doc, "MaCanBo"), "CB-0001");
  EXPECT_EQ(*json::get_string(*doc, "MaDVC"), "1.001612");
  EXPECT_EQ(*json::get_string(*doc, "SoCMND"), "");
  EXPECT_EQ(*json::get_string(*doc, "MaTichHop"), "037");
}

// --- Contract tests: golden files written from docs/contracts/population.md. ---

Query golden_query() {
  return {"001090012345", "Nguyễn Văn An", "1990-05-17", "req-1", "CB-0001", "1.001612"};
}

TEST(PopulationContract, SoapRequestIsTheGoldenRequest) {
  EXPECT_EQ(wire::build_soap_request(golden_query(), {"037", "", false}),
            squeezed(golden("request.soap.xml")));
}

TEST(PopulationContract, AdapterRequestIsTheGoldenRequest) {
  EXPECT_EQ(wire::build_adapter_request(golden_query(), {"037", "", false}),
            squeezed(golden("request.adapter.json")));
}

TEST(PopulationContract, StructuredDateOfBirthIsAFoundCitizenNotAnUpstreamError) {
  // Before the contract, NgayThangNamSinh was read as text: every citizen found was a 502.
  for (const std::string& text : {golden("answer.found.xml"), squeezed(golden("answer.found.xml"))}) {
    auto a = wire::parse_answer(text, "001090012345");
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_EQ(a->outcome, Outcome::kFound);
    EXPECT_EQ(a->record.date_of_birth, "1990-05-17");
    EXPECT_EQ(a->record.full_name(), "Nguyễn Văn An");
    ASSERT_TRUE(a->record.father && a->record.mother);
    EXPECT_EQ(a->record.father->full_name, "Nguyễn Văn Bình");
    EXPECT_EQ(a->record.mother->personal_id, "034162000002");
  }
}

TEST(PopulationContract, CodesReachCallersAsNamesOrAsCodes) {
  auto named = wire::parse_answer(golden("answer.found.xml"), "001090012345", with_names());
  ASSERT_TRUE(named.ok()) << named.error().message;
  EXPECT_EQ(named->record.ethnicity, "Kinh");
  EXPECT_EQ(named->record.religion, "Không");
  EXPECT_EQ(named->record.nationality, "Việt Nam");
  ASSERT_TRUE(named->record.household_head);
  EXPECT_EQ(named->record.household_head->relationship, "Chủ hộ");
  auto coded = wire::parse_answer(golden("answer.found.xml"), "001090012345");
  ASSERT_TRUE(coded.ok());
  EXPECT_EQ(coded->record.ethnicity, "01");
  EXPECT_EQ(coded->record.religion, "00");
  EXPECT_EQ(coded->record.nationality, "VN");
  EXPECT_EQ(coded->record.household_head->relationship, "CH01");
  // A code the table does not list reaches the caller as it came.
  std::string other = golden("answer.found.xml");
  other.replace(other.find("<QuocTich>VN</QuocTich>"), 23, "<QuocTich>LA</QuocTich>");
  EXPECT_EQ(wire::parse_answer(other, "001090012345", with_names())->record.nationality, "LA");
}

TEST(PopulationContract, YearOnlyDateOfBirthIsReadFromNam) {
  std::string text = golden("answer.found.xml");
  text.replace(text.find("<NgayThangNam>19900517</NgayThangNam>"), 37,
               "<NgayThangNam></NgayThangNam><Nam>1990</Nam>");
  auto a = wire::parse_answer(text, "001090012345");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->record.date_of_birth, "1990");
}

TEST(PopulationContract, NotFoundAndMismatchGoldenAnswers) {
  auto nf = wire::parse_answer(golden("answer.not_found.xml"), "001090012345");
  ASSERT_TRUE(nf.ok());
  EXPECT_EQ(nf->outcome, Outcome::kNotFound);
  auto mm = wire::parse_answer(golden("answer.mismatch.xml"), "001090012345");
  ASSERT_TRUE(mm.ok());
  EXPECT_EQ(mm->outcome, Outcome::kMismatch);
  // The mismatch code has no public source: a province can switch it off.
  wire::AnswerSettings none;
  none.mismatch_fault_code = "";
  auto off = wire::parse_answer(golden("answer.mismatch.xml"), "001090012345", none);
  ASSERT_FALSE(off.ok());
  EXPECT_EQ(off.error().kind, ErrorKind::kServer);
}

TEST(PopulationContract, AdapterAnswerWrapsTheSoapText) {
  auto soap = wire::unwrap_adapter_answer(golden("answer.adapter_found.json"));
  ASSERT_TRUE(soap.ok()) << soap.error().message;
  EXPECT_EQ(*soap, squeezed(golden("answer.found.xml")));
  auto refused = wire::unwrap_adapter_answer(R"({"error_code":"004","message":"not allowed"})");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kServer);
  EXPECT_EQ(refused.error().code, "004");
  for (const char* bad : {"", "[]", "<xml/>", R"({"message":"x"})", R"({"error_code":"0"})",
                          R"({"error_code":"0","message":"nothing"})"}) {
    auto r = wire::unwrap_adapter_answer(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kProtocol) << bad;
  }
}

TEST(NameKey, UpperCaseWithoutDiacriticsOrSpaces) {
  EXPECT_EQ(wire_name("Nguyễn Văn An"), "NGUYENVANAN");
  EXPECT_EQ(wire_name("  Đặng Thị Ánh   Tuyết "), "DANGTHIANHTUYET");
  EXPECT_EQ(wire_name("Lò Thị Sáu"), "LOTHISAU");
  EXPECT_EQ(wire_name("Ưng Hoàng Phúc"), "UNGHOANGPHUC");
  EXPECT_EQ(wire_name("Vũ Quỳnh Ỷ"), "VUQUYNHY");
  // Decomposed input: base letters followed by combining marks.
  EXPECT_EQ(wire_name("Nguye\xCC\x82\xCC\x83n"), "NGUYEN");
  EXPECT_EQ(wire_name("Trần\tThị\nLan"), "TRANTHILAN");
}

TEST(CodeTables, MappingFilesLoadAndCompareNumericCodesAsNumbers) {
  auto t = tables();
  EXPECT_EQ(t->ethnicity.size(), 56u);
  ASSERT_TRUE(t->ethnicity.name_of("01"));
  EXPECT_EQ(*t->ethnicity.name_of("01"), "Kinh");
  EXPECT_EQ(*t->ethnicity.name_of("1"), "Kinh");
  EXPECT_EQ(*t->ethnicity.name_of("54"), "Rơ măm");
  EXPECT_EQ(*t->religion.name_of("0"), "Không");
  EXPECT_EQ(*t->nationality.name_of("VN"), "Việt Nam");
  EXPECT_EQ(t->nationality.name_of("vn"), nullptr);
  EXPECT_EQ(*t->relation.name_of("CH01"), "Chủ hộ");
  EXPECT_EQ(t->ethnicity.name_of("77"), nullptr);
  EXPECT_FALSE(CodeTable::parse(R"({"codes":[{"code":"1","name":"x"}]})", "t").ok());  // no source
  EXPECT_FALSE(CodeTable::parse(R"({"source":"s","codes":[]})", "t").ok());
  EXPECT_FALSE(
      CodeTable::parse(
          R"({"source":"s","numeric":true,"codes":[{"code":"1","name":"a"},{"code":"01","name":"b"}]})", "t")
          .ok());
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
  o.integration_code = "037";
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

TEST(PopulationRegistry, SendsSoapWithLgspHeadersBesideTheBearerToken) {
  Script s{{resp(200, golden("answer.found.xml"))}};
  RegistryOptions o = options();
  o.names = tables();
  o.lgsp_access_token = lgsp_access_token("ak", "sk", "app", "PARTNER", "CUS");
  o.auth_hash_by_official.emplace("CB-0001", Secret(auth_hash("cb1", "pw")));
  o.auth_hash_required = true;
  auto a = make_population_registry(o, s.sender())->lookup(golden_query());
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->outcome, Outcome::kFound);
  EXPECT_EQ(a->record.ethnicity, "Kinh");
  ASSERT_EQ(s.seen.size(), 1u);
  EXPECT_EQ(s.seen[0].body, squeezed(golden("request.soap.xml")));
  auto header = [&](std::string_view name) {
    for (auto& [k, v] : s.seen[0].headers) {
      if (k == name) return v;
    }
    return std::string("(absent)");
  };
  EXPECT_EQ(header("Content-Type"), "text/xml; charset=utf-8");
  // base64 of
  // {"AccessKey":"ak","SecretKey":"sk","AppName":"app","PartnerCode":"PARTNER","PartnerCodeCus":"CUS"}
  EXPECT_EQ(
      header("lgspaccesstoken"),
      "eyJBY2Nlc3NLZXkiOiJhayIsIlNlY3JldEtleSI6InNrIiwiQXBwTmFtZSI6ImFwcCIsIlBhcnRuZXJDb2RlIjoiUEFSVE5FUiIs"
      "IlBhcnRuZXJDb2RlQ3VzIjoiQ1VTIn0=");
  EXPECT_EQ(header("AuthHash"), "Y2IxOnB3");  // base64 of "cb1:pw"

  // An official without an AuthHash is refused before anything is sent.
  Query other = golden_query();
  other.official_code = "CB-0009";
  auto refused = make_population_registry(o, s.sender())->lookup(other);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kConfig);
  EXPECT_EQ(s.seen.size(), 1u);
}

TEST(PopulationRegistry, JsonAdapterRouteSendsJsonAndReadsTheWrappedAnswer) {
  Script s{{resp(200, golden("answer.adapter_found.json"))}};
  RegistryOptions o = options();
  o.route = RegistryOptions::Route::kJsonAdapter;
  auto a = make_population_registry(o, s.sender())->lookup(golden_query());
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->outcome, Outcome::kFound);
  EXPECT_EQ(a->record.date_of_birth, "1990-05-17");
  EXPECT_EQ(s.seen[0].body, squeezed(golden("request.adapter.json")));
}

TEST(PopulationRegistry, LgspEnvelopeRouteCarriesTokenKeysAndSoapInTheBody) {
  Script s{{resp(200, golden("answer.found.xml"))}};
  RegistryOptions o = options();
  o.route = RegistryOptions::Route::kLgspEnvelope;
  o.names = tables();
  o.lgsp_access_token = "lgsp-token";
  o.auth_hash_by_official.emplace("CB-0001", Secret(auth_hash("cb1", "pw")));
  auto a = make_population_registry(o, s.sender())->lookup(golden_query());
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->outcome, Outcome::kFound);  // the answer is the SOAP text itself
  ASSERT_EQ(s.seen.size(), 1u);
  http::ClientRequest placed = s.seen[0];
  ASSERT_TRUE(placed.apply_bearer) << "the token provider must be able to place its token in the body";
  placed.apply_bearer(placed, "tok123");
  auto doc = json::parse(placed.body, "envelope");
  ASSERT_TRUE(doc.ok() && doc->IsObject()) << placed.body;
  std::vector<std::string> keys;
  for (auto& m : doc->GetObject()) keys.emplace_back(m.name.GetString());
  EXPECT_EQ(keys, (std::vector<std::string>{"accessToken", "lgspAccessToken", "AuthHash", "data"}));
  EXPECT_EQ(*json::get_string(*doc, "accessToken"), "Bearer tok123");
  EXPECT_EQ(*json::get_string(*doc, "lgspAccessToken"), "lgsp-token");
  EXPECT_EQ(*json::get_string(*doc, "AuthHash"), "Y2IxOnB3");
  EXPECT_EQ(*json::get_string(*doc, "data"), squeezed(golden("request.soap.xml")));
  for (auto& [k, v] : placed.headers) {
    EXPECT_NE(k, "lgspaccesstoken");
    EXPECT_NE(k, "AuthHash");
    if (k == "Content-Type") {
      EXPECT_EQ(v, "application/json; charset=utf-8");
    }
  }
}

TEST(PopulationRegistry, MaDvcIsNeverEmpty) {
  Query q = golden_query();
  q.service_code = "";
  Script none{{resp(200, golden("answer.found.xml"))}};
  auto refused = make_population_registry(options(), none.sender())->lookup(q);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kConfig);
  EXPECT_TRUE(none.seen.empty());

  Script s{{resp(200, golden("answer.found.xml"))}};
  RegistryOptions o = options();
  o.default_service_code = "2.000001";
  ASSERT_TRUE(make_population_registry(o, s.sender())->lookup(q).ok());
  EXPECT_NE(s.seen[0].body.find("<qldc:MaDVC>2.000001</qldc:MaDVC>"), std::string::npos);
}

TEST(RegistryConfig, ReadsAndRefusesBadValues) {
  auto good = ConfigFile::from_string(
      R"({"url":"https://ngsp.example/lookup","timeout_ms":800,"retry_once":false,"integration_code":"037"})",
      LIENTHONG_SOURCE_DIR);
  auto o = RegistryOptions::from_config(good->root());
  EXPECT_EQ(o.url, "https://ngsp.example/lookup");
  EXPECT_EQ(o.timeout, Millis(800));
  EXPECT_FALSE(o.retry_once);
  EXPECT_EQ(o.route, RegistryOptions::Route::kSoap);
  EXPECT_EQ(o.integration_code, "037");
  ASSERT_TRUE(o.names);  // names by default, from mappings/citizen
  EXPECT_EQ(*o.names->ethnicity.name_of("01"), "Kinh");
  EXPECT_TRUE(o.lgsp_access_token.empty());
  auto bad = ConfigFile::from_string(R"({"url":"ngsp/lookup","integration_code":"037"})");
  EXPECT_THROW(RegistryOptions::from_config(bad->root()), ConfigError);
  auto missing = ConfigFile::from_string(R"({})");
  EXPECT_THROW(RegistryOptions::from_config(missing->root()), ConfigError);
  auto no_integration = ConfigFile::from_string(R"({"url":"https://ngsp.example/lookup"})");
  try {
    RegistryOptions::from_config(no_integration->root());
    ADD_FAILURE() << "a config without integration_code was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("integration_code"), std::string::npos);
  }
  auto bad_route = ConfigFile::from_string(R"({"url":"https://x/l","integration_code":"1","route":"rest"})");
  EXPECT_THROW(RegistryOptions::from_config(bad_route->root()), ConfigError);
  auto bad_dir = ConfigFile::from_string(
      R"({"url":"https://x/l","integration_code":"1","code_tables_dir":"/nonexistent"})");
  EXPECT_THROW(RegistryOptions::from_config(bad_dir->root()), ConfigError);
}

TEST(RegistryConfig, ReadsRouteCodesAndLgspKeys) {
  setenv("LT_TEST_LGSP_SECRET", "sk", 1);
  setenv("LT_TEST_LGSP_PW", "pw", 1);
  auto file = ConfigFile::from_string(R"({"url":"https://lgsp.example/adapter","integration_code":"037",
      "route":"json_adapter","answer_values":"codes","request_date_format":"yyyy-MM-dd",
      "default_service_code":"2.000001","mismatch_fault_code":"none",
      "lgsp":{"access_key":"ak","secret_key":{"env":"LT_TEST_LGSP_SECRET"},"app_name":"app",
              "partner_code":"PARTNER","partner_code_cus":"CUS",
              "officials":[{"official":"CB-0001","key_name":"cb1","key_password":{"env":"LT_TEST_LGSP_PW"}}]}})");
  auto o = RegistryOptions::from_config(file->root());
  EXPECT_EQ(o.route, RegistryOptions::Route::kJsonAdapter);
  EXPECT_FALSE(o.names);
  EXPECT_TRUE(o.dashed_date);
  EXPECT_EQ(o.default_service_code, "2.000001");
  EXPECT_EQ(o.mismatch_fault_code, "");
  EXPECT_EQ(o.lgsp_access_token, lgsp_access_token("ak", "sk", "app", "PARTNER", "CUS"));
  ASSERT_EQ(o.auth_hash_by_official.count("CB-0001"), 1u);
  EXPECT_EQ(o.auth_hash_by_official.at("CB-0001").reveal(), "Y2IxOnB3");
  EXPECT_TRUE(o.auth_hash_required);
  EXPECT_TRUE(o.lgsp_access_token_on_token_request);  // default when the keys are given
  auto envelope = ConfigFile::from_string(R"({"url":"https://lgsp.example/l","integration_code":"037",
      "route":"lgsp_envelope","answer_values":"codes",
      "lgsp":{"access_key":"ak","secret_key":{"env":"LT_TEST_LGSP_SECRET"},"partner_code":"P",
              "on_token_request":false}})");
  auto e = RegistryOptions::from_config(envelope->root());
  EXPECT_EQ(e.route, RegistryOptions::Route::kLgspEnvelope);
  EXPECT_FALSE(e.lgsp_access_token_on_token_request);
  auto no_keys =
      ConfigFile::from_string(R"({"url":"https://x/l","integration_code":"1","answer_values":"codes",
      "lgsp":{"on_token_request":true}})");
  try {
    RegistryOptions::from_config(no_keys->root());
    ADD_FAILURE() << "on_token_request without the keys was accepted";
  } catch (const ConfigError& err) {
    EXPECT_NE(std::string(err.what()).find("on_token_request"), std::string::npos) << err.what();
  }
  // A secret written in the file is refused: keys come from the environment or a file.
  auto literal = ConfigFile::from_string(R"({"url":"https://x/l","integration_code":"1",
      "lgsp":{"access_key":"ak","secret_key":"sk","partner_code":"P"}})");
  EXPECT_THROW(RegistryOptions::from_config(literal->root()), ConfigError);
}

TEST(Base64, EncodesAsRfc4648) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
}

}  // namespace
}  // namespace lienthong::population
