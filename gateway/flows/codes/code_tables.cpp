#include "gateway/flows/codes/code_tables.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"

namespace lienthong::codes {

std::string_view to_string(Change::Type t) {
  switch (t) {
    case Change::Type::kCreated:
      return "created";
    case Change::Type::kRetired:
      return "retired";
    case Change::Type::kMerged:
      return "merged";
    case Change::Type::kSplit:
      return "split";
    case Change::Type::kReplaced:
      return "replaced";
    case Change::Type::kChanged:
      return "changed";
  }
  return "changed";
}

std::optional<Day> CodeTables::parse_day(std::string_view s) {
  return vn_time::parse_date(s);
}
std::string CodeTables::format_day(Day d) {
  return vn_time::format_date(d);
}

namespace {

using rapidjson::Value;

const std::set<std::string, std::less<>> kKinds = {"province", "district", "commune", "agency"};
const std::set<std::string, std::less<>> kLevels = {"province", "district", "commune", "ministry"};

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

// Builds a CodeTables from table files and reorganisation files; the first error stops
// loading and names file and entry.
struct Loader {
  CodeTables& t;
  std::optional<Error> err;

  bool fail(const std::string& where, const std::string& what) {
    if (!err) err = Error(ErrorKind::kConfig, where + ": " + what);
    return false;
  }

  bool only_keys(const Value& obj, const std::string& where,
                 std::initializer_list<std::string_view> allowed) {
    for (auto& m : obj.GetObject()) {
      std::string_view k(m.name.GetString(), m.name.GetStringLength());
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return fail(where, "unknown key '" + std::string(k) + "' (allowed: " + list + ")");
      }
    }
    return true;
  }

  bool day(const Value& obj, const char* key, const std::string& where, std::optional<Day>& out,
           bool required) {
    const Value* v = json::member(obj, key);
    if (!v || v->IsNull()) {
      if (required) return fail(where, std::string("missing \"") + key + "\" (YYYY-MM-DD)");
      return true;
    }
    if (!v->IsString()) return fail(where, std::string("\"") + key + "\" must be a date string YYYY-MM-DD");
    auto d = CodeTables::parse_day(std::string_view(v->GetString(), v->GetStringLength()));
    if (!d) return fail(where, std::string("\"") + key + "\" is not a valid date YYYY-MM-DD");
    out = *d;
    return true;
  }

  bool strings(const Value& obj, const char* key, const std::string& where, std::vector<std::string>& out) {
    const Value* v = json::member(obj, key);
    if (!v) return true;
    if (!v->IsArray()) return fail(where, std::string("\"") + key + "\" must be an array of codes");
    for (auto& s : v->GetArray()) {
      if (!s.IsString() || s.GetStringLength() == 0)
        return fail(where, std::string("\"") + key + "\" must be an array of non-empty code strings");
      out.emplace_back(s.GetString(), s.GetStringLength());
    }
    return true;
  }

  bool kind_of(const Value& obj, const std::string& where, std::string& kind) {
    auto k = json::get_string(obj, "kind");
    if (!k || !kKinds.count(*k))
      return fail(where, "\"kind\" must be one of province, district, commune, agency");
    kind = *k;
    return true;
  }

  // One table entry (also the "create" list of a reorganisation file).
  bool entry(const Value& v, const std::string& where0, std::optional<Day> default_from) {
    if (!v.IsObject()) return fail(where0, "expected an object");
    auto code = json::get_string(v, "code");
    if (!code || code->empty()) return fail(where0, "missing \"code\"");
    const std::string where = where0 + " (" + json::get_string(v, "kind").value_or("?") + " " + *code + ")";
    if (!only_keys(
            v, where,
            {"code", "name", "kind", "level", "parent", "valid_from", "valid_to", "replaced_by", "comment"}))
      return false;
    Entry e;
    e.code = *code;
    e.origin = where0;
    if (!kind_of(v, where, e.kind)) return false;
    e.name = json::get_string(v, "name").value_or("");
    if (e.name.empty()) return fail(where, "missing \"name\"");
    e.level = json::get_string(v, "level").value_or(e.kind == "agency" ? "" : e.kind);
    if (!kLevels.count(e.level))
      return fail(where, "\"level\" must be one of province, district, commune, ministry");
    if (e.kind != "agency" && e.level != e.kind)
      return fail(where, "a " + e.kind + "'s level is \"" + e.kind + "\"");
    e.parent = json::get_string(v, "parent").value_or("");
    std::optional<Day> from = default_from, to;
    if (!day(v, "valid_from", where, from, !default_from) || !day(v, "valid_to", where, to, false))
      return false;
    e.valid_from = *from;
    e.valid_to = to;
    if (e.valid_to && *e.valid_to <= e.valid_from)
      return fail(where, "\"valid_to\" " + CodeTables::format_day(*e.valid_to) +
                             " must be after \"valid_from\" " + CodeTables::format_day(e.valid_from));
    if (!strings(v, "replaced_by", where, e.replaced_by)) return false;
    if (!e.replaced_by.empty() && !e.valid_to)
      return fail(where, "\"replaced_by\" needs \"valid_to\" (the day the successors take over)");
    t.entries_[e.kind][e.code].push_back(std::move(e));
    return true;
  }

