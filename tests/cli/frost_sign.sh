#!/usr/bin/env bash
# `stakecast-node frost sign` end to end: N local nodes over real loopback libp2p connections, one crashed
# and one cheating signer. Checks the JSON, that the crashed signer timed out and the cheater was named,
# and verifies the Ed25519-suite signature independently with OpenSSL (not libsodium, which signed it).
# Usage: frost_sign.sh <stakecast-node>
set -euo pipefail
node=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$("$node" frost sign --suite ed25519 --signers 7 --threshold 4 --message "stakecast frost" \
      --crash 1 --cheat 1 --seed 3 --attempt-ms 400)
echo "$out"
jq -e '.suite == "FROST(Ed25519, SHA-512)"' <<<"$out" >/dev/null
[[ $(jq -r .message <<<"$out") == $(printf 'stakecast frost' | od -An -tx1 | tr -d ' \n') ]]
jq -e '(.signature | test("^[0-9a-f]{128}$")) and (.group_public_key | test("^[0-9a-f]{64}$"))' <<<"$out" >/dev/null
jq -e '.signers | length == 4' <<<"$out" >/dev/null
jq -e '.elapsed_ms > 0 and .verified == true' <<<"$out" >/dev/null
crashed=$(jq -r '.crashed[0]' <<<"$out")
cheater=$(jq -r '.cheaters[0]' <<<"$out")
jq -e --argjson c "$crashed" --argjson x "$cheater" '
  ([.excluded[] | select(.signer == $c and .reason == "commitment_timeout")] | length == 1) and
  ([.excluded[] | select(.signer == $x and .reason == "invalid_share" and .evidence)] | length == 1) and
  ([.signers[] | select(. == $c or . == $x)] | length == 0)' <<<"$out" >/dev/null

# Independent check: a plain Ed25519 verification by OpenSSL (RFC 8410 SubjectPublicKeyInfo).
jq -r .group_public_key <<<"$out" | sed 's/^/302a300506032b6570032100/' | xxd -r -p > "$tmp/pub.der"
openssl pkey -pubin -inform DER -in "$tmp/pub.der" -out "$tmp/pub.pem"
jq -r .message <<<"$out" | xxd -r -p > "$tmp/msg"
jq -r .signature <<<"$out" | xxd -r -p > "$tmp/sig"
openssl pkeyutl -verify -pubin -inkey "$tmp/pub.pem" -rawin -in "$tmp/msg" -sigfile "$tmp/sig"
# The check can fail: a different message does not verify.
printf 'stakecast frosT' > "$tmp/other"
if openssl pkeyutl -verify -pubin -inkey "$tmp/pub.pem" -rawin -in "$tmp/other" -sigfile "$tmp/sig" 2>/dev/null; then
  echo "a signature over another message verified" >&2
  exit 1
fi

# ristretto255 and broadcast mode (verified by the tool's own Schnorr check).
out=$("$node" frost sign --suite ristretto255 --signers 5 --threshold 3 --message "r255" --cheat 1 \
      --mode broadcast --seed 4 --attempt-ms 400)
echo "$out"
jq -e '.suite == "FROST(ristretto255, SHA-512)" and .verified == true and (.signers | length >= 3)' <<<"$out" >/dev/null
jq -e '[.excluded[] | select(.reason == "invalid_share")] | length == 1' <<<"$out" >/dev/null
echo "frost sign: ok"
