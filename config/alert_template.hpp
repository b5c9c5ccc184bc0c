#pragma once

// The templates of the alertmanager keys (summary, description,
// configuration_item): literal text with `{{ labels.NAME }}` and
// `{{ annotations.NAME }}` references and nothing else. The config checks a
// template with parse_template when it is loaded or PUT; whoever renders
// one uses the same parse, so both agree on what a template means.

#include "contract/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace usms::config {

/// What one piece of a template stands for.
enum class template_part_kind : std::uint8_t {
  literal,    ///< text copied as it is
  label,      ///< the value of the alert's label `name`
  annotation, ///< the value of the alert's annotation `name`
};

/// One piece of a parsed template.
struct template_part {
  template_part_kind kind = template_part_kind::literal;
  /// The literal text, or the label or annotation name.
  std::string text;

  friend bool operator==(const template_part& a, const template_part& b) {
    return a.kind == b.kind && a.text == b.text;
  }
  friend bool operator!=(const template_part& a, const template_part& b) {
    return !(a == b);
  }
};

/// Splits a template into literal text and references, in order; adjacent
/// literal text is one part, an empty template has no parts.
///
/// A reference is `{{`, optional spaces or tabs, `labels.` or
/// `annotations.`, a name of `[A-Za-z_][A-Za-z0-9_]*`, optional spaces or
/// tabs, `}}`. Anything else between `{{` and `}}`, and a `{{` that is never
/// closed, is refused with the position (1-based byte offset) and the
/// reason, e.g. `'{{ .Labels.x }}' at character 7 is not {{ labels.NAME }}
/// or {{ annotations.NAME }}`. A `}}` or a single brace outside a reference
/// is literal text. The failure's code is `template`.
usms::result<std::vector<template_part>> parse_template(std::string_view text);

} // namespace usms::config
