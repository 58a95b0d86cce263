#!/usr/bin/env bash
# The gateway's Ed25519 key for signed audit evidence (sealed exports, signed heads):
#   make-audit-signing-key.sh OUTDIR
# writes OUTDIR/audit-signing.key (private, mode 0600: stays with the gateway's operator)
# and OUTDIR/audit-signing.pub (public: give it to the inspectors, with its key id). An
# existing key is never overwritten: evidence signed with it must stay verifiable.
set -euo pipefail
out="${1:?usage: make-audit-signing-key.sh OUTDIR}"
mkdir -p "$out"
key="$out/audit-signing.key"
pub="$out/audit-signing.pub"
if [[ -e "$key" ]]; then
  echo "make-audit-signing-key: $key exists; not overwritten (move it away to make a new key)" >&2
  exit 1
fi
(umask 077 && openssl genpkey -algorithm ed25519 -out "$key")
openssl pkey -in "$key" -pubout -out "$pub"
# key id: the first 16 hex digits of the SHA-256 of the raw 32-byte public key (the last 32
# bytes of the DER SubjectPublicKeyInfo), as `lienthong audit` prints and checks it.
key_id="$(openssl pkey -pubin -in "$pub" -outform DER | tail -c 32 | openssl dgst -sha256 -r | cut -c1-16)"
echo "private key: $key (keep it with the gateway, mode 0600)"
echo "public key:  $pub (key id $key_id; give it to the inspectors)"
