#include "gateway/core/common/markup.hpp"

#include <gtest/gtest.h>

namespace lienthong {
namespace {

TEST(Markup, EscapesTheFiveSpecialCharactersAndKeepsVietnameseText) {
  EXPECT_EQ(markup_escape("<a href=\"x\">O'Neil & Co</a>"),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; Co&lt;/a&gt;");
  EXPECT_EQ(markup_escape("Nguyễn Văn Đức"), "Nguyễn Văn Đức");
  EXPECT_EQ(markup_escape(""), "");
  EXPECT_EQ(markup_escape("&amp;"), "&amp;amp;");  // escaping is not idempotent: once only
}

}  // namespace
}  // namespace lienthong
