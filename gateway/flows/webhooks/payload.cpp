#include "gateway/flows/webhooks/payload.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <pugixml.hpp>
#include <set>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/text.hpp"

namespace lienthong::webhooks {

namespace {

constexpr std::string_view kSoap11Ns = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr std::string_view kSoap12Ns = "http://www.w3.org/2003/05/soap-envelope";

std::string lower(std::string_view s) {
  return ascii_lower(s);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view local_name(std::string_view qname) {
  size_t colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string_view prefix_of(std::string_view qname) {
  size_t colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon);
}

// The namespace URI of an element, resolved through the xmlns declarations in scope.
std::string_view namespace_of(pugi::xml_node node) {
  std::string_view prefix = prefix_of(node.name());
  std::string attr = prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix);
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    if (auto a = n.attribute(attr.c_str())) return a.value();
  }
  return {};
}

// Line and column (1-based) of a byte offset.
std::string position(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col) + " (offset " +
         std::to_string(offset) + ")";
}

bool is_blank(const char* s) {
  for (; *s; ++s) {
    if (!std::isspace(static_cast<unsigned char>(*s))) return false;
  }
  return true;
}

struct Converter {
  rapidjson::Document::AllocatorType& alloc;
  size_t elements = 0;

  Result<rapidjson::Value> convert(pugi::xml_node e, int depth) {
    if (depth > kMaxXmlDepth) {
      return make_error(ErrorKind::kParse,
                        "XML nesting deeper than " + std::to_string(kMaxXmlDepth) + " levels");
    }
    if (++elements > kMaxXmlElements) {
      return make_error(ErrorKind::kParse,
                        "XML has more than " + std::to_string(kMaxXmlElements) + " elements");
    }
    bool has_children = false, has_attrs = false;
    for (auto a : e.attributes()) {
      std::string_view n = a.name();
      if (n == "xmlns" || n.substr(0, 6) == "xmlns:") continue;  // declarations are not data
      has_attrs = true;
    }
    for (auto c : e.children()) {
      if (c.type() == pugi::node_element) has_children = true;
    }
    std::string text;
    for (auto c : e.children()) {
      if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) text += c.value();
    }
    if (!has_children && !has_attrs) {
      return rapidjson::Value(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc);
    }
    rapidjson::Value obj(rapidjson::kObjectType);
    std::set<std::string> arrays;  // keys already turned into arrays (a repeated element)
    for (auto a : e.attributes()) {
      std::string_view n = a.name();
      if (n == "xmlns" || n.substr(0, 6) == "xmlns:") continue;
      std::string key = "@" + std::string(local_name(n));
      rapidjson::Value k(key.c_str(), static_cast<rapidjson::SizeType>(key.size()), alloc);
      rapidjson::Value v(a.value(), alloc);
      if (obj.HasMember(key.c_str())) continue;  // duplicate local names across prefixes: first wins
      obj.AddMember(k, v, alloc);
    }
    for (auto c : e.children()) {
      if (c.type() != pugi::node_element) continue;
      LT_ASSIGN_OR_RETURN(rapidjson::Value v, convert(c, depth + 1));
      std::string key(local_name(c.name()));
      if (!obj.HasMember(key.c_str())) {
        rapidjson::Value k(key.c_str(), static_cast<rapidjson::SizeType>(key.size()), alloc);
        obj.AddMember(k, v, alloc);
      } else if (arrays.count(key)) {
        obj[key.c_str()].PushBack(v, alloc);
      } else {
        rapidjson::Value& existing = obj[key.c_str()];
        rapidjson::Value arr(rapidjson::kArrayType);
        arr.PushBack(existing, alloc);
        arr.PushBack(v, alloc);
        existing = arr;
        arrays.insert(key);
      }
    }
    if (!is_blank(text.c_str())) {
      rapidjson::Value v(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc);
      obj.AddMember("#text", v, alloc);
    }
    return obj;
  }
};

}  // namespace

std::string_view to_string(PayloadFormat f) {
  switch (f) {
    case PayloadFormat::kJson:
      return "json";
    case PayloadFormat::kSoap11:
      return "soap1.1";
    case PayloadFormat::kSoap12:
      return "soap1.2";
  }
  return "json";
}

