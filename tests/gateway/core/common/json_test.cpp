#include "gateway/core/common/json.hpp"

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace lienthong {

TEST(Json, ObjectWriterWritesWhatToStringWritesForTheSameDocument) {
  std::string out = "x";
  json::ObjectWriter w(out);
  w.str("a", "\"quoted\"\n\x01 Tiếng Việt").num("min", INT64_MIN).num("max", INT64_MAX).boolean("t", true);
  w.key("nested");
  json::ObjectWriter inner(out);
  inner.boolean("f", false).close();
  w.str("", "").close();
  rapidjson::Document d(rapidjson::kObjectType);
  auto& al = d.GetAllocator();
  d.AddMember("a", rapidjson::Value("\"quoted\"\n\x01 Tiếng Việt", al), al);
  d.AddMember("min", rapidjson::Value(static_cast<int64_t>(INT64_MIN)), al);
  d.AddMember("max", rapidjson::Value(static_cast<int64_t>(INT64_MAX)), al);
  d.AddMember("t", true, al);
  rapidjson::Value nested(rapidjson::kObjectType);
  nested.AddMember("f", false, al);
  d.AddMember("nested", nested, al);
  d.AddMember("", rapidjson::Value("", al), al);
  EXPECT_EQ(out, "x" + json::to_string(d));
  std::string empty;
  json::ObjectWriter(empty).close();
  EXPECT_EQ(empty, "{}");
}

TEST(Json, MalformedInputNamesLineAndColumn) {
  auto r = json::parse("{\n  \"a\": 1,\n  \"b\": }", "body");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kParse);
  EXPECT_NE(r.error().message.find("line 3"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("body"), std::string::npos);
}

TEST(Json, RefusesNestingDeeperThanLimit) {
  std::string deep(json::kMaxDepth + 5, '[');
  deep += std::string(json::kMaxDepth + 5, ']');
  auto r = json::parse(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nested"), std::string::npos);
}

TEST(Json, DepthCountsEveryValueWithTheRootAtOne) {
  auto nested = [](int arrays, const std::string& inside) {
    return std::string(static_cast<size_t>(arrays), '[') + inside +
           std::string(static_cast<size_t>(arrays), ']');
  };
  EXPECT_TRUE(json::parse(nested(json::kMaxDepth, "")).ok());
  EXPECT_TRUE(json::parse(nested(json::kMaxDepth - 1, "1")).ok());
  EXPECT_FALSE(json::parse(nested(json::kMaxDepth, "1")).ok());
  EXPECT_FALSE(json::parse(nested(json::kMaxDepth - 1, "{\"a\":1}")).ok());
  EXPECT_TRUE(json::parse(nested(json::kMaxDepth - 1, "{}")).ok());
  // Deep input far past the limit is refused without exhausting the stack.
  EXPECT_FALSE(json::parse(std::string(1'000'000, '[')).ok());
  EXPECT_FALSE(json::parse(std::string(std::string(500'000, '{') + "\"a\":")).ok());
}

TEST(Json, StringAndStringViewParseAlike) {
  for (std::string text :
       {std::string(R"({"a":"x\"y\u00e9","b":[1,2.5,-3,true,null]})"), std::string("{\"a\":1} x"),
        std::string("{\"a\":\"unterminated"), std::string("{\"a\":1}\0{", 9), std::string("")}) {
    auto a = json::parse(text, "t");
    auto b = json::parse(std::string_view(text), "t");
    ASSERT_EQ(a.ok(), b.ok()) << text;
    if (a.ok()) {
      EXPECT_EQ(json::to_string(*a), json::to_string(*b));
    } else {
      EXPECT_EQ(a.error().message, b.error().message);
    }
  }
}

TEST(Json, RawMembersAndElementsAreTheTextAsWritten) {
  std::string text =
      R"( { "a" : {"x":[1,{"y":"}]\"{"}]} , "b":"q\"uote", "n": -1.5e3 ,"t":true,"e":[] ,"a":2 } )";
  ASSERT_TRUE(json::parse(text).ok());
  EXPECT_EQ(json::raw_member(text, "a"), R"({"x":[1,{"y":"}]\"{"}]})");  // the first "a"
  EXPECT_EQ(json::raw_member(text, "b"), R"("q\"uote")");
  EXPECT_EQ(json::raw_member(text, "n"), "-1.5e3");
  EXPECT_EQ(json::raw_member(text, "t"), "true");
  EXPECT_EQ(json::raw_member(text, "e"), "[]");
  EXPECT_FALSE(json::raw_member(text, "missing"));
  EXPECT_FALSE(json::raw_member("[1]", "a"));
  // An escaped key could be the one asked for: nothing is claimed past it.
  EXPECT_FALSE(json::raw_member(R"({"\u0061":1,"a":2})", "a"));
  auto elements = json::raw_elements(R"([ {"k":[1,2]}, "s,]", 3 ,null])");
  ASSERT_TRUE(elements);
  ASSERT_EQ(elements->size(), 4u);
  EXPECT_EQ((*elements)[0], R"({"k":[1,2]})");
  EXPECT_EQ((*elements)[1], R"("s,]")");
  EXPECT_EQ((*elements)[2], "3");
  EXPECT_EQ((*elements)[3], "null");
  EXPECT_EQ(json::raw_elements("[]")->size(), 0u);
  EXPECT_FALSE(json::raw_elements("{}"));
  std::string page = R"({"a":[9], "items" : [ {"k":"]"}, [1] ], "items":[2], "z":{}})";
  ASSERT_TRUE(json::parse(page).ok());
  auto items = json::raw_member_elements(page, "items");  // the first "items"
  ASSERT_TRUE(items);
  EXPECT_EQ(*items, (std::vector<std::string_view>{R"({"k":"]"})", "[1]"}));
  EXPECT_FALSE(json::raw_member_elements(page, "z"));
  EXPECT_FALSE(json::raw_member_elements(page, "missing"));
  EXPECT_FALSE(json::raw_member_elements(R"({"\u0061":[1],"a":[2]})", "a"));
}

