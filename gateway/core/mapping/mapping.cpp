#include "gateway/core/mapping/mapping.hpp"

#include <cstring>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"

namespace lienthong::mapping {
namespace {

using rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

// ---- compiled form ----------------------------------------------------------------

// A dotted path split once at load; numeric steps also index arrays ("fees.0.code").
struct Path {
  struct Step {
    std::string key;
    int64_t index = -1;  // >= 0 when the step is all digits
  };
  std::vector<Step> steps;
  std::string dotted;
};

Path split_path(std::string_view dotted) {
  Path p;
  p.dotted = std::string(dotted);
  while (!dotted.empty()) {
    size_t dot = dotted.find('.');
    std::string_view step = dotted.substr(0, dot);
    dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
    Path::Step s{std::string(step), -1};
    if (!step.empty() && step.size() <= 9 && step.find_first_not_of("0123456789") == std::string_view::npos)
      s.index = std::stoll(std::string(step));
    p.steps.push_back(std::move(s));
  }
  return p;
}

const Value* resolve(const Value& root, const Path& p) {
  const Value* cur = &root;
  for (const auto& s : p.steps) {
    if (cur->IsObject()) {
      auto it = cur->FindMember(Value(rapidjson::StringRef(s.key.data(), s.key.size())));
      if (it == cur->MemberEnd()) return nullptr;
      cur = &it->value;
    } else if (cur->IsArray() && s.index >= 0 && s.index < static_cast<int64_t>(cur->Size())) {
      cur = &(*cur)[static_cast<rapidjson::SizeType>(s.index)];
    } else {
      return nullptr;
    }
  }
  return cur;
}

enum class Type { kNone, kString, kInt, kBool, kNumber };
enum class DateFmt { kNone, kEpochMs, kIso8601, kCompact, kDate };

struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Table {
  std::string name;
  std::unordered_map<std::string, Value, SvHash, std::equal_to<>> entries;
  const Value* fallback = nullptr;  // the table's "default", when it has one
  Value fallback_value;
};

struct Rule {
  std::vector<std::string> to;  // target path, split
  std::string to_dotted;
  Path from;
  bool has_from = false;
  const Value* constant = nullptr;
  const Value* fallback = nullptr;  // "default"
  bool required = false;
  Type type = Type::kNone;
  const Table* table = nullptr;
  std::string codes_kind;
  DateFmt date_in = DateFmt::kNone, date_out = DateFmt::kNone;
  std::vector<Rule> each;
  bool is_each = false;
  bool omit_if_empty = false;
};

struct PatternRule {
  Path field;
  std::regex re;
  std::string message;
};
struct DateOrderRule {
  Path before, after;
  DateFmt format = DateFmt::kCompact;
};
struct RangeRule {
  Path field;
  int64_t min = 0, max = 0;
};

// ---- names and messages -----------------------------------------------------------

std::optional<DateFmt> date_fmt(std::string_view s) {
  if (s == "epoch_ms") return DateFmt::kEpochMs;
  if (s == "iso8601") return DateFmt::kIso8601;
  if (s == "yyyyMMddHHmmss") return DateFmt::kCompact;
  if (s == "yyyy-MM-dd") return DateFmt::kDate;
  return std::nullopt;
}

std::string_view date_word(DateFmt f) {
  switch (f) {
    case DateFmt::kEpochMs:
      return "epoch milliseconds (an integer)";
    case DateFmt::kIso8601:
      return "an ISO 8601 date-time such as 2024-10-01T08:15:00+07:00";
    case DateFmt::kCompact:
      return "a yyyyMMddHHmmss date-time such as 20241001081500";
    case DateFmt::kDate:
      return "a yyyy-MM-dd date";
    case DateFmt::kNone:
      break;
  }
  return "a date";
}

// Where a runtime failure happened: "DanhSachLePhi[1].Gia from fees.1.amount_vnd". Built
// only when something fails, so the happy path allocates nothing for it.
struct Trail {
  const Trail* parent = nullptr;
  const Rule* rule = nullptr;
  size_t index = 0;
};

void trail_names(const Trail* t, std::string& target, std::string& source) {
  if (!t) return;
  trail_names(t->parent, target, source);
  if (!target.empty()) target += '.';
  target += t->rule->to_dotted + "[" + std::to_string(t->index) + "]";
  if (!source.empty()) source += '.';
  source += t->rule->from.dotted + "." + std::to_string(t->index);
}

Error rule_error(std::string_view mapping, const Trail* trail, const Rule& r, const std::string& problem) {
  std::string target, source;
  trail_names(trail, target, source);
  if (!target.empty()) target += '.';
  target += r.to_dotted;
  std::string from;
  if (r.constant) {
    from = "const";
  } else {
    if (!source.empty()) source += '.';
    from = source + r.from.dotted;
  }
  return Error(ErrorKind::kMapping,
               "mapping '" + std::string(mapping) + "': " + target + " from " + from + ": " + problem);
}

// ---- runtime steps (each returns a problem description, or nullopt) ---------------

using Problem = std::optional<std::string>;

Problem read_instant(const Value& v, DateFmt in, int64_t& ms) {
  std::optional<int64_t> parsed;
  switch (in) {
    case DateFmt::kEpochMs:
      if (v.IsInt64()) parsed = v.GetInt64();
      break;
    case DateFmt::kIso8601:
      if (v.IsString()) parsed = vn_time::parse_iso(std::string_view(v.GetString(), v.GetStringLength()));
      break;
    case DateFmt::kCompact:
      if (v.IsString()) parsed = vn_time::parse_compact(std::string_view(v.GetString(), v.GetStringLength()));
      break;
    case DateFmt::kDate:
      if (v.IsString()) {
        // Midnight of that day in Vietnam.
        if (auto d = vn_time::parse_date(std::string_view(v.GetString(), v.GetStringLength())))
          parsed = *d * 86'400'000LL - vn_time::kOffsetSeconds * 1000;
      }
      break;
    case DateFmt::kNone:
      break;
  }
  if (!parsed) {
    // The value itself is not echoed: some dates (birth dates) are personal data.
    return "expected " + std::string(date_word(in)) + ", got a " + std::string(json::type_name(v)) +
           " that is not one";
  }
  ms = *parsed;
  return std::nullopt;
}

void write_instant(int64_t ms, DateFmt out, Value& v, Alloc& a) {
  std::string s;
  switch (out) {
    case DateFmt::kEpochMs:
      v.SetInt64(ms);
      return;
    case DateFmt::kIso8601:
      s = vn_time::format_iso(ms);
      break;
    case DateFmt::kCompact:
      s = vn_time::format_compact(ms);
      break;
    case DateFmt::kDate: {
      auto t = vn_time::to_vietnam(ms);
      s = vn_time::format_date(vn_time::days_from_civil(t.year, t.month, t.day));
      break;
    }
    case DateFmt::kNone:
      return;
  }
  v.SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

Problem convert_type(Value& v, Type t, Alloc& a) {
  switch (t) {
    case Type::kNone:
      return std::nullopt;
    case Type::kString:
      if (v.IsString()) return std::nullopt;
      if (v.IsInt64()) {
        std::string s = std::to_string(v.GetInt64());
        v.SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
        return std::nullopt;
      }
      return "expected a string (or an integer), got a " + std::string(json::type_name(v));
    case Type::kInt:
      if (v.IsInt64()) return std::nullopt;
      if (v.IsString()) {
        std::string_view s(v.GetString(), v.GetStringLength());
        // Strict: only a plain run of digits converts ("12" yes; "12a", " 12", "1e3" no).
        if (all_digits(s) && s.size() <= 18) {
          v.SetInt64(std::stoll(std::string(s)));
          return std::nullopt;
        }
        return std::string("expected an integer, got a string that is not all digits");
      }
      return "expected an integer, got a " + std::string(json::type_name(v));
    case Type::kBool:
      if (v.IsBool()) return std::nullopt;
      if (v.IsString()) {
        std::string_view s(v.GetString(), v.GetStringLength());
        if (s == "true" || s == "false") {
          v.SetBool(s == "true");
          return std::nullopt;
        }
        return std::string("expected true or false, got a string other than \"true\"/\"false\"");
      }
      return "expected true or false, got a " + std::string(json::type_name(v));
    case Type::kNumber:
      if (v.IsNumber()) return std::nullopt;
      if (v.IsString()) {
        std::string s(v.GetString(), v.GetStringLength());
        size_t used = 0;
        double d = 0;
        bool ok = !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-');
        if (ok) {
          try {
            d = std::stod(s, &used);
          } catch (...) {
            ok = false;
          }
        }
        if (ok && used == s.size()) {
          if (all_digits(s) && s.size() <= 18)
            v.SetInt64(std::stoll(s));
          else
            v.SetDouble(d);
          return std::nullopt;
        }
        return std::string("expected a number, got a string that is not one");
      }
      return "expected a number, got a " + std::string(json::type_name(v));
  }
  return std::nullopt;
}

// Table keys are strings; integers and booleans are looked up by their JSON spelling.
bool table_key(const Value& v, std::string& key) {
  if (v.IsString()) {
    key.assign(v.GetString(), v.GetStringLength());
  } else if (v.IsInt64()) {
    key = std::to_string(v.GetInt64());
  } else if (v.IsBool()) {
    key = v.GetBool() ? "true" : "false";
  } else {
    return false;
  }
  return true;
}

bool is_empty(const Value& v) {
  return (v.IsString() && v.GetStringLength() == 0) || (v.IsArray() && v.Empty()) ||
         (v.IsObject() && v.MemberCount() == 0);
}

Value* find_child(Value& obj, const std::string& key) {
  // A plain scan: comparing RapidJSON's mutable member iterators is ambiguous in C++20.
  for (rapidjson::SizeType i = 0; i < obj.MemberCount(); ++i) {
    auto& m = *(obj.MemberBegin() + i);
    if (m.name.GetStringLength() == key.size() &&
        std::memcmp(m.name.GetString(), key.data(), key.size()) == 0)
      return &m.value;
  }
  return nullptr;
}

void write_target(Value& obj, const std::vector<std::string>& to, Value& v, Alloc& a) {
  Value* cur = &obj;
  for (size_t i = 0; i + 1 < to.size(); ++i) {
    const std::string& k = to[i];
    Value* child = find_child(*cur, k);
    if (!child) {
      cur->AddMember(Value(k.data(), static_cast<rapidjson::SizeType>(k.size()), a),
                     Value(rapidjson::kObjectType), a);
      child = &(cur->MemberEnd() - 1)->value;
    }
    cur = child;  // always an object: load refuses a `to` that is a prefix of another
  }
  const std::string& last = to.back();
  cur->AddMember(Value(last.data(), static_cast<rapidjson::SizeType>(last.size()), a), v, a);
}

// ---- the compiled mapping -----------------------------------------------------------

struct MappingData {
  std::string file;  // for messages
  std::string name;
  int version = 0;
  rapidjson::Document store;  // its allocator owns constants, defaults and table values
  std::vector<std::unique_ptr<Value>> owned;
  std::map<std::string, Table, std::less<>> tables;
  std::vector<Rule> fields;
  std::vector<Path> required;
  std::vector<PatternRule> patterns;
  std::vector<DateOrderRule> date_orders;
  std::vector<RangeRule> ranges;
  std::optional<StatusMachine> transitions;

  std::optional<Error> apply_rules(const std::vector<Rule>& rules, const Value& src, Value& out, Alloc& a,
                                   const Context& ctx, const Trail* trail) const;
  std::optional<Error> apply_rule(const Rule& r, const Value& src, Value& out, Alloc& a, const Context& ctx,
                                  const Trail* trail) const;
};

std::optional<Error> MappingData::apply_rules(const std::vector<Rule>& rules, const Value& src, Value& out,
                                              Alloc& a, const Context& ctx, const Trail* trail) const {
  for (const Rule& r : rules) {
    if (auto e = apply_rule(r, src, out, a, ctx, trail)) return e;
  }
  return std::nullopt;
}

std::optional<Error> MappingData::apply_rule(const Rule& r, const Value& src, Value& out, Alloc& a,
                                             const Context& ctx, const Trail* trail) const {
  const Value* in = r.constant ? r.constant : resolve(src, r.from);
  if (in && in->IsNull()) in = nullptr;
  Value v;
  if (!in) {
    if (r.fallback) {
      v.CopyFrom(*r.fallback, a);
      if (r.omit_if_empty && is_empty(v)) return std::nullopt;
      write_target(out, r.to, v, a);
      return std::nullopt;
    }
    if (r.required) return rule_error(name, trail, r, "required, but missing or null in the source");
    return std::nullopt;
  }
  if (r.is_each) {
    if (!in->IsArray())
      return rule_error(name, trail, r, "expected an array, got a " + std::string(json::type_name(*in)));
    v.SetArray();
    v.Reserve(in->Size(), a);
    for (rapidjson::SizeType i = 0; i < in->Size(); ++i) {
      Value element(rapidjson::kObjectType);
      Trail t{trail, &r, i};
      if (auto e = apply_rules(r.each, (*in)[i], element, a, ctx, &t)) return e;
      v.PushBack(element, a);
    }
  } else {
    if (r.date_in != DateFmt::kNone) {
      int64_t ms = 0;
      if (auto p = read_instant(*in, r.date_in, ms)) return rule_error(name, trail, r, *p);
      write_instant(ms, r.date_out, v, a);
    } else {
      v.CopyFrom(*in, a);
    }
    if (r.table) {
      std::string key;
      if (!table_key(v, key))
        return rule_error(name, trail, r,
                          "a " + std::string(json::type_name(v)) + " cannot be looked up in table '" +
                              r.table->name + "' (expected a string, integer or boolean)");
      auto it = r.table->entries.find(std::string_view(key));
      if (it != r.table->entries.end()) {
        v.CopyFrom(it->second, a);
      } else if (r.table->fallback) {
        v.CopyFrom(*r.table->fallback, a);
      } else {
        // Table keys are codes (workflow states, channels), never personal data.
        return rule_error(name, trail, r,
                          "no entry '" + key + "' in table '" + r.table->name +
                              "' (add the code to the table, or give the table a \"default\")");
      }
    }
    if (!r.codes_kind.empty()) {
      if (!ctx.codes)
        return rule_error(name, trail, r,
                          "needs a code resolver for kind '" + r.codes_kind +
                              "', but none was given (load the code tables and pass them in the Context)");
      if (!v.IsString())
        return rule_error(name, trail, r,
                          "a code must be a string, got a " + std::string(json::type_name(v)));
      auto resolved = ctx.codes->resolve(r.codes_kind, std::string(v.GetString(), v.GetStringLength()),
                                         ctx.event_time_ms);
      if (!resolved.ok()) return rule_error(name, trail, r, resolved.error().message);
      v.SetString(resolved->data(), static_cast<rapidjson::SizeType>(resolved->size()), a);
    }
    if (auto p = convert_type(v, r.type, a)) return rule_error(name, trail, r, *p);
  }
  if (r.omit_if_empty && is_empty(v)) return std::nullopt;
  write_target(out, r.to, v, a);
  return std::nullopt;
}

// ---- loading ----------------------------------------------------------------------

struct Loader {
  MappingData& m;
  std::string where;
  std::optional<Error> err;

  bool fail(const std::string& pointer, const std::string& what) {
    if (!err) err = Error(ErrorKind::kConfig, where + ": " + pointer + ": " + what);
    return false;
  }

  bool only_keys(const Value& obj, const std::string& pointer,
                 std::initializer_list<std::string_view> allowed) {
    for (auto& mem : obj.GetObject()) {
      std::string_view k(mem.name.GetString(), mem.name.GetStringLength());
      bool known = false;
      for (auto a : allowed) known = known || a == k;
      if (!known) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return fail(pointer, "unknown key '" + std::string(k) + "' (allowed: " + list + ")");
      }
    }
    return true;
  }

  bool load_tables(const Value& tables) {
    if (!tables.IsObject()) return fail("/tables", "expected an object: table name -> {key: value}");
    for (auto& t : tables.GetObject()) {
      std::string tname(t.name.GetString(), t.name.GetStringLength());
      std::string ptr = "/tables/" + tname;
      if (!t.value.IsObject()) return fail(ptr, "expected an object of key -> value");
      Table& table = m.tables[tname];
      table.name = tname;
      // Either {"key": value, ..., "default": value} or {"entries": {...}, "default": value}
      // (the second when a real key is spelled "default").
      const Value* entries = &t.value;
      const Value* fallback = json::member(t.value, "default");
      if (const Value* e = json::member(t.value, "entries"); e && e->IsObject()) {
        if (!only_keys(t.value, ptr, {"entries", "default"})) return false;
        entries = e;
      }
      auto& a = m.store.GetAllocator();
      for (auto& e : entries->GetObject()) {
        std::string key(e.name.GetString(), e.name.GetStringLength());
        if (entries == &t.value && key == "default") continue;
        if (!(e.value.IsString() || e.value.IsNumber() || e.value.IsBool()))
          return fail(ptr + "/" + key, "a table value must be a string, number or boolean");
        table.entries.emplace(key, Value(e.value, a));
      }
      if (fallback) {
        if (!(fallback->IsString() || fallback->IsNumber() || fallback->IsBool()))
          return fail(ptr + "/default", "a table default must be a string, number or boolean");
        table.fallback_value.CopyFrom(*fallback, a);
        table.fallback = &table.fallback_value;
      }
    }
    return true;
  }

  bool load_rule(const Value& rv, const std::string& ptr, Rule& r) {
    if (!rv.IsObject()) return fail(ptr, "a field rule must be an object");
    if (!only_keys(rv, ptr,
                   {"to", "from", "const", "default", "required", "type", "table", "codes", "date", "each",
                    "omit_if_empty", "comment"}))
      return false;
    auto to = json::get_string(rv, "to");
    if (!to || to->empty()) return fail(ptr + "/to", "every rule needs \"to\": the dotted target path");
    r.to_dotted = *to;
    for (auto& s : split_path(*to).steps) {
      if (s.key.empty()) return fail(ptr + "/to", "empty step in target path '" + *to + "'");
      r.to.push_back(s.key);
    }
    auto& a = m.store.GetAllocator();
    // Constants and defaults are heap nodes (stable addresses) whose data lives in the
    // store's allocator, both freed with the Mapping.
    auto own = [&](const Value& v) {
      m.owned.push_back(std::make_unique<Value>(v, a));
      return m.owned.back().get();
    };
    const Value* from = json::member(rv, "from");
    const Value* cnst = json::member(rv, "const");
    if (from && cnst) return fail(ptr, "give either \"from\" or \"const\", not both");
    if (!from && !cnst) return fail(ptr, "needs \"from\" (a source path) or \"const\" (a fixed value)");
    if (from) {
      if (!from->IsString()) return fail(ptr + "/from", "expected a dotted source path string");
      r.from = split_path(std::string_view(from->GetString(), from->GetStringLength()));
      r.has_from = true;
    } else {
      if (cnst->IsNull()) return fail(ptr + "/const", "a constant cannot be null");
      r.constant = own(*cnst);
    }
    if (const Value* d = json::member(rv, "default")) r.fallback = own(*d);
    if (const Value* q = json::member(rv, "required")) {
      if (!q->IsBool()) return fail(ptr + "/required", "expected true or false");
      r.required = q->GetBool();
    }
    if (const Value* o = json::member(rv, "omit_if_empty")) {
      if (!o->IsBool()) return fail(ptr + "/omit_if_empty", "expected true or false");
      r.omit_if_empty = o->GetBool();
    }
    if (const Value* t = json::member(rv, "type")) {
      std::string_view s = t->IsString() ? std::string_view(t->GetString(), t->GetStringLength()) : "";
      if (s == "string")
        r.type = Type::kString;
      else if (s == "int")
        r.type = Type::kInt;
      else if (s == "bool")
        r.type = Type::kBool;
      else if (s == "number")
        r.type = Type::kNumber;
      else
        return fail(ptr + "/type", "expected one of string, int, bool, number");
    }
    if (const Value* t = json::member(rv, "table")) {
      if (!t->IsString()) return fail(ptr + "/table", "expected a table name");
      auto it = m.tables.find(std::string_view(t->GetString(), t->GetStringLength()));
      if (it == m.tables.end()) {
        std::string names;
        for (auto& [n, _] : m.tables) names += (names.empty() ? "" : ", ") + n;
        return fail(ptr + "/table", "no table '" + std::string(t->GetString()) +
                                        "' in \"tables\" (have: " + (names.empty() ? "none" : names) + ")");
      }
      r.table = &it->second;
    }
    if (const Value* c = json::member(rv, "codes")) {
      if (!c->IsString() || c->GetStringLength() == 0)
        return fail(ptr + "/codes", "expected a code kind such as \"agency\" or \"commune\"");
      r.codes_kind = c->GetString();
    }
    if (const Value* d = json::member(rv, "date")) {
      if (!d->IsObject()) return fail(ptr + "/date", "expected {\"in\": FORMAT, \"out\": FORMAT}");
      if (!only_keys(*d, ptr + "/date", {"in", "out"})) return false;
      auto in = json::get_string(*d, "in");
      auto out = json::get_string(*d, "out");
      auto fin = in ? date_fmt(*in) : std::nullopt;
      auto fout = out ? date_fmt(*out) : std::nullopt;
      const char* formats = "one of epoch_ms, iso8601, yyyyMMddHHmmss, yyyy-MM-dd";
      if (!fin) return fail(ptr + "/date/in", std::string("expected ") + formats);
      if (!fout) return fail(ptr + "/date/out", std::string("expected ") + formats);
      r.date_in = *fin;
      r.date_out = *fout;
    }
    if (const Value* e = json::member(rv, "each")) {
      if (!e->IsArray()) return fail(ptr + "/each", "expected an array of field rules");
      if (!r.has_from) return fail(ptr + "/each", "\"each\" needs \"from\" naming the source array");
      if (r.table || !r.codes_kind.empty() || r.date_in != DateFmt::kNone || r.type != Type::kNone)
        return fail(ptr, "\"each\" builds an array; table, codes, date and type belong on its inner rules");
      r.is_each = true;
      if (!load_rules(*e, ptr + "/each", r.each)) return false;
    }
    return true;
  }

  bool load_rules(const Value& arr, const std::string& ptr, std::vector<Rule>& rules) {
    rules.resize(arr.Size());
    for (rapidjson::SizeType i = 0; i < arr.Size(); ++i) {
      if (!load_rule(arr[i], ptr + "/" + std::to_string(i), rules[i])) return false;
    }
    // A target written twice, or written both as a value and as an object to descend
    // into ("A" and "A.B"), is a mistake in the file; refuse it at load.
    for (size_t i = 0; i < rules.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        const auto& x = rules[i].to;
        const auto& y = rules[j].to;
        size_t n = std::min(x.size(), y.size());
        if (std::equal(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n), y.begin()))
          return fail(ptr + "/" + std::to_string(i) + "/to", "target '" + rules[i].to_dotted +
                                                                 "' collides with rule " + std::to_string(j) +
                                                                 " ('" + rules[j].to_dotted + "')");
      }
    }
    return true;
  }

