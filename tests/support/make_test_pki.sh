#!/usr/bin/env bash
# Makes a throw-away PKI for the TLS tests in DIR, with the openssl CLI:
#   ca.pem, ca-key.pem               the test CA
#   server.pem, server-key.pem       signed by it, for localhost and 127.0.0.1
#   server2.pem, server2-key.pem     the same names, another key (a renewal)
#   client.pem, client-key.pem       a client certificate signed by the CA
#   other-ca.pem, other-ca-key.pem   an unrelated CA
#   other-client.pem, ...-key.pem    a client certificate signed by other-ca
# Every key is made fresh on each run, lives two days and protects nothing:
# TEST USE ONLY. P-256 keys, so a run takes a fraction of a second.
# Usage: tests/support/make_test_pki.sh DIR
set -euo pipefail
dir=${1:?usage: make_test_pki.sh DIR}
mkdir -p "$dir"
cd "$dir"

new_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# new_ca NAME
new_ca() {
  new_key "$1-key.pem"
  openssl req -x509 -new -key "$1-key.pem" -subj "/CN=USMS test only $1" \
    -days 2 -out "$1.pem" \
    -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# new_leaf NAME CA EXTENSIONS...
new_leaf() {
  local name=$1 ca=$2
  shift 2
  new_key "$name-key.pem"
  openssl req -new -key "$name-key.pem" -subj "/CN=USMS test only $name" \
    -out "$name.csr" 2>/dev/null
  printf '%s\n' "$@" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca-key.pem" \
    -CAcreateserial -days 2 -extfile "$name.ext" -out "$name.pem" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

server_ext=("basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth"
            "subjectAltName=DNS:localhost,IP:127.0.0.1")
client_ext=("basicConstraints=CA:FALSE" "extendedKeyUsage=clientAuth")

new_ca ca
new_ca other-ca
new_leaf server ca "${server_ext[@]}"
new_leaf server2 ca "${server_ext[@]}"
new_leaf client ca "${client_ext[@]}"
new_leaf other-client other-ca "${client_ext[@]}"
rm -f ./*.srl
