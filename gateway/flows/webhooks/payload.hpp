// Webhook payloads as the mapping engine reads them: a JSON body as-is, or the payload
// element of a SOAP 1.1 / 1.2 envelope converted to JSON (docs/webhooks.md, "SOAP").
//
// XML → JSON conversion of the Body's first child element P:
//   result = { "<local name of P>": convert(P) }
//   convert(E) = text content (string) when E has no attributes and no child elements;
//                otherwise an object: each attribute as "@<local name>", each child element
//                under its local name (namespace prefixes dropped; a name seen twice becomes
//                an array in document order), and non-blank text as "#text".
// Values are always strings: the mapping file converts types explicitly.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"

namespace lienthong::webhooks {

enum class PayloadFormat { kJson, kSoap11, kSoap12 };
std::string_view to_string(PayloadFormat f);

// From a Content-Type header value (parameters such as charset are ignored; only UTF-8
// is accepted). application/json (and */*+json) → kJson, text/xml → kSoap11,
// application/soap+xml → kSoap12. Anything else: kValidation naming the type (→ 415).
Result<PayloadFormat> format_for_content_type(std::string_view content_type);

// Limits on outside XML: deeper nesting or more elements are refused (kParse).
inline constexpr int kMaxXmlDepth = 64;
inline constexpr size_t kMaxXmlElements = 100'000;

// Parses a JSON body; kParse errors name line, column and offset. A std::string (NUL-
// terminated) lets RapidJSON scan strings 16 bytes at a time (gateway/core/common/json.cpp).
Result<rapidjson::Document> parse_json_payload(const std::string& body);

// Parses a SOAP envelope of the given version and converts its payload element.
// kParse errors name line, column and offset for malformed XML, or say what is missing
// (Envelope of the expected SOAP version, Body, a payload element; a soap:Fault is refused).
Result<rapidjson::Document> parse_soap_payload(std::string_view body, PayloadFormat version);

// Dispatches on the format.
Result<rapidjson::Document> parse_payload(const std::string& body, PayloadFormat format);

}  // namespace lienthong::webhooks
