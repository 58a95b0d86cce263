// Escaping of text placed in XML or HTML (element content and quoted attribute values):
// SOAP requests to the population database, the simulators' XML, the console's pages.
#pragma once

#include <string>
#include <string_view>

namespace lienthong {

// & < > " ' as entities (&#39; for the apostrophe, which HTML 4 lacks as a named one);
// every other byte, UTF-8 included, as it is.
std::string markup_escape(std::string_view s);

}  // namespace lienthong
