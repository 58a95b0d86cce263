#include "gateway/flows/reconciliation/dataset.hpp"

#include <cstring>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::reconciliation {

std::string_view StringArena::copy(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() > kChunk / 4) {  // large strings get their own chunk
    chunks_.push_back(std::make_unique<char[]>(s.size()));
    std::memcpy(chunks_.back().get(), s.data(), s.size());
    total_ += s.size();
    return {chunks_.back().get(), s.size()};
  }
  if (used_ + s.size() > kChunk) {
    chunks_.push_back(std::make_unique<char[]>(kChunk));
    used_ = 0;
    total_ += kChunk;
  }
  char* p = chunks_.back().get() + used_;
  std::memcpy(p, s.data(), s.size());
  used_ += s.size();
  return {p, s.size()};
}

uint64_t hash_bytes(std::string_view s) {
  // FNV-1a then a final mix: fast on short codes, well spread for the index.
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

static int log2_of(size_t pow2) {
  int b = 0;
  while ((size_t{1} << b) < pow2) ++b;
  return b;
}

void FlatIndex::reset(size_t expected) {
  size_t cap = 16;
  while (cap < expected * 2) cap <<= 1;
  slots_.assign(cap, 0);
  mask_ = cap - 1;
  shift_ = 64 - log2_of(cap);
  size_ = 0;
}

void FlatIndex::grow() {
  std::vector<uint64_t> old = std::move(slots_);
  size_t cap = old.empty() ? 16 : old.size() * 2;
  slots_.assign(cap, 0);
  mask_ = cap - 1;
  shift_ = 64 - log2_of(cap);
  for (uint64_t s : old) {
    if (s == 0) continue;
    size_t i = home(static_cast<uint32_t>(s >> 32));
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

void FlatIndex::insert(uint64_t hash, uint32_t index) {
  if (slots_.empty() || (size_ + 1) * 2 > slots_.size()) grow();
  uint32_t tag = static_cast<uint32_t>(hash >> 32);
  size_t i = home(tag);
  while (slots_[i] != 0) i = (i + 1) & mask_;
  slots_[i] = (static_cast<uint64_t>(tag) << 32) | (static_cast<uint64_t>(index) + 1);
  ++size_;
}

uint32_t Interner::intern(std::string_view s) {
  uint32_t id = find(s);
  if (id != kNone) return id;
  id = static_cast<uint32_t>(strings_.size());
  strings_.push_back(arena_.copy(s));
  index_.insert(hash_bytes(s), id);
  return id;
}

uint32_t Interner::find(std::string_view s) const {
  uint32_t found = kNone;
  index_.find(hash_bytes(s), [&](uint32_t id) {
    if (strings_[id] == s) {
      found = id;
      return true;
    }
    return false;
  });
  return found;
}

Dataset::Dataset() = default;

static Day day_of(int64_t epoch_ms) {
  auto t = vn_time::to_vietnam(epoch_ms);
  return static_cast<Day>(vn_time::days_from_civil(t.year, t.month, t.day));
}

namespace {

bool is_space_byte(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// Strips ASCII whitespace and U+00A0 (no-break space, which spreadsheets and some banks'
// exports put around a cell) from both ends.
std::string_view trim_key(std::string_view s) {
  for (;;) {
    if (!s.empty() && is_space_byte(static_cast<unsigned char>(s.front()))) {
      s.remove_prefix(1);
    } else if (s.size() >= 2 && s[0] == '\xC2' && s[1] == '\xA0') {
      s.remove_prefix(2);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && is_space_byte(static_cast<unsigned char>(s.back()))) {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && s[s.size() - 2] == '\xC2' && s[s.size() - 1] == '\xA0') {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

}  // namespace

std::string_view normalize_key(std::string_view raw, std::string& buf) {
  std::string_view s = trim_key(raw);
  size_t i = 0;
  while (i < s.size() && !(s[i] >= 'a' && s[i] <= 'z')) ++i;
  if (i == s.size()) return s;  // the common case: nothing to change, no copy
  buf.assign(s);
  for (size_t k = i; k < buf.size(); ++k) {
    if (buf[k] >= 'a' && buf[k] <= 'z') buf[k] = static_cast<char>(buf[k] - 'a' + 'A');
  }
  return buf;
}

uint32_t Dataset::dossier_id(std::string_view s) {
  s = normalize_key(s, key_buf_);
  return s.empty() ? Interner::kNone : dossiers_.intern(s);
}

std::string_view Dataset::ref_copy(std::string_view s) {
  return arena_.copy(normalize_key(s, key_buf_));
}

void Dataset::add_payment(const Payment& p) {
  payments_.push_back(PayRec{ref_copy(p.reference), dossier_id(p.dossier), agency_id(p.agency), p.amount,
                             p.paid_at_ms, day_of(p.paid_at_ms), p.line, p.status});
}

void Dataset::add_bank(const BankEntry& b) {
  bank_.push_back(BankRec{ref_copy(b.reference), dossier_id(b.dossier), b.value_date, b.amount, b.line});
}

void Dataset::add_treasury(const TreasuryCredit& t) {
  treasury_.push_back(TreasRec{ref_copy(t.reference), dossier_id(t.dossier), agency_id(t.agency),
                               t.value_date, t.amount, t.line, t.is_refund});
}

void Dataset::add_obligation(const Obligation& o) {
  obligations_.push_back(
      OblRec{arena_.copy(o.obligation_ref), dossier_id(o.dossier), agency_id(o.agency), o.amount, o.line});
}

}  // namespace lienthong::reconciliation