Result<PayloadFormat> format_for_content_type(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  std::string type = lower(trim(media));
  // Only UTF-8: a charset parameter naming anything else is refused.
  size_t semi = content_type.find(';');
  while (semi != std::string_view::npos) {
    size_t next = content_type.find(';', semi + 1);
    std::string param =
        lower(trim(content_type.substr(semi + 1, next == std::string_view::npos ? next : next - semi - 1)));
    if (param.rfind("charset=", 0) == 0) {
      std::string cs = param.substr(8);
      cs.erase(std::remove(cs.begin(), cs.end(), '"'), cs.end());
      if (cs != "utf-8" && cs != "utf8") {
        return make_error(ErrorKind::kValidation, "charset '" + cs + "' is not supported; send UTF-8");
      }
    }
    semi = next;
  }
  if (type == "application/json" ||
      (type.size() > 5 && type.substr(type.size() - 5) == "+json" && type.rfind("application/", 0) == 0)) {
    return PayloadFormat::kJson;
  }
  if (type == "text/xml") return PayloadFormat::kSoap11;
  if (type == "application/soap+xml") return PayloadFormat::kSoap12;
  if (type.empty()) {
    return make_error(ErrorKind::kValidation,
                      "missing Content-Type; send application/json, text/xml (SOAP 1.1) or "
                      "application/soap+xml (SOAP 1.2)");
  }
  return make_error(ErrorKind::kValidation,
                    "Content-Type '" + type +
                        "' is not accepted; send application/json, text/xml (SOAP 1.1) or "
                        "application/soap+xml (SOAP 1.2)");
}

Result<rapidjson::Document> parse_json_payload(const std::string& body) {
  auto doc = json::parse(body, "request body");
  if (!doc.ok()) return make_error(ErrorKind::kParse, doc.error().message);
  if (!doc->IsObject()) {
    return make_error(ErrorKind::kParse,
                      "request body must be a JSON object, not " + std::string(json::type_name(*doc)));
  }
  return doc;
}

Result<rapidjson::Document> parse_soap_payload(std::string_view body, PayloadFormat version) {
  pugi::xml_document doc;
  // parse_default skips DOCTYPE and never loads external entities (no XXE).
  pugi::xml_parse_result pr =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!pr) {
    return make_error(ErrorKind::kParse, std::string("malformed XML at ") +
                                             position(body, static_cast<size_t>(pr.offset)) + ": " +
                                             pr.description());
  }
  pugi::xml_node env = doc.document_element();
  std::string_view want = version == PayloadFormat::kSoap12 ? kSoap12Ns : kSoap11Ns;
  std::string_view other = version == PayloadFormat::kSoap12 ? kSoap11Ns : kSoap12Ns;
  if (!env || local_name(env.name()) != "Envelope") {
    return make_error(ErrorKind::kParse, "XML root element must be a SOAP Envelope");
  }
  std::string_view ns = namespace_of(env);
  if (ns != want) {
    if (ns == other) {
      return make_error(ErrorKind::kParse,
                        std::string("SOAP version does not match Content-Type: the envelope is ") +
                            (version == PayloadFormat::kSoap12 ? "SOAP 1.1 (send text/xml)"
                                                               : "SOAP 1.2 (send application/soap+xml)"));
    }
    return make_error(ErrorKind::kParse, "Envelope namespace must be " + std::string(want));
  }
  pugi::xml_node body_node;
  for (auto c : env.children()) {
    if (c.type() == pugi::node_element && local_name(c.name()) == "Body" && namespace_of(c) == want) {
      body_node = c;
      break;
    }
  }
  if (!body_node) return make_error(ErrorKind::kParse, "SOAP Envelope has no Body");
  pugi::xml_node payload;
  for (auto c : body_node.children()) {
    if (c.type() == pugi::node_element) {
      payload = c;
      break;
    }
  }
  if (!payload) return make_error(ErrorKind::kParse, "SOAP Body has no payload element");
  if (local_name(payload.name()) == "Fault" && namespace_of(payload) == want) {
    return make_error(ErrorKind::kParse, "SOAP Body holds a Fault, not a status message");
  }
  rapidjson::Document out(rapidjson::kObjectType);
  Converter conv{out.GetAllocator()};
  LT_ASSIGN_OR_RETURN(rapidjson::Value v, conv.convert(payload, 1));
  std::string key(local_name(payload.name()));
  rapidjson::Value k(key.c_str(), static_cast<rapidjson::SizeType>(key.size()), out.GetAllocator());
  out.AddMember(k, v, out.GetAllocator());
  return out;
}

Result<rapidjson::Document> parse_payload(const std::string& body, PayloadFormat format) {
  if (format == PayloadFormat::kJson) return parse_json_payload(body);
  return parse_soap_payload(body, format);
}

}  // namespace lienthong::webhooks