  bool load_validate(const Value& v) {
    if (!v.IsObject())
      return fail("/validate", "expected an object with required, pattern, date_order, range");
    if (!only_keys(v, "/validate", {"required", "pattern", "date_order", "range", "comment"})) return false;
    if (const Value* req = json::member(v, "required")) {
      if (!req->IsArray()) return fail("/validate/required", "expected an array of target paths");
      for (rapidjson::SizeType i = 0; i < req->Size(); ++i) {
        if (!(*req)[i].IsString())
          return fail("/validate/required/" + std::to_string(i), "expected a target path string");
        m.required.push_back(split_path((*req)[i].GetString()));
      }
    }
    auto list = [&](const char* key, auto&& each) {
      const Value* arr = json::member(v, key);
      if (!arr) return true;
      std::string ptr = std::string("/validate/") + key;
      if (!arr->IsArray()) return fail(ptr, "expected an array of rules");
      for (rapidjson::SizeType i = 0; i < arr->Size(); ++i) {
        std::string p = ptr + "/" + std::to_string(i);
        if (!(*arr)[i].IsObject()) return fail(p, "expected an object");
        if (!each((*arr)[i], p)) return false;
      }
      return true;
    };
    bool ok = list("pattern", [&](const Value& o, const std::string& p) {
      if (!only_keys(o, p, {"field", "regex", "message", "comment"})) return false;
      auto field = json::get_string(o, "field");
      auto re = json::get_string(o, "regex");
      if (!field) return fail(p + "/field", "expected a target path");
      if (!re) return fail(p + "/regex", "expected a regular expression (ECMAScript syntax)");
      PatternRule rule{
          split_path(*field), {}, json::get_string(o, "message").value_or("does not match " + *re)};
      try {
        rule.re = std::regex(*re, std::regex::ECMAScript | std::regex::optimize);
      } catch (const std::regex_error& e) {
        return fail(p + "/regex", std::string("invalid regular expression: ") + e.what());
      }
      m.patterns.push_back(std::move(rule));
      return true;
    });
    ok = ok && list("date_order", [&](const Value& o, const std::string& p) {
           if (!only_keys(o, p, {"before", "after", "format", "comment"})) return false;
           auto before = json::get_string(o, "before");
           auto after = json::get_string(o, "after");
           if (!before) return fail(p + "/before", "expected the target path of the earlier date");
           if (!after) return fail(p + "/after", "expected the target path of the later date");
           auto fmt = date_fmt(json::get_string(o, "format").value_or("yyyyMMddHHmmss"));
           if (!fmt)
             return fail(p + "/format", "expected one of epoch_ms, iso8601, yyyyMMddHHmmss, yyyy-MM-dd");
           m.date_orders.push_back({split_path(*before), split_path(*after), *fmt});
           return true;
         });
    ok = ok && list("range", [&](const Value& o, const std::string& p) {
           if (!only_keys(o, p, {"field", "min", "max", "comment"})) return false;
           auto field = json::get_string(o, "field");
           auto min = json::get_int(o, "min");
           auto max = json::get_int(o, "max");
           if (!field) return fail(p + "/field", "expected a target path");
           if (!min || !max || *min > *max) return fail(p, "expected integer \"min\" <= \"max\"");
           m.ranges.push_back({split_path(*field), *min, *max});
           return true;
         });
    return ok;
  }