TEST(Json, DottedPathWalksObjectsAndArrays) {
  auto r = json::parse(R"({"a":{"b":[{"c":"x"},{"c":"y"}]}})");
  ASSERT_TRUE(r.ok());
  const auto* v = json::at_path(*r, "a.b.1.c");
  ASSERT_NE(v, nullptr);
  EXPECT_STREQ(v->GetString(), "y");
  EXPECT_EQ(json::at_path(*r, "a.b.2.c"), nullptr);
  EXPECT_EQ(json::at_path(*r, "a.x"), nullptr);
}

std::string writer_output(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

// Stored payloads are compared with fresh ones: to_string must keep RapidJSON's bytes.
TEST(Json, ToStringWritesTheSameBytesAsRapidJsonWriter) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  std::string every_byte;
  for (int c = 1; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
  every_byte.push_back('\0');
  every_byte += "tail";
  d.AddMember("bytes",
              rapidjson::Value(every_byte.data(), static_cast<rapidjson::SizeType>(every_byte.size()), a), a);
  d.AddMember("vi", "Nguyễn Văn An \"trích lục\" \\ C:\\path\n", a);
  d.AddMember("", "empty key", a);
  rapidjson::Value numbers(rapidjson::kArrayType);
  for (int64_t n :
       {int64_t{0}, int64_t{-1}, int64_t{42}, int64_t{2147483647}, int64_t{-2147483648LL},
        int64_t{4294967296LL}, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()})
    numbers.PushBack(rapidjson::Value(n), a);
  numbers.PushBack(rapidjson::Value(std::numeric_limits<uint64_t>::max()), a);
  numbers.PushBack(rapidjson::Value(3000000000U), a);
  for (double x : {0.0, -0.0, 0.1, 1.5, -2.25, 1e21, 1e-7, 123456789.125, 1e300, 5e-324})
    numbers.PushBack(rapidjson::Value(x), a);
  d.AddMember("numbers", numbers, a);
  rapidjson::Value nested(rapidjson::kArrayType);
  nested.PushBack(rapidjson::Value(rapidjson::kObjectType), a);
  nested.PushBack(rapidjson::Value(rapidjson::kArrayType), a);
  nested.PushBack(rapidjson::Value(true), a)
      .PushBack(rapidjson::Value(false), a)
      .PushBack(rapidjson::Value(), a);
  d.AddMember("nested", nested, a);

  std::string expected = writer_output(d);
  EXPECT_EQ(json::to_string(d), expected);
  std::string appended = "prefix:";
  json::append_to(appended, d);
  EXPECT_EQ(appended, "prefix:" + expected);
  std::string quoted;
  json::append_string(quoted, every_byte);
  EXPECT_EQ(quoted, writer_output(d["bytes"]));
}

TEST(Json, ToStringOfANonFiniteNumberStopsWhereRapidJsonWriterStops) {
  rapidjson::Document d(rapidjson::kArrayType);
  d.PushBack(1, d.GetAllocator());
  d.PushBack(std::numeric_limits<double>::quiet_NaN(), d.GetAllocator());
  d.PushBack(2, d.GetAllocator());
  EXPECT_EQ(json::to_string(d), writer_output(d));
  EXPECT_EQ(json::to_string(d), "[1,");
}

TEST(Json, ScratchPoolValuesSurviveUntilCleared) {
  json::ScratchPool<256> pool;  // small: the rest comes from heap chunks
  rapidjson::Value v(rapidjson::kObjectType);
  for (int i = 0; i < 100; ++i) {
    std::string key = "key" + std::to_string(i);
    v.AddMember(rapidjson::Value(key.c_str(), pool.allocator()), rapidjson::Value(i), pool.allocator());
  }
  EXPECT_EQ(v.MemberCount(), 100u);
  EXPECT_EQ(v["key99"].GetInt(), 99);
  v.SetNull();
  pool.clear();
  rapidjson::Value w("again", pool.allocator());
  EXPECT_STREQ(w.GetString(), "again");
}

}  // namespace lienthong