  bool table_file(const std::string& name, std::string_view text) {
    auto doc = json::parse(text, name);
    if (!doc.ok()) return fail(name, doc.error().message);
    if (!doc->IsObject()) return fail(name, "expected an object with \"entries\"");
    if (!only_keys(*doc, name, {"comment", "sample", "entries"})) return false;
    const Value* entries = json::member(*doc, "entries");
    if (!entries || !entries->IsArray()) return fail(name, "\"entries\" must be an array");
    for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
      if (!entry((*entries)[i], name + " entries[" + std::to_string(i) + "]", std::nullopt)) return false;
    }
    return true;
  }

  // The version of (kind, code) valid on the day before a reorganisation.
  Entry* version_before(const std::string& kind, const std::string& code, Day effective,
                        const std::string& where) {
    auto k = t.entries_.find(kind);
    if (k != t.entries_.end()) {
      auto c = k->second.find(code);
      if (c != k->second.end()) {
        for (auto& e : c->second)
          if (e.valid_on(effective - 1)) return &e;
      }
    }
    fail(where, kind + " " + code + " is not valid on " + CodeTables::format_day(effective - 1) +
                    ", the day before the reorganisation; add it to a table file first");
    return nullptr;
  }

  bool retire(const std::string& kind, const std::string& code, Day effective,
              const std::vector<std::string>& into, const std::string& where, std::optional<Day> grace,
              Entry** out = nullptr) {
    Entry* e = version_before(kind, code, effective, where);
    if (!e) return false;
    if (e->valid_to && *e->valid_to != effective)
      return fail(where, kind + " " + code + " already ends on " + CodeTables::format_day(*e->valid_to) +
                             " (" + e->origin + ")");
    if (!e->replaced_by.empty() && e->replaced_by != into)
      return fail(where, kind + " " + code + " is already replaced by " + join(e->replaced_by) + " (" +
                             e->origin + ")");
    e->valid_to = effective;
    e->replaced_by = into;
    e->accept_until = grace;
    e->origin += "; " + where;
    if (out) *out = e;
    return true;
  }