  bool load(const Value& doc) {
    if (!doc.IsObject()) return fail("", "a mapping file is a JSON object");
    if (!only_keys(
            doc, "",
            {"name", "version", "description", "comment", "tables", "fields", "validate", "transitions"}))
      return false;
    auto name = json::get_string(doc, "name");
    if (!name || name->empty()) return fail("/name", "expected the mapping's name");
    m.name = *name;
    auto version = json::get_int(doc, "version");
    if (!version || *version < 1 || *version > 1'000'000)
      return fail("/version", "expected a positive integer");
    m.version = static_cast<int>(*version);
    if (const Value* t = json::member(doc, "tables"); t && !load_tables(*t)) return false;
    if (const Value* f = json::member(doc, "fields")) {
      if (!f->IsArray()) return fail("/fields", "expected an array of field rules");
      if (!load_rules(*f, "/fields", m.fields)) return false;
    }
    if (const Value* v = json::member(doc, "validate"); v && !load_validate(*v)) return false;
    if (const Value* t = json::member(doc, "transitions")) {
      auto sm = StatusMachine::from_json(*t, where);
      if (!sm.ok()) {
        err = sm.error();
        return false;
      }
      m.transitions = std::move(sm).value();
    }
    return true;
  }
};

}  // namespace

struct Mapping::Impl : MappingData {};

