# Writes contract_files.cpp with the built-in contract files as string
# literals, so the executables need no data directory.
set(out "// Generated from contract/usms-v*.toml by embed_files.cmake.\n")
string(APPEND out "#include \"contract/contract_files.hpp\"\n\n")
string(APPEND out "namespace usms::contract_files {\nnamespace {\n")
foreach(v 1 2)
  file(READ "${SRC}/usms-v${v}.toml" text)
  string(APPEND out "constexpr std::string_view toml_v${v} = R\"usmstoml(${text})usmstoml\";\n")
endforeach()
string(APPEND out "} // namespace\n\n")
string(APPEND out "std::string_view builtin_toml(int v) { return v == 1 ? toml_v1 : toml_v2; }\n")
string(APPEND out "} // namespace usms::contract_files\n")
file(WRITE "${OUT}" "${out}")
