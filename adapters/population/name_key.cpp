#include "adapters/population/name_key.hpp"

#include <cstdint>

namespace lienthong::population {
namespace {

// Base letter (upper case) of a Latin code point used in Vietnamese, 0 if none.
char base_letter(uint32_t cp) {
  if (cp < 0x80) {
    char c = static_cast<char>(cp);
    if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
    return c;
  }
  // Latin-1 Supplement: À Á Â Ã È É Ê Ì Í Ò Ó Ô Õ Ù Ú Ý and their lower-case forms.
  if (cp >= 0xC0 && cp <= 0xFD) {
    uint32_t u = cp >= 0xE0 ? cp - 0x20 : cp;
    if (u >= 0xC0 && u <= 0xC3) return 'A';
    if (u >= 0xC8 && u <= 0xCA) return 'E';
    if (u == 0xCC || u == 0xCD) return 'I';
    if (u >= 0xD2 && u <= 0xD5) return 'O';
    if (u == 0xD9 || u == 0xDA) return 'U';
    if (u == 0xDD) return 'Y';
    return 0;
  }
  switch (cp) {
    case 0x102:
    case 0x103:
      return 'A';  // Ă ă
    case 0x110:
    case 0x111:
      return 'D';  // Đ đ
    case 0x128:
    case 0x129:
      return 'I';  // Ĩ ĩ
    case 0x168:
    case 0x169:
      return 'U';  // Ũ ũ
    case 0x1A0:
    case 0x1A1:
      return 'O';  // Ơ ơ
    case 0x1AF:
    case 0x1B0:
      return 'U';  // Ư ư
    default:
      break;
  }
  // Latin Extended Additional, the Vietnamese block U+1EA0..U+1EF9 (Ạ .. ỹ).
  if (cp >= 0x1EA0 && cp <= 0x1EB7) return 'A';
  if (cp >= 0x1EB8 && cp <= 0x1EC7) return 'E';
  if (cp >= 0x1EC8 && cp <= 0x1ECB) return 'I';
  if (cp >= 0x1ECC && cp <= 0x1EE3) return 'O';
  if (cp >= 0x1EE4 && cp <= 0x1EF1) return 'U';
  if (cp >= 0x1EF2 && cp <= 0x1EF9) return 'Y';
  return 0;
}

bool is_space(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xA0 || cp == 0x3000;
}

}  // namespace

std::string wire_name(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    auto b0 = static_cast<unsigned char>(s[i]);
    size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
    bool valid = len != 0 && i + len <= s.size();
    uint32_t cp = 0;
    if (valid) {
      cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
      for (size_t k = 1; k < len; ++k) {
        auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
          valid = false;
          break;
        }
        cp = (cp << 6) | (b & 0x3F);
      }
    }
    if (!valid) {  // not UTF-8: keep the byte as it is
      out += s[i];
      ++i;
      continue;
    }
    std::string_view raw = s.substr(i, len);
    i += len;
    if (is_space(cp)) continue;
    if (cp >= 0x300 && cp <= 0x36F) continue;  // combining marks (decomposed input)
    if (char b = base_letter(cp)) {
      out += b;
    } else {
      out += raw;
    }
  }
  return out;
}

}  // namespace lienthong::population
