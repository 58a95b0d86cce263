// `lienthong console hash-password`: the Argon2id hash of a password read from stdin, for
// an operator account of the console (console.users[].password_hash). The password never
// appears on the command line, where other users of the host could read it.
#include <iostream>
#include <string>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/console/password.hpp"
#include "gateway/core/runtime/args.hpp"

namespace lienthong::app {

namespace {

const cli::CommandSpec& spec() {
  static const cli::CommandSpec s{
      "console",
      "The operator console's accounts.",
      "Example: read -rs P && printf '%s\\n' \"$P\" | lienthong console hash-password",
      {},
      {},
      {{"hash-password",
        "reads one line (the password) from stdin and prints its Argon2id hash (libsodium "
        "crypto_pwhash_str), to put in console.users[].password_hash",
        {},
        {}}}};
  return s;
}

}  // namespace

int run_console(const std::vector<std::string>& argv) {
  auto parsed = cli::parse(spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
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
