#!/usr/bin/env bash
# Makes a development CA, a server certificate for localhost/127.0.0.1 and client
# certificates (for mutual TLS tests and local runs) in OUTDIR. Idempotent: files that
# already exist are kept. Development only: never use these keys in production.
#   usage: certs/make-dev-certs.sh OUTDIR      (e.g. certs/dev, which git ignores)
set -euo pipefail
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT"
cd "$OUT"
umask 077
DAYS=825

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

made=()
if [[ ! -f ca.crt || ! -f ca.key ]]; then
  newkey ca.key
  openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/C=VN/O=lienthong dev/CN=lienthong dev CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out ca.crt 2>/dev/null
  made+=(ca.crt ca.key)
fi

# sign NAME SUBJECT EXTENSIONS
sign() {
  local name="$1" subj="$2" ext="$3"
  [[ -f "$name.crt" && -f "$name.key" ]] && return 0
  newkey "$name.key"
  openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr" 2>/dev/null
  printf '%s\n' "$ext" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$DAYS" -sha256 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
  made+=("$name.crt" "$name.key")
}

sign server "/C=VN/O=lienthong dev/CN=localhost" \
  "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1"

CLIENT_EXT="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
sign lgsp-client "/C=VN/O=lienthong dev/CN=lgsp-client" "$CLIENT_EXT"
sign bo-tu-phap "/C=VN/O=Bo Tu phap/CN=bo-tu-phap" "$CLIENT_EXT"
sign motcua-tinh "/C=VN/O=lienthong dev/CN=motcua-tinh" "$CLIENT_EXT"
chmod 644 ./*.crt

if ((${#made[@]})); then
  echo "made in $OUT: ${made[*]}"
else
  echo "nothing to do: all certificates already exist in $OUT"
fi