  bool reorg_file(const std::string& name, std::string_view text) {
    auto doc = json::parse(text, name);
    if (!doc.ok()) return fail(name, doc.error().message);
    const Value& d = *doc;
    if (!d.IsObject()) return fail(name, "expected an object");
    if (!only_keys(d, name,
                   {"effective", "comment", "sample", "accept_old_codes_until", "create", "merge", "split",
                    "update", "retire"}))
      return false;
    std::optional<Day> effective, grace;
    if (!day(d, "effective", name, effective, true) || !day(d, "accept_old_codes_until", name, grace, false))
      return false;
    if (grace && *grace <= *effective)
      return fail(name, "\"accept_old_codes_until\" must be after \"effective\"");
    auto list = [&](const char* key, auto&& each) {
      const Value* arr = json::member(d, key);
      if (!arr) return true;
      if (!arr->IsArray()) return fail(name, std::string("\"") + key + "\" must be an array");
      for (rapidjson::SizeType i = 0; i < arr->Size(); ++i) {
        std::string where = name + " " + key + "[" + std::to_string(i) + "]";
        if (!(*arr)[i].IsObject()) return fail(where, "expected an object");
        if (!each((*arr)[i], where)) return false;
      }
      return true;
    };
    // New codes first, so that merges and splits can point at them.
    if (!list("create", [&](const Value& v, const std::string& w) { return entry(v, w, effective); }))
      return false;
    // "update": same code, new version from the effective date (renamed or moved under
    // another parent, e.g. communes whose district was abolished).
    bool ok = list("update", [&](const Value& v, const std::string& w) {
      if (!only_keys(v, w, {"kind", "code", "codes", "name", "parent", "comment"})) return false;
      std::string kind;
      if (!kind_of(v, w, kind)) return false;
      std::vector<std::string> codes;
      if (auto c = json::get_string(v, "code")) codes.push_back(*c);
      if (!strings(v, "codes", w, codes)) return false;
      if (codes.empty()) return fail(w, "needs \"code\" or \"codes\"");
      auto name_v = json::get_string(v, "name");
      if (name_v && codes.size() > 1) return fail(w, "\"name\" applies to a single \"code\"");
      for (const auto& code : codes) {
        Entry* old = nullptr;
        if (!retire(kind, code, *effective, {code}, w, std::nullopt, &old)) return false;
        Entry next = *old;
        next.valid_from = *effective;
        next.valid_to.reset();
        next.replaced_by.clear();
        next.accept_until.reset();
        next.origin = w;
        if (name_v) next.name = *name_v;
        if (auto p = json::get_string(v, "parent")) next.parent = *p;
        t.entries_[kind][code].push_back(std::move(next));
      }
      return true;
    });
    ok = ok && list("merge", [&](const Value& v, const std::string& w) {
           if (!only_keys(v, w, {"kind", "from", "into", "comment"})) return false;
           std::string kind;
           if (!kind_of(v, w, kind)) return false;
           std::vector<std::string> from;
           auto into = json::get_string(v, "into");
           if (!strings(v, "from", w, from)) return false;
           if (from.empty() || !into || into->empty())
             return fail(w, "needs \"from\": [codes] and \"into\": code");
           for (const auto& code : from)
             if (!retire(kind, code, *effective, {*into}, w, grace)) return false;
           return true;
         });
    ok = ok && list("split", [&](const Value& v, const std::string& w) {
           if (!only_keys(v, w, {"kind", "from", "into", "successor", "by", "map", "comment"})) return false;
           std::string kind;
           if (!kind_of(v, w, kind)) return false;
           auto from = json::get_string(v, "from");
           std::vector<std::string> into;
           if (!strings(v, "into", w, into)) return false;
           if (!from || from->empty() || into.size() < 2)
             return fail(w, "needs \"from\": code and \"into\": [two or more codes]");
           Entry* e = nullptr;
           if (!retire(kind, *from, *effective, into, w, grace, &e)) return false;
           auto in_into = [&](const std::string& c) {
             return std::find(into.begin(), into.end(), c) != into.end();
           };
           if (auto s = json::get_string(v, "successor")) {
             if (!in_into(*s)) return fail(w, "\"successor\" " + *s + " is not one of \"into\"");
             e->successor = *s;
           }
           if (auto by = json::get_string(v, "by")) {
             if (*by != "commune") return fail(w, "\"by\" must be \"commune\"");
             const Value* map = json::member(v, "map");
             if (!map || !map->IsObject() || map->MemberCount() == 0)
               return fail(w, "\"by\": \"commune\" needs \"map\": {commune code: successor}");
             for (auto& m : map->GetObject()) {
               if (!m.value.IsString() || !in_into(m.value.GetString()))
                 return fail(w, std::string("map entry ") + m.name.GetString() +
                                    ": successor must be one of \"into\"");
               e->split_map[m.name.GetString()] = m.value.GetString();
             }
             e->split_by = *by;
           } else if (json::member(v, "map")) {
             return fail(w, "\"map\" needs \"by\": \"commune\"");
           }
           return true;
         });
    ok = ok && list("retire", [&](const Value& v, const std::string& w) {
           if (!only_keys(v, w, {"kind", "codes", "comment"})) return false;
           std::string kind;
           if (!kind_of(v, w, kind)) return false;
           std::vector<std::string> codes;
           if (!strings(v, "codes", w, codes)) return false;
           if (codes.empty()) return fail(w, "needs \"codes\"");
           for (const auto& code : codes)
             if (!retire(kind, code, *effective, {}, w, std::nullopt)) return false;
           return true;
         });
    return ok;
  }

