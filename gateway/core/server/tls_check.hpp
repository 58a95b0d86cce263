// Loads the server's TLS material as the listener would (certificate chain, private key,
// the two matching, client CA), without opening a port: for `config check` and before
// `serve` starts, so a missing or wrong file is a configuration error naming its key.
#pragma once

#include <string>
#include <vector>

#include "gateway/core/server/http_server.hpp"

namespace lienthong::server {

// One message per problem, each naming the key (server.tls.cert_file, ...) and the file.
// Empty when TLS is off or everything loads.
// The oldest queued OpenSSL error as text (the queue is cleared).
std::string openssl_error();

std::vector<std::string> check_tls_material(const TlsServerOptions& tls, const std::string& key_prefix);

}  // namespace lienthong::server
