// `lienthong console hash-password`: the Argon2id hash of a password read from stdin, for
// an operator account of the console (console.users[].password_hash). The password never
// appears on the command line, where other users of the host could read it.
#include <iostream>
#include <string>

#include "app/commands.hpp"
#include "app/console/password.hpp"
#include "gateway/core/runtime/args.hpp"

namespace lienthong::app {

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  lienthong console hash-password < password\n"
    "\n"
    "hash-password  reads one line (the password) from stdin and prints its Argon2id hash\n"
    "               (libsodium crypto_pwhash_str), to put in console.users[].password_hash.\n"
    "               Example: read -rs P && printf '%s\\n' \"$P\" | lienthong console hash-password\n";

}  // namespace

int run_console(const std::vector<std::string>& argv) {
  Args args = Args::parse(argv, {"help"});
  if (args.flag("help") || args.positional().empty()) {
    std::cout << kUsage;
    return args.flag("help") ? kExitOk : kExitUsage;
  }
  args.allow_only({"help"});
  if (args.positional()[0] != "hash-password")
    throw UsageError("unknown subcommand '" + args.positional()[0] + "'");
  if (args.positional().size() > 1)
    throw UsageError("hash-password takes the password on stdin, not as an argument");
  std::string password;
  if (!std::getline(std::cin, password) && password.empty()) {
    std::cerr << "lienthong console: no password on stdin\n";
    return kExitFailure;
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto hash = console::hash_password(password);
  if (!hash.ok()) {
    std::cerr << "lienthong console: " << hash.error().message << "\n";
    return kExitFailure;
  }
  std::cout << *hash << "\n";
  return kExitOk;
}

}  // namespace lienthong::app