  // Cross-entry checks once everything is loaded.
  bool check() {
    for (auto& [kind, codes] : t.entries_) {
      for (auto& [code, versions] : codes) {
        std::sort(versions.begin(), versions.end(),
                  [](const Entry& a, const Entry& b) { return a.valid_from < b.valid_from; });
        for (size_t i = 0; i + 1 < versions.size(); ++i) {
          if (!versions[i].valid_to || *versions[i].valid_to > versions[i + 1].valid_from)
            return fail(versions[i + 1].origin, kind + " " + code + " overlaps the version from " +
                                                    versions[i].origin +
                                                    "; give the earlier one a \"valid_to\"");
        }
        for (const Entry& e : versions) {
          for (const auto& s : e.replaced_by) {
            auto r = t.lookup(kind, s, *e.valid_to);
            if (!r.ok())
              return fail(e.origin, kind + " " + code + " is replaced by " + s + ", which is not a " + kind +
                                        " valid on " + CodeTables::format_day(*e.valid_to));
          }
          if (!e.parent.empty()) {
            bool found = false;
            for (const char* k : {"province", "district", "commune"}) {
              auto pk = t.entries_.find(k);
              found = found || (pk != t.entries_.end() && pk->second.count(e.parent));
            }
            if (!found)
              return fail(e.origin, "parent " + e.parent + " is not a province, district or commune code");
          }
        }
      }
    }
    return true;
  }
};

Result<CodeTables> CodeTables::load(const std::vector<std::pair<std::string, std::string>>& tables,
                                    const std::vector<std::pair<std::string, std::string>>& reorgs) {
  CodeTables t;
  Loader l{t, std::nullopt};
  for (const auto& [name, text] : tables)
    if (!l.table_file(name, text)) return *l.err;
  for (const auto& [name, text] : reorgs)
    if (!l.reorg_file(name, text)) return *l.err;
  // Successors and parents are checked once everything is in, so that a table entry may
  // point at a code that a reorganisation file creates.
  if (!l.check()) return *l.err;
  return t;
}

Result<CodeTables> CodeTables::load_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Error(ErrorKind::kConfig, "code tables: " + dir + " is not a directory (set codes.dir or --dir)");
  auto read_all = [&](const fs::path& d, std::vector<std::pair<std::string, std::string>>& out) -> Status {
    std::vector<fs::path> files;
    if (!fs::is_directory(d, ec)) return {};
    for (auto& e : fs::directory_iterator(d, ec))
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (auto& f : files) {
      LT_ASSIGN_OR_RETURN(std::string text, json::read_file(f.string()));
      out.emplace_back(f.lexically_relative(dir).string(), std::move(text));
    }
    return {};
  };
  std::vector<std::pair<std::string, std::string>> tables, reorgs;
  LT_TRY(read_all(dir, tables));
  LT_TRY(read_all(fs::path(dir) / "reorg", reorgs));
  if (tables.empty()) return Error(ErrorKind::kConfig, "code tables: no *.json table files in " + dir);
  auto t = load(tables, reorgs);
  if (!t.ok()) return t.error().context(dir);
  return t;
}

Result<const Entry*> CodeTables::lookup(std::string_view kind, std::string_view code, Day day) const {
  auto k = entries_.find(kind);
  if (k == entries_.end())
    return Error(ErrorKind::kMapping, "unknown code kind '" + std::string(kind) +
                                          "' (known: province, district, commune, agency)");
  auto c = k->second.find(code);
  if (c == k->second.end())
    return Error(ErrorKind::kMapping,
                 std::string(kind) + " code '" + std::string(code) + "' is not in the code tables");
  for (const Entry& e : c->second)
    if (e.valid_on(day)) return &e;
  // Say what the code was, so an operator sees retired-vs-not-yet-valid at a glance.
  std::string history;
  for (const Entry& e : c->second) {
    history += (history.empty() ? "" : "; ") + std::string("valid ") + format_day(e.valid_from) +
               (e.valid_to ? " to " + format_day(*e.valid_to) : std::string(" onwards"));
    if (!e.replaced_by.empty()) history += ", replaced by " + join(e.replaced_by);
  }
  return Error(ErrorKind::kMapping, std::string(kind) + " code '" + std::string(code) + "' is not valid on " +
                                        format_day(day) + " (" + history + ")");
}

