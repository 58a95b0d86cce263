// The name as the population database's public clients send it in HoVaTen: upper case,
// Vietnamese diacritics removed (đ/Đ → D), every space gone ("Nguyễn Văn An" →
// "NGUYENVANAN"). See docs/contracts/population.md, "HoVaTen".
#pragma once

#include <string>
#include <string_view>

namespace lienthong::population {

// Accepts UTF-8 in precomposed (NFC) or decomposed (NFD) form; combining marks are
// dropped. Characters outside Latin letters with Vietnamese marks pass through unchanged
// (ASCII letters upper-cased), so the result is never shorter than the information in it.
std::string wire_name(std::string_view utf8);

}  // namespace lienthong::population
