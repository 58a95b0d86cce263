#include "gateway/flows/webhooks/payload.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/json.hpp"

namespace lienthong::webhooks {
namespace {

TEST(Payload, ContentTypeChoosesTheFormat) {
  EXPECT_EQ(format_for_content_type("application/json").value(), PayloadFormat::kJson);
  EXPECT_EQ(format_for_content_type("Application/JSON; charset=UTF-8").value(), PayloadFormat::kJson);
  EXPECT_EQ(format_for_content_type("application/vnd.ministry+json").value(), PayloadFormat::kJson);
  EXPECT_EQ(format_for_content_type("text/xml; charset=\"utf-8\"").value(), PayloadFormat::kSoap11);
  EXPECT_EQ(format_for_content_type("application/soap+xml;charset=utf-8;action=\"x\"").value(),
            PayloadFormat::kSoap12);
}

TEST(Payload, ContentTypeRefusesOtherTypesAndCharsets) {
  auto r = format_for_content_type("text/plain");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("text/plain"), std::string::npos);
  EXPECT_FALSE(format_for_content_type("").ok());
  EXPECT_FALSE(format_for_content_type("application/json; charset=iso-8859-1").ok());
  EXPECT_FALSE(format_for_content_type("application/xml").ok());
}

TEST(Payload, MalformedJsonNamesThePosition) {
  auto r = parse_json_payload("{\n  \"a\": 1,\n  \"b\": }");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kParse);
  EXPECT_NE(r.error().message.find("line 3"), std::string::npos) << r.error().message;
}

TEST(Payload, JsonMustBeAnObject) {
  auto r = parse_json_payload("[1,2]");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("object"), std::string::npos);
}

constexpr const char* kSoap11 = R"(<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ht="urn:hotich:v1">
  <soapenv:Header><ht:Auth>x</ht:Auth></soapenv:Header>
  <soapenv:Body>
    <ht:CapNhatTrangThai phienBan="2">
      <ht:MaHoSo>H56.22-241126-0001</ht:MaHoSo>
      <ht:TrangThai>4</ht:TrangThai>
      <ht:GiayTo><ht:Ma>GT1</ht:Ma></ht:GiayTo>
      <ht:GiayTo><ht:Ma>GT2</ht:Ma></ht:GiayTo>
      <ht:GiayTo><ht:Ma>GT3</ht:Ma></ht:GiayTo>
      <ht:GhiChu><![CDATA[a < b]]></ht:GhiChu>
      <ht:Rong/>
    </ht:CapNhatTrangThai>
  </soapenv:Body>
</soapenv:Envelope>)";

TEST(Payload, Soap11BodyPayloadBecomesJsonByLocalNames) {
  auto r = parse_soap_payload(kSoap11, PayloadFormat::kSoap11);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& d = *r;
  EXPECT_EQ(json::get_string(*json::at_path(d, "CapNhatTrangThai"), "MaHoSo"), "H56.22-241126-0001");
  EXPECT_EQ(json::at_path(d, "CapNhatTrangThai.@phienBan")->GetString(), std::string("2"));
  EXPECT_EQ(json::at_path(d, "CapNhatTrangThai.TrangThai")->GetString(), std::string("4"));
  const auto* docs = json::at_path(d, "CapNhatTrangThai.GiayTo");
  ASSERT_TRUE(docs && docs->IsArray());
  EXPECT_EQ(docs->Size(), 3u);
  EXPECT_EQ(json::at_path(d, "CapNhatTrangThai.GiayTo.2.Ma")->GetString(), std::string("GT3"));
  EXPECT_EQ(json::at_path(d, "CapNhatTrangThai.GhiChu")->GetString(), std::string("a < b"));
  EXPECT_EQ(json::at_path(d, "CapNhatTrangThai.Rong")->GetString(), std::string(""));
  EXPECT_EQ(json::at_path(d, "Auth"), nullptr) << "the SOAP header is not payload";
}

TEST(Payload, Soap12EnvelopeIsReadWithItsContentType) {
  std::string env = R"(<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>)"
                    R"(<Msg xmlns="urn:x"><A>1</A></Msg></e:Body></e:Envelope>)";
  auto r = parse_soap_payload(env, PayloadFormat::kSoap12);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(json::at_path(*r, "Msg.A")->GetString(), std::string("1"));
  auto wrong = parse_soap_payload(env, PayloadFormat::kSoap11);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("application/soap+xml"), std::string::npos) << wrong.error().message;
}

TEST(Payload, MalformedXmlNamesLineAndColumn) {
  auto r = parse_soap_payload("<a>\n<b></a>", PayloadFormat::kSoap11);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kParse);
  EXPECT_NE(r.error().message.find("line 2"), std::string::npos) << r.error().message;
}

TEST(Payload, NonEnvelopeMissingBodyAndFaultAreRefused) {
  EXPECT_FALSE(parse_soap_payload("<x/>", PayloadFormat::kSoap11).ok());
  std::string no_body = R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>)";
  EXPECT_NE(parse_soap_payload(no_body, PayloadFormat::kSoap11).error().message.find("Body"),
            std::string::npos);
  std::string empty_body =
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body> </s:Body></s:Envelope>)";
  EXPECT_FALSE(parse_soap_payload(empty_body, PayloadFormat::kSoap11).ok());
  std::string fault = R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>)"
                      R"(<s:Fault><faultcode>s:Server</faultcode></s:Fault></s:Body></s:Envelope>)";
  EXPECT_NE(parse_soap_payload(fault, PayloadFormat::kSoap11).error().message.find("Fault"),
            std::string::npos);
  std::string wrong_ns = R"(<s:Envelope xmlns:s="urn:other"><s:Body><a/></s:Body></s:Envelope>)";
  EXPECT_FALSE(parse_soap_payload(wrong_ns, PayloadFormat::kSoap11).ok());
}

TEST(Payload, DeepXmlNestingIsRefused) {
  std::string deep = R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>)";
  for (int i = 0; i < kMaxXmlDepth + 5; ++i) deep += "<a x=\"1\">";
  for (int i = 0; i < kMaxXmlDepth + 5; ++i) deep += "</a>";
  deep += "</s:Body></s:Envelope>";
  auto r = parse_soap_payload(deep, PayloadFormat::kSoap11);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nesting"), std::string::npos);
}

TEST(Payload, ExternalEntitiesAreNotExpanded) {
  std::string xxe = R"(<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>)"
                    R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><a>&x;</a>)"
                    R"(</s:Body></s:Envelope>)";
  auto r = parse_soap_payload(xxe, PayloadFormat::kSoap11);
  if (r.ok()) {
    EXPECT_EQ(std::string(json::at_path(*r, "a")->GetString()).find("root:"), std::string::npos);
  }
}

}  // namespace
}  // namespace lienthong::webhooks
