// Reads an HTML form the way a browser submits it: the simulator's consent page (hidden
// consent id, user picker, Approve/Deny buttons). A tag scanner, not an HTML parser.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkgate::conformance {

struct HtmlForm {
  std::string method;  // lower-cased; "get" when absent
  std::string action;  // attribute value, entities decoded (may be relative)
  // Successful controls without the submit buttons: hidden/text inputs, checked checkboxes,
  // the selected (or first) option of each select.
  std::vector<std::pair<std::string, std::string>> fields;
  // Values offered by each <select>: name -> option values in order.
  std::vector<std::pair<std::string, std::vector<std::string>>> selects;
  // Submit buttons: name -> value ("decision" -> "approve").
  std::vector<std::pair<std::string, std::string>> buttons;
};

// Every <form> in the page, in order.
std::vector<HtmlForm> parseForms(std::string_view html);

// Decodes the character references a page uses in attribute values (&amp; &lt; &gt; &quot;
// &#39; &#NN; &#xNN;).
std::string decodeEntities(std::string_view text);

}  // namespace linkgate::conformance
