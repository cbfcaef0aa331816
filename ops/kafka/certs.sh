#!/usr/bin/env bash
# A private certificate authority and the certificates of a TLS test or development setup,
# made with openssl (EC P-256, PEM). Never for production: keys are unencrypted files.
#
# Usage: ops/kafka/certs.sh DIR [--days N]
#
# Writes, in DIR (mode 0700; keys 0600), what is missing (existing files are kept):
#   ca.key, ca.pem          the authority; clients trust ca.pem (--ssl-ca)
#   broker.pem              the broker's key and certificate (CN=aetherial-broker, SAN
#                           IP:127.0.0.1 and DNS:localhost), the PEM keystore of ops/kafka/broker.sh;
#                           its controller listener authenticates the broker by this certificate
set -euo pipefail
AETHERIAL_LOG_TAG=certs
# shellcheck source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

dir=""
days=30
while (($#)); do
  case "$1" in
  --days) days="$2"; shift ;;
  -h | --help) usage "${BASH_SOURCE[0]}" ;;
  -*) die "unknown option: $1 (see --help)" ;;
  *) dir="$1" ;;
  esac
  shift
done
[[ -n "$dir" ]] || die "usage: ops/kafka/certs.sh DIR [--days N]"
command -v openssl >/dev/null 2>&1 || die "openssl not found: run ops/setup.sh"
mkdir -p "$dir"
chmod 700 "$dir"
umask 077

if [[ ! -f "$dir/ca.pem" ]]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$dir/ca.key" -sha256 -days "$days" -subj "/CN=aetherial-test-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.pem" 2>/dev/null
  chmod 644 "$dir/ca.pem"
  log "certificate authority: $dir/ca.pem"
fi

# leaf NAME CN: NAME.pem holds the private key and the certificate signed by the authority.
leaf() {
  local name="$1" cn="$2" tmp
  [[ -f "$dir/$name.pem" ]] && return 0
  tmp="$(mktemp -d)"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/key.pem" 2>/dev/null
  openssl req -new -key "$tmp/key.pem" -subj "/CN=$cn" -out "$tmp/req.csr" 2>/dev/null
  cat >"$tmp/ext.cnf" <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
EXT
  openssl x509 -req -in "$tmp/req.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days "$days" -sha256 -extfile "$tmp/ext.cnf" -out "$tmp/cert.pem" 2>/dev/null
  cat "$tmp/key.pem" "$tmp/cert.pem" >"$dir/$name.pem"
  rm -rf "$tmp"
  log "$name: $dir/$name.pem (CN=$cn)"
}
leaf broker aetherial-broker
