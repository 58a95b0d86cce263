// The inputs of one run, held compactly: every string is copied once into an arena,
// dossier and agency codes are interned to 32-bit ids, records are small PODs, and the
// indexes are open-addressing tables of 64-bit slots. This is what keeps a run over
// 10 million transactions per source within a small multiple of the input size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/flows/reconciliation/types.hpp"

namespace lienthong::reconciliation {

// Append-only storage of bytes; views stay valid for the arena's life.
class StringArena {
 public:
  std::string_view copy(std::string_view s);
  size_t bytes() const { return total_; }

 private:
  static constexpr size_t kChunk = 1 << 20;
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t used_ = kChunk;
  size_t total_ = 0;
};

uint64_t hash_bytes(std::string_view s);
inline uint64_t hash_mix(uint64_t a, uint64_t b) {
  a ^= b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2);
  a *= 0xff51afd7ed558ccdULL;
  return a ^ (a >> 33);
}

// Open-addressing multimap from a 64-bit hash to 32-bit record indices. Each slot keeps 32
// bits of the hash, so most probes never touch the records; callers confirm equality.
class FlatIndex {
 public:
  void reset(size_t expected);
  void insert(uint64_t hash, uint32_t index);
  // Calls f(index) for each index stored under `hash` (and a few colliding ones) until f
  // returns true.
  template <class F>
  void find(uint64_t hash, F&& f) const {
    if (slots_.empty()) return;
    uint32_t tag = static_cast<uint32_t>(hash >> 32);
    size_t i = home(tag);
    for (;;) {
      uint64_t s = slots_[i];
      if (s == 0) return;
      if (static_cast<uint32_t>(s >> 32) == tag && f(static_cast<uint32_t>(s) - 1)) return;
      i = (i + 1) & mask_;
    }
  }
  size_t size() const { return size_; }

 private:
  // The home bucket derives from the stored tag alone (Fibonacci hashing), so the table can
  // grow without the original hashes.
  size_t home(uint32_t tag) const { return static_cast<size_t>((tag * 0x9E3779B97F4A7C15ULL) >> shift_); }
  void grow();
  int shift_ = 60;
  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

// Maps strings to dense ids (0..n-1) and back.
class Interner {
 public:
  explicit Interner(StringArena& arena) : arena_(arena) {}
  uint32_t intern(std::string_view s);
  // kNone when absent.
  uint32_t find(std::string_view s) const;
  std::string_view get(uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }
  static constexpr uint32_t kNone = 0xFFFFFFFFu;

 private:
  StringArena& arena_;
  std::vector<std::string_view> strings_;
  FlatIndex index_;
};

// The form in which references (MaGiaoDich) and dossier codes (MaHoSo) are compared and
// reported: surrounding whitespace (ASCII and no-break space) removed, ASCII letters upper
// case. Separators inside ('.', '-', '/') are significant. Returns `raw` trimmed when nothing
// else changes, otherwise a view of `buf`.
std::string_view normalize_key(std::string_view raw, std::string& buf);

class Dataset {
 public:
  Dataset();
  Dataset(const Dataset&) = delete;
  Dataset& operator=(const Dataset&) = delete;

  void add_payment(const Payment& p);
  void add_bank(const BankEntry& b);
  void add_treasury(const TreasuryCredit& t);
  void add_obligation(const Obligation& o);
  void add_issue(InputIssue issue) { issues_.push_back(std::move(issue)); }
  // Obligations were supplied (even if empty): "no dossier" and "unpaid" are then checked.
  void set_has_obligations(bool v) { has_obligations_ = v; }

  struct PayRec {
    std::string_view ref;
    uint32_t dossier, agency;
    Vnd amount;
    int64_t paid_at_ms;
    Day day;
    uint32_t line;
    PaymentStatus status;
  };
  struct BankRec {
    std::string_view ref;
    uint32_t dossier;
    Day day;
    Vnd amount;
    uint32_t line;
  };
  struct TreasRec {
    std::string_view ref;
    uint32_t dossier, agency;
    Day day;
    Vnd amount;
    uint32_t line;
    bool refund;
  };
  struct OblRec {
    std::string_view ref;
    uint32_t dossier, agency;
    Vnd amount;
    uint32_t line;
  };

  const std::vector<PayRec>& payments() const { return payments_; }
  const std::vector<BankRec>& bank() const { return bank_; }
  const std::vector<TreasRec>& treasury() const { return treasury_; }
  const std::vector<OblRec>& obligations() const { return obligations_; }
  const std::vector<InputIssue>& issues() const { return issues_; }
  bool has_obligations() const { return has_obligations_; }
  const Interner& dossiers() const { return dossiers_; }
  const Interner& agencies() const { return agencies_; }
  size_t arena_bytes() const { return arena_.bytes(); }

 private:
  uint32_t dossier_id(std::string_view s);
  std::string_view ref_copy(std::string_view s);
  uint32_t agency_id(std::string_view s) { return agencies_.intern(s); }

  StringArena arena_;
  Interner dossiers_{arena_};
  Interner agencies_{arena_};
  std::vector<PayRec> payments_;
  std::vector<BankRec> bank_;
  std::vector<TreasRec> treasury_;
  std::vector<OblRec> obligations_;
  std::vector<InputIssue> issues_;
  bool has_obligations_ = false;
  std::string key_buf_;
};

}  // namespace lienthong::reconciliation
