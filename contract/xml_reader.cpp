#include "contract/xml_reader.hpp"

#include <cstring>

namespace usms::xml {

namespace {

constexpr std::string_view xml_prefix_ns = "http://www.w3.org/XML/1998/namespace";

std::string_view name_of(const node* n) {
  return {n->name(), n->name_size()};
}

std::string_view prefix_of(const node* n) {
  auto name = name_of(n);
  auto colon = name.find(':');
  return colon == std::string_view::npos ? std::string_view{}
                                         : name.substr(0, colon);
}

} // namespace

document::document() = default;
document::~document() = default;

std::string document::parse(std::string_view text) {
  buffer_.reserve(text.size() + 1);
  buffer_.assign(text.data(), text.size());
  // RapidXML parses in place and needs the terminator in the buffer.
  buffer_.push_back('\0');
  doc_ = std::make_unique<rapidxml::xml_document<char>>();
  try {
    // Entities: RapidXML knows only the five predefined ones and character
    // references; it never loads DTDs. Closing tags must match their start.
    doc_->parse<rapidxml::parse_validate_closing_tags>(buffer_.data());
  } catch (const rapidxml::parse_error& e) {
    auto offset = e.where<char>() - buffer_.data();
    doc_.reset();
    return std::string{e.what()} + " at byte " + std::to_string(offset);
  }
  if (!first_element(doc_.get())) {
    doc_.reset();
    return "no root element";
  }
  return {};
}

const node* document::root() const {
  return doc_ ? first_element(doc_.get()) : nullptr;
}

std::string_view local_name(const node* n) {
  auto name = name_of(n);
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::optional<std::string_view> lookup_namespace(const node* n,
                                                 std::string_view prefix) {
  if (prefix == "xml")
    return xml_prefix_ns;
  for (; n && n->type() == rapidxml::node_element; n = n->parent()) {
    for (auto a = n->first_attribute(); a; a = a->next_attribute()) {
      std::string_view name{a->name(), a->name_size()};
      if (name.size() < 5 || name.compare(0, 5, "xmlns") != 0)
        continue;
      if (prefix.empty() ? name.size() == 5
                         : (name.size() == 6 + prefix.size() && name[5] == ':'
                            && name.substr(6) == prefix))
        return std::string_view{a->value(), a->value_size()};
    }
  }
  if (prefix.empty())
    return std::string_view{};
  return std::nullopt;
}

std::optional<std::string_view> namespace_of(const node* n) {
  return lookup_namespace(n, prefix_of(n));
}

bool is(const node* n, std::string_view ns, std::string_view local) {
  if (!n || local_name(n) != local)
    return false;
  auto uri = namespace_of(n);
  return uri && *uri == ns;
}

const node* first_element(const node* parent) {
  auto c = parent->first_node();
  while (c && c->type() != rapidxml::node_element)
    c = c->next_sibling();
  return c;
}

const node* next_element(const node* n) {
  auto c = n->next_sibling();
  while (c && c->type() != rapidxml::node_element)
    c = c->next_sibling();
  return c;
}

const node* find_child(const node* parent, std::string_view ns,
                       std::string_view local) {
  for (auto c = first_element(parent); c; c = next_element(c))
    if (is(c, ns, local))
      return c;
  return nullptr;
}

std::string text(const node* n) {
  std::string out;
  for (auto c = n->first_node(); c; c = c->next_sibling())
    if (c->type() == rapidxml::node_data || c->type() == rapidxml::node_cdata)
      out.append(c->value(), c->value_size());
  return out;
}

std::string display_name(const node* n) {
  auto uri = namespace_of(n);
  std::string out;
  if (!uri)
    out = "(unbound prefix '" + std::string{prefix_of(n)} + "')";
  else if (!uri->empty())
    out = "{" + std::string{*uri} + "}";
  out += local_name(n);
  return out;
}

} // namespace usms::xml
