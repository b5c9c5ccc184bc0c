#!/usr/bin/env bash
# The layering check must fail on the planted tree and name each planted
# violation; a check that passes everything would pass this tree too.
set -uo pipefail
check=$1
tree=$2
out=$(python3 "$check" "$tree")
rc=$?
echo "$out"
if [[ $rc -ne 1 ]]; then
  echo "expected exit 1 from the layering check, got $rc"
  exit 1
fi
for want in \
  'persistence/bad_store.cpp:2: CAF header' \
  'persistence/bad_store.cpp:3: persistence/ may not include actors/' \
  'common/helper.cpp:2: SQLite header' \
  'contract/CMakeLists.txt:2: builds a file of another folder: ../common/helper.cpp' \
  "tests/named_test.cpp:2: test name with ';'"
do
  if ! grep -qF -- "$want" <<<"$out"; then
    echo "missing violation: $want"
    exit 1
  fi
done
echo "all planted violations found"
