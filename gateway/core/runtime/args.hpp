// Command-line arguments: positionals, --key value / --key=value options, and flags.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace lienthong::app {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // `flags` lists the options that take no value (e.g. "json", "help").
  static Args parse(const std::vector<std::string>& argv, const std::set<std::string>& flags);

  const std::vector<std::string>& positional() const { return positional_; }
  std::string positional_at(size_t i, const std::string& what) const;  // UsageError naming `what`
  bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  std::optional<std::string> option(const std::string& name) const;
  std::string option_or(const std::string& name, const std::string& fallback) const;
  std::string required(const std::string& name) const;  // UsageError when missing
  int64_t integer_or(const std::string& name, int64_t fallback) const;
  // Refuses options/flags not in `known` (typos).
  void allow_only(const std::set<std::string>& known) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> options_;
  std::set<std::string> flags_;
};

}  // namespace lienthong::app
