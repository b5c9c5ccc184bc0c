# Writes a .cpp defining `std::string_view NAME()` with the file's text.
file(READ "${SRC}" text)
file(WRITE "${OUT}" "// Generated from ${SRC} by embed_text.cmake.\n#include <string_view>\nnamespace usms::app {\nstd::string_view ${NAME}() {\n  static constexpr std::string_view text = R\"usmsdoc(${text})usmsdoc\";\n  return text;\n}\n} // namespace usms::app\n")