Mapping::Mapping() : impl_(std::make_unique<Impl>()) {}
Mapping::Mapping(Mapping&&) noexcept = default;
Mapping& Mapping::operator=(Mapping&&) noexcept = default;
Mapping::~Mapping() = default;

Result<Mapping> Mapping::parse(std::string_view text, std::string_view name) {
  LT_ASSIGN_OR_RETURN(rapidjson::Document doc, json::parse(text, name));
  Mapping m;
  m.impl_->file = std::string(name);
  Loader loader{*m.impl_, std::string(name), std::nullopt};
  if (!loader.load(doc)) return *loader.err;
  return m;
}

Result<Mapping> Mapping::load_file(const std::string& path) {
  auto text = json::read_file(path);
  if (!text.ok()) return text.error();
  return parse(*text, path);
}

const std::string& Mapping::name() const {
  return impl_->name;
}
int Mapping::version() const {
  return impl_->version;
}
size_t Mapping::field_count() const {
  return impl_->fields.size();
}
const StatusMachine* Mapping::transitions() const {
  return impl_->transitions ? &*impl_->transitions : nullptr;
}

Result<rapidjson::Document> Mapping::apply(const rapidjson::Value& source, const Context& ctx) const {
  rapidjson::Document out(rapidjson::kObjectType);
  if (auto e = impl_->apply_rules(impl_->fields, source, out, out.GetAllocator(), ctx, nullptr)) return *e;
  return out;
}