Result<std::string> CodeTables::translate(std::string_view kind, std::string_view code, Day event_day,
                                          Day today, const Hints& hints) const {
  const Entry* e = nullptr;
  auto found = lookup(kind, code, event_day);
  if (found.ok()) {
    e = *found;
  } else {
    // A grace period lets records dated shortly after a reorganisation still carry the
    // old code; past it (or without one) the record is refused.
    auto k = entries_.find(kind);
    if (k != entries_.end()) {
      if (auto c = k->second.find(code); c != k->second.end())
        for (const Entry& v : c->second)
          if (v.valid_to && event_day >= *v.valid_to && v.accept_until && event_day < *v.accept_until) e = &v;
    }
    if (!e) return found.error();
  }
  for (int step = 0; step < 64; ++step) {
    if (e->valid_on(today)) return e->code;
    if (today < e->valid_from)
      return Error(ErrorKind::kMapping, std::string(kind) + " code '" + e->code + "' is only valid from " +
                                            format_day(e->valid_from) + ", after today " + format_day(today));
    if (e->replaced_by.empty())
      return Error(ErrorKind::kMapping, std::string(kind) + " code '" + e->code + "' (as of " +
                                            format_day(event_day) + ") was retired on " +
                                            format_day(*e->valid_to) +
                                            " with no successor; the record needs a current code");
    std::string next;
    if (e->replaced_by.size() == 1) {
      next = e->replaced_by[0];
    } else if (!e->successor.empty()) {
      next = e->successor;
    } else if (e->split_by == "commune" && hints.commune) {
      auto it = e->split_map.find(*hints.commune);
      if (it == e->split_map.end())
        return Error(ErrorKind::kMapping, std::string(kind) + " code '" + e->code + "' was split on " +
                                              format_day(*e->valid_to) + " by commune, and commune " +
                                              *hints.commune + " is not in the split's map");
      next = it->second;
    } else {
      return Error(
          ErrorKind::kMapping,
          std::string(kind) + " code '" + e->code + "' (as of " + format_day(event_day) + ") was split on " +
              format_day(*e->valid_to) + " into " + join(e->replaced_by) +
              (e->split_by.empty()
                   ? std::string(" and no rule says which one applies")
                   : " by " + e->split_by + ", and the record's " + e->split_by + " is not known here") +
              "; add \"successor\" to that split in the reorganisation file, or send the current code");
    }
    auto n = lookup(kind, next, *e->valid_to);
    if (!n.ok()) return n.error();
    e = *n;
  }
  return Error(ErrorKind::kMapping,
               std::string(kind) + " code '" + std::string(code) + "': replaced_by chain too long");
}

std::vector<Change> CodeTables::diff(Day from, Day to) const {
  std::vector<Change> out;
  auto in_window = [&](Day d) { return d > from && d <= to; };
  // Merges are grouped by (kind, successor, date).
  std::map<std::tuple<std::string, std::string, Day>, std::vector<std::string>> groups;
  for (const auto& [kind, codes] : entries_) {
    for (const auto& [code, versions] : codes) {
      for (size_t i = 0; i < versions.size(); ++i) {
        const Entry& e = versions[i];
        bool had_predecessor = i > 0 && versions[i - 1].valid_to == e.valid_from;
        if (in_window(e.valid_from) && !had_predecessor)
          out.push_back({Change::Type::kCreated, kind, e.valid_from, {}, {e.code}, ""});
        if (!e.valid_to || !in_window(*e.valid_to)) continue;
        if (e.replaced_by.empty()) {
          out.push_back({Change::Type::kRetired, kind, *e.valid_to, {e.code}, {}, ""});
        } else if (e.replaced_by.size() > 1) {
          std::string rule = !e.successor.empty() ? "successor " + e.successor
                             : e.split_by.empty() ? std::string("")
                                                  : "by " + e.split_by;
          out.push_back({Change::Type::kSplit, kind, *e.valid_to, {e.code}, e.replaced_by, rule});
        } else {
          groups[{kind, e.replaced_by[0], *e.valid_to}].push_back(e.code);
        }
      }
    }
  }
  for (auto& [key, members] : groups) {
    const auto& [kind, into, date] = key;
    Change::Type type = members.size() > 1   ? Change::Type::kMerged
                        : members[0] == into ? Change::Type::kChanged
                                             : Change::Type::kReplaced;
    out.push_back({type, kind, date, members, {into}, ""});
  }
  std::sort(out.begin(), out.end(), [](const Change& a, const Change& b) {
    const std::string& ac = a.from.empty() ? a.to[0] : a.from[0];
    const std::string& bc = b.from.empty() ? b.to[0] : b.from[0];
    return std::tie(a.date, a.kind, a.type, ac) < std::tie(b.date, b.kind, b.type, bc);
  });
  return out;
}

std::vector<std::string> CodeTables::kinds() const {
  std::vector<std::string> out;
  for (const auto& [k, _] : entries_) out.push_back(k);
  return out;
}

size_t CodeTables::size() const {
  size_t n = 0;
  for (const auto& [_, codes] : entries_)
    for (const auto& [__, versions] : codes) n += versions.size();
  return n;
}

}  // namespace lienthong::codes
