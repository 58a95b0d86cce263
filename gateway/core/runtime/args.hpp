// Parsed command-line arguments: positionals, --key value options and flags. The
// `lienthong` commands fill it from their declared options (app/cli.hpp, CLI11).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lienthong::app {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  Args() = default;
  Args(std::vector<std::string> positional, std::map<std::string, std::string> options,
       std::set<std::string> flags)
      : positional_(std::move(positional)), options_(std::move(options)), flags_(std::move(flags)) {}
  const std::vector<std::string>& positional() const { return positional_; }
  std::string positional_at(size_t i, const std::string& what) const;  // UsageError naming `what`
  bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  std::optional<std::string> option(const std::string& name) const;
  std::string option_or(const std::string& name, const std::string& fallback) const;
  std::string required(const std::string& name) const;  // UsageError when missing
  int64_t integer_or(const std::string& name, int64_t fallback) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> options_;
  std::set<std::string> flags_;
};

}  // namespace lienthong::app