Status Mapping::apply_into(const rapidjson::Value& source, rapidjson::Value& out,
                           rapidjson::MemoryPoolAllocator<>& allocator, const Context& ctx) const {
  out.SetObject();
  if (auto e = impl_->apply_rules(impl_->fields, source, out, allocator, ctx, nullptr)) return *e;
  return {};
}

Status Mapping::validate(const rapidjson::Value& target) const {
  // Every failure is listed (not just the first) so that one run shows an operator all
  // that is wrong with a record. Values are never echoed: fields may hold personal data.
  std::string failures;
  auto add = [&](const Path& field, const std::string& rule, const std::string& what) {
    failures += (failures.empty() ? "" : "; ") + field.dotted + ": rule " + rule + ": " + what;
  };
  for (const Path& p : impl_->required) {
    const Value* v = resolve(target, p);
    if (!v || v->IsNull() || (v->IsString() && v->GetStringLength() == 0))
      add(p, "required", "missing or empty");
  }
  for (const PatternRule& r : impl_->patterns) {
    const Value* v = resolve(target, r.field);
    if (!v || v->IsNull()) continue;  // absence is the "required" rule's business
    if (!v->IsString()) {
      add(r.field, "pattern", "expected a string, got a " + std::string(json::type_name(*v)));
    } else if (!std::regex_match(v->GetString(), v->GetString() + v->GetStringLength(), r.re)) {
      add(r.field, "pattern", r.message);
    }
  }
  for (const DateOrderRule& r : impl_->date_orders) {
    const Value* b = resolve(target, r.before);
    const Value* a = resolve(target, r.after);
    if (!b || !a || b->IsNull() || a->IsNull()) continue;
    if (b->IsString() && b->GetStringLength() == 0) continue;
    if (a->IsString() && a->GetStringLength() == 0) continue;
    int64_t tb = 0, ta = 0;
    if (read_instant(*b, r.format, tb)) {
      add(r.before, "date_order", "expected " + std::string(date_word(r.format)));
    } else if (read_instant(*a, r.format, ta)) {
      add(r.after, "date_order", "expected " + std::string(date_word(r.format)));
    } else if (tb > ta) {
      add(r.after, "date_order", "must not be earlier than " + r.before.dotted);
    }
  }
  for (const RangeRule& r : impl_->ranges) {
    const Value* v = resolve(target, r.field);
    if (!v || v->IsNull()) continue;
    if (!v->IsInt64()) {
      add(r.field, "range", "expected an integer, got a " + std::string(json::type_name(*v)));
    } else if (v->GetInt64() < r.min || v->GetInt64() > r.max) {
      add(r.field, "range", "outside " + std::to_string(r.min) + ".." + std::to_string(r.max));
    }
  }
  if (failures.empty()) return {};
  return Error(ErrorKind::kValidation, "mapping '" + impl_->name + "': validation failed: " + failures);
}

Result<rapidjson::Document> Mapping::transform(const rapidjson::Value& source, const Context& ctx) const {
  LT_ASSIGN_OR_RETURN(rapidjson::Document out, apply(source, ctx));
  LT_TRY(validate(out));
  return out;
}

std::optional<std::string> Mapping::lookup(const std::string& table, const std::string& key) const {
  auto t = impl_->tables.find(table);
  if (t == impl_->tables.end()) return std::nullopt;
  auto it = t->second.entries.find(std::string_view(key));
  const Value* v = it != t->second.entries.end() ? &it->second : t->second.fallback;
  if (!v) return std::nullopt;
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  if (v->IsBool()) return std::string(v->GetBool() ? "true" : "false");
  if (v->IsInt64()) return std::to_string(v->GetInt64());
  return json::to_string(*v);
}

}  // namespace lienthong::mapping
